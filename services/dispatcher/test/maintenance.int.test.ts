import { createLedger } from '@bora/ledger';
import { createLogger } from '@bora/logger';
import { test } from '@bora/testing';
import { Registry } from 'prom-client';
import { describe, expect } from 'vitest';
import { createMaintenance } from '../src/maintenance/job.ts';
import {
  dropExpiredPartitions,
  ensurePartitions,
  listPartitions,
  monthsCovered,
  PARTITIONED_TABLES,
} from '../src/maintenance/partitions.ts';
import { ANONYMOUS_NAME, ANONYMOUS_PHONE } from '../src/maintenance/retention.ts';
import { book, seedFleet } from './support.ts';

const ATTEMPTS = PARTITIONED_TABLES.find((t) => t.table === 'delivery_attempts')!;
const DAY = 86_400_000;
const monthsAgo = (n: number) => {
  const d = new Date();
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - n, 15));
};

type Env = Parameters<typeof seedFleet>[0];

async function attemptAt(env: Env, notificationId: string, at: Date, sql = env.db.sql) {
  await sql`insert into delivery_attempts (notification_id, attempt, outcome, latency_ms, created_at) values (${notificationId}, 1, 'sent', 5, ${at.toISOString()})`;
}

describe('Postgres upkeep: monthly partitions and retention', () => {
  test('months are created ahead, old months are dropped whole, recent ones stay', async ({ env }) => {
    const { sim, tenant } = await seedFleet(env, []);
    await sim.close();
    const { notification } = await book(env, tenant.id, { enqueue: false });
    // The migration made this month and three ahead; a fleet that ran for a year has older ones.
    const created = await ensurePartitions(env.db.sql, ATTEMPTS, 13, monthsAgo(14));
    expect(created.length).toBeGreaterThanOrEqual(10);
    expect(await ensurePartitions(env.db.sql, ATTEMPTS, 13, monthsAgo(14))).toEqual([]); // idempotent
    expect(await ensurePartitions(env.db.sql, ATTEMPTS, 6)).toHaveLength(3); // months 4..6 ahead
    expect(monthsCovered(await listPartitions(env.db.sql, ATTEMPTS.table))).toBe(6);
    for (const n of [14, 8, 5, 1]) await attemptAt(env, notification.id, monthsAgo(n));
    await attemptAt(env, notification.id, new Date());

    const dropped = await dropExpiredPartitions(env.db.sql, ATTEMPTS, 180);
    // Every month that ended more than 180 days ago: 14 and 8 months ago among them, not 5 or 1.
    const names = (n: number) =>
      `delivery_attempts_y${monthsAgo(n).getUTCFullYear()}m${String(monthsAgo(n).getUTCMonth() + 1).padStart(2, '0')}`;
    expect(dropped).toEqual(expect.arrayContaining([names(14), names(8)]));
    expect(dropped).not.toContain(names(5));
    const left = await env.db.sql<
      { created_at: string }[]
    >`select created_at from delivery_attempts where notification_id = ${notification.id} order by created_at`;
    expect(left.map((r) => new Date(r.created_at).getTime() > Date.now() - 7 * 31 * DAY)).toEqual([true, true, true]);
    const [gone] = await env.db.sql<
      { n: number }[]
    >`select count(*)::int as n from pg_class where relname = ${names(14)}`;
    expect(gone!.n).toBe(0);
    expect(await dropExpiredPartitions(env.db.sql, ATTEMPTS, 0)).toEqual([]); // 0 = forever
  });

  test('neither the attach of a new month nor the detach of an old one blocks a send being recorded', async ({
    env,
  }) => {
    const { sim, tenant } = await seedFleet(env, []);
    await sim.close();
    const { notification } = await book(env, tenant.id, { enqueue: false });
    await ensurePartitions(env.db.sql, ATTEMPTS, 0, monthsAgo(12));
    let commit!: () => void;
    const committed = new Promise<void>((resolve) => (commit = resolve));
    let inserted!: () => void;
    const isInserted = new Promise<void>((resolve) => (inserted = resolve));
    // A send's record in flight: an open transaction holding its insert.
    const open = env.db.sql.begin(async (tx) => {
      await attemptAt(env, notification.id, new Date(), tx as unknown as typeof env.db.sql);
      inserted();
      await committed;
    });
    await isInserted;
    try {
      expect(await ensurePartitions(env.db.sql, ATTEMPTS, 8)).not.toEqual([]);
      const detaching = dropExpiredPartitions(env.db.sql, ATTEMPTS, 180);
      // While the detach waits for the open transaction, other sends are recorded at once.
      const started = Date.now();
      await env.db.sql.begin(async (tx) => {
        await tx`select set_config('lock_timeout', '1000', true)`;
        await attemptAt(env, notification.id, new Date(), tx as unknown as typeof env.db.sql);
      });
      expect(Date.now() - started).toBeLessThan(1_000);
      commit();
      expect(await detaching).toHaveLength(1);
    } finally {
      commit();
      await open;
    }
  });

  test('one leader runs it; retention anonymises customers and drops texts in batches, counted', async ({ env }) => {
    const { sim, tenant } = await seedFleet(env, []);
    await sim.close();
    const old: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { notification } = await book(env, tenant.id, {
        enqueue: false,
        startsAt: new Date(Date.now() - 400 * DAY),
      });
      old.push(notification.id);
    }
    const { booking: recent } = await book(env, tenant.id, {
      enqueue: false,
      startsAt: new Date(Date.now() - 10 * DAY),
    });
    await env.db
      .sql`update notifications set status = 'delivered', text = 'Olá, Ana Souza!', created_at = now() - interval '401 days' where id = any(${old}::uuid[])`;
    // What customers wrote: a year old (who and what go), 40 days old (what goes), yesterday's (kept).
    const [server] = await env.db.sql<{ id: string }[]>`
      insert into evolution_apis (name, url, api_key_encrypted, webhook_secret_encrypted) values ('evo-retention', 'http://127.0.0.1:9', 'x', 'x') returning id`;
    for (const [key, days] of [
      ['3AOLD', 400],
      ['3AMONTH', 40],
      ['3ANEW', 1],
    ] as const) {
      await env.db.sql`
        insert into inbound_messages (tenant_id, evolution_api_id, message_key, customer_phone, remote_jid, push_name, text, intent, received_at)
        values (${tenant.id}, ${server!.id}, ${key}, '5511987654321', '5511987654321@s.whatsapp.net', 'Ana', 'Vocês abrem sábado?', 'unknown', now() - ${days} * interval '1 day')`;
    }
    const registry = new Registry();
    const make = (owner: string) =>
      createMaintenance({
        sql: env.db.sql,
        ledger: createLedger(env.db),
        redis: env.redis,
        prefix: env.queuePrefix,
        logger: createLogger({ name: 'maintenance-test', level: 'silent' }),
        registry: owner === 'a' ? registry : new Registry(),
        owner,
        intervalMs: 60_000,
        monthsAhead: 3,
        batchSize: 2,
        retentionDays: { attempts: 180, messageText: 30, customerData: 365 },
        pauseMs: 0,
      });
    const [a, b] = [make('a'), make('b')];
    try {
      const report = await a.runOnce();
      expect(report.leader).toBe(true);
      expect((await b.runOnce()).leader).toBe(false);
      expect(report.purged).toEqual({
        'notifications.text': 5,
        'notifications.recipient': 5,
        'bookings.customer': 5,
        'inbound_messages.text': 2,
        'inbound_messages.customer': 1,
      });
      const inbound = await env.db
        .sql`select message_key, customer_phone, push_name, text from inbound_messages order by received_at`;
      expect(inbound).toEqual([
        { message_key: '3AOLD', customer_phone: null, push_name: null, text: '' },
        { message_key: '3AMONTH', customer_phone: '5511987654321', push_name: 'Ana', text: '' },
        { message_key: '3ANEW', customer_phone: '5511987654321', push_name: 'Ana', text: 'Vocês abrem sábado?' },
      ]);
      const rows = await env.db.sql<
        { recipient: string; text: string | null; customer_name: string; customer_phone: string }[]
      >`
        select n.recipient, n.text, b.customer_name, b.customer_phone from notifications n join bookings b on b.id = n.booking_id where n.id = any(${old}::uuid[])`;
      expect(rows).toEqual(
        old.map(() => ({ recipient: '', text: null, customer_name: ANONYMOUS_NAME, customer_phone: ANONYMOUS_PHONE })),
      );
      const [kept] = await env.db.sql<
        { customer_name: string }[]
      >`select customer_name from bookings where id = ${recent.id}`;
      expect(kept!.customer_name).toBe('Ana Souza');
      const metric = await registry.getSingleMetricAsString('dispatcher_retention_rows_total');
      expect(metric).toContain('dispatcher_retention_rows_total{rule="bookings.customer"} 5');
      expect(await registry.getSingleMetricAsString('dispatcher_partition_months_ahead')).toMatch(
        /table="delivery_attempts"} [3-9]/,
      );
      expect((await a.runOnce()).purged).toEqual({
        'notifications.text': 0,
        'notifications.recipient': 0,
        'bookings.customer': 0,
        'inbound_messages.text': 0,
        'inbound_messages.customer': 0,
      });
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
