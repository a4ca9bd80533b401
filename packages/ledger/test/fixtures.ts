import { randomUUID } from 'node:crypto';
import type { NotificationStatus, Sql } from '@bora/db';
import { test as base, type TestEnv } from '@bora/testing';
import { createLedger, type Ledger } from '../src/index.ts';

export const OPTIONS = { leaseMs: 60_000, maxAttempts: 3, horizonMs: 24 * 3_600_000 };

/** One tenant with its own number on one server: what every ledger row here belongs to. */
export interface World {
  sql: Sql;
  ledger: Ledger;
  tenantId: string;
  serverId: string;
  instanceId: string;
  instanceName: string;
}

async function createWorld(env: TestEnv): Promise<World> {
  const { sql } = env.db;
  const suffix = randomUUID().slice(0, 8);
  const [tenant] = await sql<
    { id: string }[]
  >`insert into tenants (slug, name) values (${`t-${suffix}`}, 'Barbearia') returning id`;
  const [server] = await sql<{ id: string }[]>`
    insert into evolution_apis (name, url, api_key_encrypted, webhook_secret_encrypted)
    values (${`evo-${suffix}`}, 'http://127.0.0.1:9/evo', 'x', 'x') returning id`;
  const instanceName = `own-${suffix}`;
  const [instance] = await sql<{ id: string }[]>`
    insert into whatsapp_instances (evolution_api_id, instance_name, phone_number, display_name, tenant_id, is_primary, status)
    values (${server!.id}, ${instanceName}, ${`55119${Math.floor(Math.random() * 1e8)
      .toString()
      .padStart(8, '0')}`}, 'Own', ${tenant!.id}, true, 'connected')
    returning id`;
  return {
    sql,
    ledger: createLedger(env.db, OPTIONS),
    tenantId: tenant!.id,
    serverId: server!.id,
    instanceId: instance!.id,
    instanceName,
  };
}

export interface SeedOptions {
  status: NotificationStatus;
  kind?: 'confirmation' | 'reminder' | 'cancellation' | 'manual';
  attempts?: number;
  recipient?: string;
  /** Minutes from now to the appointment (negative: it started). */
  startsInMinutes?: number;
  bookingStatus?: 'confirmed' | 'cancelled';
  leaseExpired?: boolean;
  messageId?: string | null;
  text?: string | null;
  lastErrorScope?: string | null;
  failedMinutesAgo?: number;
}

/** A notification row in any state, written the way only a test may (the ledger is the only writer elsewhere). */
export async function seedRow(world: World, options: SeedOptions): Promise<string> {
  const { sql } = world;
  const kind = options.kind ?? 'confirmation';
  const recipient =
    options.recipient ??
    `55119${Math.floor(Math.random() * 1e8)
      .toString()
      .padStart(8, '0')}`;
  let bookingId: string | null = null;
  if (kind !== 'manual') {
    const startsAt = new Date(Date.now() + (options.startsInMinutes ?? 24 * 60) * 60_000);
    const [booking] = await sql<{ id: string }[]>`
      insert into bookings (tenant_id, customer_name, customer_phone, service, professional, starts_at, ends_at, status)
      values (${world.tenantId}, 'Ana', ${recipient}, 'Corte', ${randomUUID()}, ${startsAt.toISOString()},
              ${new Date(startsAt.getTime() + 1_800_000).toISOString()}, ${options.bookingStatus ?? 'confirmed'})
      returning id`;
    bookingId = booking!.id;
  }
  const unconfirmed = options.status === 'unconfirmed';
  const messageId =
    options.messageId !== undefined
      ? options.messageId
      : unconfirmed
        ? null
        : `3EB0${randomUUID().replace(/-/g, '').slice(0, 18).toUpperCase()}`;
  const [row] = await sql<{ id: string }[]>`
    insert into notifications (tenant_id, booking_id, kind, recipient, text, status, attempts, due_at, lease_until,
                               evolution_api_id, whatsapp_instance_id, message_id, last_error_scope, failed_at, unconfirmed_at, reconcile_at)
    values (${world.tenantId}, ${bookingId}, ${kind}, ${recipient}, ${options.text === undefined ? 'Olá!' : options.text}, ${options.status},
            ${options.attempts ?? 0}, now() - interval '1 minute',
            ${options.status === 'sending' ? sql`now() + ${options.leaseExpired ? -1 : 1} * interval '1 minute'` : null},
            ${world.serverId}, ${world.instanceId}, ${messageId}, ${options.lastErrorScope ?? null},
            ${options.status === 'failed' ? sql`now() - ${options.failedMinutesAgo ?? 1} * interval '1 minute'` : null},
            ${unconfirmed ? sql`now() - interval '1 minute'` : null}, ${unconfirmed ? sql`now() - interval '1 second'` : null})
    returning id`;
  return row!.id;
}

export async function statusOf(world: World, id: string): Promise<NotificationStatus> {
  const [row] = await world.sql<{ status: NotificationStatus }[]>`select status from notifications where id = ${id}`;
  return row!.status;
}

export async function rowOf(world: World, id: string) {
  const [row] = await world.sql`select * from notifications where id = ${id}`;
  return row!;
}

/** `test` with a file-scoped database (from @bora/testing) and a fresh tenant, server and number per test. */
export const test = base.extend<{ world: World }>({
  world: async ({ env }, use) => {
    await use(await createWorld(env));
  },
});
