import { spawnChild } from '@bora/processes';
import { createRetention } from '@bora/ledger';
import { createNotificationQueues, enqueueNotifications } from '@bora/queue';
import { Redis } from 'ioredis';
import { meanCpuMs, type CpuReport } from './cpu.ts';
import type { BenchContext } from './context.ts';
import { resetData, type Sql } from './database.ts';
import { median, round, steadyRate } from './measure.ts';
import { freePort, sleep, waitUntil } from './net.ts';
import { createTenant, seedFleet } from './seed.ts';
import { startAdminApi, startDispatcher, type RunningService } from './services.ts';
import { simFleet, startSim, type RunningSim } from './simulator.ts';

/**
 * "Large ledger" (opt-in: `pnpm bench --only=large-ledger`): the dispatcher and the operator's
 * reads on an empty ledger, then again after 10 million settled notification rows (and as many
 * attempt rows, over a year of monthly partitions) were seeded with `generate_series`. Also what
 * one message costs the engines: Redis commands (on a Redis of its own, so nobody else's commands
 * count), Postgres row writes and commits (the bench database's counters). And a dispatch round
 * while the retention purge drains its backlog at full speed, to show it stays off the hot path.
 */
export interface LargeLedgerRound {
  label: string;
  messages: number;
  rate: number;
  cpu: CpuReport;
  redisCommandsPerMessage: number;
  redisTop: Record<string, number>;
  pg: {
    insertedPerMessage: number;
    updatedPerMessage: number;
    commitsPerMessage: number;
    byTable: Record<string, number>;
  };
  purgedDuringRound?: number;
}

export interface LargeLedgerResult {
  rows: number;
  seedSeconds: { notifications: number; attempts: number; vacuum: number };
  sizesMb: { notifications: number; notificationIndexes: number; attempts: number };
  partitions: number;
  rounds: LargeLedgerRound[];
  reads: { label: string; usageMs: number; listMs: number; listFailedMs: number; messageMs: number }[];
  retentionBatchMs: { text: number; recipient: number };
}

const PREFIX = '{bench-large}';
const HISTORY_TENANTS = 200;

function startOwnRedis(port: number) {
  return spawnChild(
    'redis',
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      env: process.env,
      maxLines: 0,
    },
  );
}

async function commandStats(redis: Redis): Promise<{ total: number; byCommand: Record<string, number> }> {
  const info = await redis.info('commandstats');
  const byCommand: Record<string, number> = {};
  for (const m of info.matchAll(/cmdstat_([a-z|_-]+):calls=(\d+)/g)) byCommand[m[1]!] = Number(m[2]);
  return { total: Object.values(byCommand).reduce((a, b) => a + b, 0), byCommand };
}

/**
 * Row writes and commits of the bench database so far. A busy backend publishes its counters
 * about once a second, an idle one within 10 s (PostgreSQL 15's PGSTAT_IDLE_INTERVAL), so a
 * reading waits that out first.
 */
async function pgCounters(
  sql: Sql,
): Promise<{ inserted: number; updated: number; commits: number; byTable: Record<string, number> }> {
  await sleep(11_000);
  const [row] = await sql<
    { commits: string }[]
  >`select xact_commit as commits from pg_stat_database where datname = current_database()`;
  const tables = await sql<{ name: string; ins: string; upd: string }[]>`
    select coalesce(i.inhparent::regclass::text, s.relname) as name, sum(s.n_tup_ins) as ins, sum(s.n_tup_upd) as upd
      from pg_stat_user_tables s left join pg_inherits i on i.inhrelid = s.relid
     group by 1`;
  const byTable: Record<string, number> = {};
  for (const t of tables) {
    byTable[`${t.name} insert`] = Number(t.ins);
    byTable[`${t.name} update`] = Number(t.upd);
  }
  return {
    inserted: tables.reduce((a, t) => a + Number(t.ins), 0),
    updated: tables.reduce((a, t) => a + Number(t.upd), 0),
    commits: Number(row!.commits),
    byTable,
  };
}

async function dispatchRound(
  ctx: BenchContext,
  label: string,
  deps: {
    sim: RunningSim;
    redis: Redis;
    redisPid: number;
    dispatcher: RunningService;
    tenantId: string;
    n: number;
    metricsUrl: string;
  },
): Promise<LargeLedgerRound> {
  const queues = createNotificationQueues({ connection: deps.redis, prefix: PREFIX });
  await deps.sim.clearMessages();
  // Read before the round's rows exist: read after, the sweeper would have enqueued them meanwhile.
  const pgBefore = await pgCounters(ctx.sql);
  const base = new Date(Date.now() + 2 * 86_400_000 + Math.random() * 86_400_000 * 300).toISOString();
  const rows = await ctx.sql<{ id: string; due_at: Date }[]>`
    with b as (
      insert into bookings (tenant_id, customer_name, customer_phone, service, professional, starts_at, ends_at)
      select ${deps.tenantId}, 'Cliente ' || g, '5511' || (970000000 + g)::text, 'Corte de cabelo', ${`${label}-${base}`},
             ${base}::timestamptz + g * interval '30 minutes', ${base}::timestamptz + g * interval '30 minutes' + interval '30 minutes'
      from generate_series(1, ${deps.n}::int) g
      returning id, tenant_id, customer_phone)
    insert into notifications (tenant_id, booking_id, kind, recipient, status)
    select tenant_id, id, 'confirmation', customer_phone, 'queued' from b
    returning id, due_at`;
  const purgedBefore = await purgedSoFar(deps.metricsUrl);
  const meter = ctx.cpuMeter({ worker: deps.dispatcher.child.pid, redis: deps.redisPid });
  const stop = await meter.start();
  const redisBefore = await commandStats(deps.redis);
  const started = new Date();
  for (let i = 0; i < rows.length; i += 1_000) {
    await enqueueNotifications(
      queues,
      rows.slice(i, i + 1_000).map((r) => ({ id: r.id, tenantId: deps.tenantId, dueAt: new Date(r.due_at) })),
    );
  }
  const ids = rows.map((r) => r.id);
  await waitUntil(
    async () => {
      const [row] = await ctx.sql<
        { done: number }[]
      >`select count(*)::int as done from notifications where id = any(${ids}::uuid[]) and status in ('sent', 'failed')`;
      return (row?.done ?? 0) >= deps.n;
    },
    `${deps.n} notifications sent`,
    300_000,
    250,
  );
  const cpu = await stop(deps.n);
  const redisAfter = await commandStats(deps.redis);
  const pgAfter = await pgCounters(ctx.sql);
  const purged = (await purgedSoFar(deps.metricsUrl)) - purgedBefore;
  const messages = await deps.sim.messages();
  await queues.close();
  const per = (a: number, b: number) => round((a - b) / deps.n, 2);
  // The harness itself inserted one booking and one notification per message.
  pgAfter.inserted -= 2 * deps.n;
  pgAfter.byTable['bookings insert'] = (pgAfter.byTable['bookings insert'] ?? 0) - deps.n;
  pgAfter.byTable['notifications insert'] = (pgAfter.byTable['notifications insert'] ?? 0) - deps.n;
  const top = Object.entries(redisAfter.byCommand)
    .map(([cmd, calls]) => [cmd, per(calls, redisBefore.byCommand[cmd] ?? 0)] as const)
    .filter(([, v]) => v >= 0.05)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8);
  const result: LargeLedgerRound = {
    label,
    messages: deps.n,
    rate: round(steadyRate(messages.map((m) => m.receivedAt)), 0),
    cpu,
    // The harness's own enqueue (one addBulk per 1,000) and its INFO calls are a handful of commands per round.
    redisCommandsPerMessage: per(redisAfter.total, redisBefore.total),
    redisTop: Object.fromEntries(top),
    pg: {
      insertedPerMessage: per(pgAfter.inserted, pgBefore.inserted),
      updatedPerMessage: per(pgAfter.updated, pgBefore.updated),
      commitsPerMessage: per(pgAfter.commits, pgBefore.commits),
      byTable: Object.fromEntries(
        Object.entries(pgAfter.byTable)
          .map(([k, v]) => [k, per(v, pgBefore.byTable[k] ?? 0)] as const)
          .filter(([, v]) => v >= 0.01),
      ),
    },
    ...(purged > 0 ? { purgedDuringRound: purged } : {}),
  };
  ctx.log(
    `large-ledger: ${label}: ${result.rate} msg/s, CPU ms/msg ${JSON.stringify(cpu.perUnitMs)}, Redis ${result.redisCommandsPerMessage} commands/msg, ` +
      `Postgres ${result.pg.insertedPerMessage} inserts + ${result.pg.updatedPerMessage} updates + ${result.pg.commitsPerMessage} commits per msg` +
      (purged > 0 ? `, ${purged} rows purged meanwhile` : '') +
      ` (started ${started.toISOString().slice(11, 19)})`,
  );
  return result;
}

async function purgedSoFar(metricsUrl: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text().catch(() => '');
  return [...text.matchAll(/^dispatcher_retention_rows_total\{[^}]*\} (\d+)/gm)].reduce(
    (sum, m) => sum + Number(m[1]),
    0,
  );
}

async function timeReads(ctx: BenchContext, admin: RunningService, label: string, slug: string, calls: number) {
  const auth = { authorization: `Bearer ${ctx.adminToken}` };
  const time = async (path: string) => {
    const samples: number[] = [];
    for (let i = 0; i < calls; i++) {
      const t = performance.now();
      const response = await fetch(`${admin.url}${path}`, { headers: auth });
      await response.text();
      if (!response.ok) throw new Error(`GET ${path}: ${response.status}`);
      samples.push(performance.now() - t);
    }
    return round(median(samples), 2);
  };
  const [one] = await ctx.sql<{ id: string }[]>`select id from notifications order by created_at desc limit 1`;
  const reads = {
    label,
    usageMs: await time('/v1/stats/usage'),
    listMs: await time(`/v1/notifications?tenantSlug=${slug}&limit=50`),
    listFailedMs: await time('/v1/notifications?status=failed&limit=50'),
    messageMs: one ? await time(`/v1/messages/${one.id}`) : Number.NaN,
  };
  ctx.log(
    `large-ledger: reads (${label}): usage ${reads.usageMs} ms, a business's last 50 ${reads.listMs} ms, failed ${reads.listFailedMs} ms, one message ${reads.messageMs} ms`,
  );
  return reads;
}

/** Settled history: manual messages of HISTORY_TENANTS businesses over the last year, one attempt row each. */
async function seedHistory(ctx: BenchContext, rows: number, tenants: string[], servers: string[], instances: string[]) {
  const chunk = 1_000_000;
  const t0 = performance.now();
  // Monthly partitions for the year of history (the migration made this month and three ahead).
  await ctx.sql.unsafe(`
    do $$ declare m date := date_trunc('month', now() at time zone 'UTC' - interval '13 months')::date; begin
      while m < date_trunc('month', now() at time zone 'UTC')::date loop
        execute format('create table if not exists %I partition of delivery_attempts for values from (%L) to (%L)',
          'delivery_attempts_y' || to_char(m, 'YYYY') || 'm' || to_char(m, 'MM'), m::timestamp at time zone 'UTC', (m + interval '1 month')::timestamp at time zone 'UTC');
        m := (m + interval '1 month')::date;
      end loop; end $$`);
  await ctx.sql`set synchronous_commit = off`.catch(() => undefined);
  for (let from = 1; from <= rows; from += chunk) {
    const to = Math.min(rows, from + chunk - 1);
    const c = performance.now();
    await ctx.sql`
      insert into notifications (tenant_id, kind, recipient, text, status, attempts, due_at, evolution_api_id, whatsapp_instance_id,
                                 message_id, remote_jid, sent_at, delivered_at, read_at, created_at, updated_at)
      select (${tenants}::uuid[])[1 + g % ${tenants.length}], 'manual', r.phone, 'Olá! Seu horário está confirmado. Mensagem ' || g,
             case when g % 3 = 0 then 'read' else 'delivered' end, 1, x.ts,
             (${servers}::uuid[])[1 + g % ${servers.length}], (${instances}::uuid[])[1 + g % ${instances.length}],
             'BENCHLL' || g, r.phone || '@s.whatsapp.net', x.ts, x.ts + interval '2 seconds', case when g % 3 = 0 then x.ts + interval '1 minute' end, x.ts, x.ts
        from generate_series(${from}::int, ${to}::int) g,
             lateral (select now() - ((g % 36000)::float8 / 100) * interval '1 day' - interval '1 hour' as ts) x,
             lateral (select '5511' || (900000000 + g % 90000000)::text as phone) r`;
    ctx.log(
      `large-ledger: notifications ${to.toLocaleString('en')} / ${rows.toLocaleString('en')} (${((performance.now() - c) / 1000).toFixed(0)} s)`,
    );
  }
  const notificationsS = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  // Fixture rows, one attempt per seeded notification, written month by month straight into each
  // partition (no tuple routing; what the ledger's own inserts would have left over the year).
  const partitions = await ctx.sql<{ name: string; bound: string }[]>`
    select c.relname as name, pg_get_expr(c.relpartbound, c.oid) as bound
      from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'delivery_attempts'::regclass`;
  let done = 0;
  for (const p of partitions) {
    const [, from, to] = /FROM \('([^']+)'\) TO \('([^']+)'\)/.exec(p.bound) ?? [];
    if (!from || !to) continue;
    const [row] = await ctx.sql<{ n: number }[]>`
      with ins as (
        insert into ${ctx.sql(p.name)} (notification_id, attempt, evolution_api_id, whatsapp_instance_id, outcome, http_status, latency_ms, created_at)
        select id, 1, evolution_api_id, whatsapp_instance_id, 'sent', 201, 40, created_at
          from notifications
         -- recipient <> '' (true of every seeded row) lets the partial index on created_at serve the month
         where recipient <> '' and created_at >= ${from}::timestamptz and created_at < ${to}::timestamptz and message_id like 'BENCHLL%'
        returning 1)
      select count(*)::int as n from ins`;
    done += row?.n ?? 0;
    ctx.log(`large-ledger: attempts ${done.toLocaleString('en')} / ${rows.toLocaleString('en')} (${p.name})`);
  }
  const attemptsS = (performance.now() - t1) / 1000;
  const t2 = performance.now();
  // What autovacuum would have done over the year (visibility map, statistics).
  await ctx.sql`vacuum (analyze) notifications`;
  await ctx.sql`vacuum (analyze) delivery_attempts`;
  await ctx.sql`analyze bookings`;
  return {
    notifications: round(notificationsS, 0),
    attempts: round(attemptsS, 0),
    vacuum: round((performance.now() - t2) / 1000, 0),
  };
}

export async function runLargeLedger(ctx: BenchContext, rows: number): Promise<LargeLedgerResult> {
  const n = ctx.settings.mode === 'quick' ? 1_500 : 3_000;
  await resetData(ctx.sql);
  const redisPort = await freePort();
  const redisChild = startOwnRedis(redisPort);
  // A harness stopped by a signal or its deadline exits without running `finally`.
  const killRedis = () => void redisChild.kill9();
  process.once('exit', killRedis);
  const redisUrl = `redis://127.0.0.1:${redisPort}`;
  const own = { ...ctx, redisUrl };
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  redis.on('error', () => {}); // refused until the server is up
  const services: RunningService[] = [];
  try {
    await waitUntil(async () => (await redis.ping().catch(() => '')) === 'PONG', 'own redis-server', 10_000);
    const fleet = simFleet(20, 20);
    const sim = await startSim(ctx, 'sim-large', fleet);
    const tenantId = await createTenant(ctx.sql, 'bench-large');
    const history: string[] = [tenantId];
    for (let i = 1; i < HISTORY_TENANTS; i++) history.push(await createTenant(ctx.sql, `bench-large-${i}`));
    const seeded = await seedFleet(
      ctx.sql,
      ctx.secretKey,
      fleet.servers.map((f) => ({ name: f.name, url: sim.serverUrl(f.name), apiKey: f.apiKey })),
      20,
    );
    const servers = (await ctx.sql<{ id: string }[]>`select id from evolution_apis`).map((r) => r.id);
    const instances = seeded.map((s) => s.id);
    // Retention off for the measured rounds; on at full speed for the last one.
    const quiet = { RETENTION_ATTEMPT_DAYS: '0', RETENTION_MESSAGE_TEXT_DAYS: '0', RETENTION_CUSTOMER_DATA_DAYS: '0' };
    let dispatcher = await startDispatcher(own, 'dispatcher-large', PREFIX, 50, quiet);
    services.push(dispatcher);
    const metricsUrl = () => `${dispatcher.url}/metrics`;
    const admin = await startAdminApi(own, 'admin-api-large', PREFIX);
    services.push(admin);
    const lock = await ctx.sql.reserve();
    await lock`select pg_advisory_lock(727100010)`; // no health poll of the fake fleet during reads
    const rounds: LargeLedgerRound[] = [];
    const reads = [];
    const round1 = (label: string) =>
      dispatchRound(ctx, label, {
        sim,
        redis,
        redisPid: redisChild.pid,
        dispatcher,
        tenantId,
        n,
        metricsUrl: metricsUrl(),
      });
    const size = rows >= 1e6 ? `${round(rows / 1e6, 1)}M` : rows.toLocaleString('en');
    await round1('warm-up');
    rounds.push(await round1('empty ledger'));
    reads.push(await timeReads(ctx, admin, 'empty ledger', 'bench-large', 20));

    const seedSeconds = await seedHistory(ctx, rows, history, servers, instances);
    const [sizes] = await ctx.sql<{ n: string; ni: string; a: string; parts: number }[]>`
      select pg_table_size('notifications') as n, pg_indexes_size('notifications') as ni,
             (select sum(pg_total_relation_size(inhrelid)) from pg_inherits where inhparent = 'delivery_attempts'::regclass) as a,
             (select count(*)::int from pg_inherits where inhparent = 'delivery_attempts'::regclass) as parts`;
    await round1('warm-up at size');
    rounds.push(await round1(`${size} rows`));
    rounds.push(await round1(`${size} rows (again)`));
    reads.push(await timeReads(ctx, admin, `${size} rows`, 'bench-large', 20));

    // One retention batch of each kind, timed on its own (500 rows, the default batch).
    const batchMs = async (statement: () => Promise<unknown>) => {
      const samples: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        await statement();
        samples.push(performance.now() - t);
      }
      return round(median(samples), 1);
    };
    // The ledger's own statements (packages/ledger/src/retention.ts), as the maintenance runs them.
    const retention = createRetention(ctx.sql);
    const retentionBatchMs = {
      text: await batchMs(() => retention.clearMessageText(30, 500)),
      recipient: await batchMs(() => retention.anonymiseRecipients(300, 500)),
    };
    ctx.log(
      `large-ledger: one retention batch of 500 rows at size: text ${retentionBatchMs.text} ms, recipient ${retentionBatchMs.recipient} ms`,
    );

    // The purge at full speed (a run every second, 20 batches of 500 per rule) during a round.
    await dispatcher.child.stop();
    dispatcher = await startDispatcher(own, 'dispatcher-large-purging', PREFIX, 50, {
      MAINTENANCE_INTERVAL_MS: '1000',
      RETENTION_ATTEMPT_DAYS: '180',
      RETENTION_MESSAGE_TEXT_DAYS: '30',
      RETENTION_CUSTOMER_DATA_DAYS: '300',
    });
    services.push(dispatcher);
    await round1('warm-up, purging');
    rounds.push(await round1(`${size} rows, retention purging`));
    await lock`select pg_advisory_unlock(727100010)`;
    lock.release();
    await sim.child.stop();
    return {
      rows,
      seedSeconds,
      sizesMb: {
        notifications: round(Number(sizes!.n) / 2 ** 20, 0),
        notificationIndexes: round(Number(sizes!.ni) / 2 ** 20, 0),
        attempts: round(Number(sizes!.a) / 2 ** 20, 0),
      },
      partitions: sizes!.parts,
      rounds,
      reads,
      retentionBatchMs,
    };
  } finally {
    await Promise.all(services.map((s) => s.child.stop()));
    redis.disconnect();
    killRedis();
    process.off('exit', killRedis);
  }
}

/** The BENCHMARKS.md section (between its own markers; the main results block is left alone). */
export function largeLedgerMarkdown(r: LargeLedgerResult, header: string): string {
  const cpuOf = (x: LargeLedgerRound) => meanCpuMs([x.cpu], ['worker', 'postgres', 'redis']);
  const lines = [
    header,
    '',
    `Seeded ${r.rows.toLocaleString('en')} settled notification rows (200 businesses, a year of history) and as many attempt rows in ${r.partitions} monthly partitions with \`generate_series\`: notifications ${r.seedSeconds.notifications} s, attempts ${r.seedSeconds.attempts} s, vacuum + analyze ${r.seedSeconds.vacuum} s. Sizes: notifications ${r.sizesMb.notifications} MB + ${r.sizesMb.notificationIndexes} MB of indexes, delivery_attempts ${r.sizesMb.attempts} MB.`,
    '',
    '| Dispatch round | msg/s | CPU ms/msg: dispatcher, Postgres, Redis | Redis commands/msg | Postgres rows inserted / updated, commits per msg |',
    '|---|---|---|---|---|',
    ...r.rounds.map(
      (x) =>
        `| ${x.label}${x.purgedDuringRound ? ` (${x.purgedDuringRound.toLocaleString('en')} rows purged during the round)` : ''} | ${x.rate} | ${x.cpu.perUnitMs.worker ?? 'n/a'}, ${x.cpu.perUnitMs.postgres ?? 'n/a'}, ${x.cpu.perUnitMs.redis ?? 'n/a'} (sum ${cpuOf(x).toFixed(2)}) | ${x.redisCommandsPerMessage} | ${x.pg.insertedPerMessage} / ${x.pg.updatedPerMessage}, ${x.pg.commitsPerMessage} |`,
    ),
    '',
    "| Operator read (median of 20, one at a time) | `/v1/stats/usage` | a business's last 50 (`/v1/notifications?tenantSlug=`) | failed ones (`?status=failed`) | one message (`/v1/messages/:id`) |",
    '|---|---|---|---|---|',
    ...r.reads.map(
      (x) => `| ${x.label} | ${x.usageMs} ms | ${x.listMs} ms | ${x.listFailedMs} ms | ${x.messageMs} ms |`,
    ),
    '',
    `One retention batch (500 rows, \`for update skip locked\`) on the large ledger: message text ${r.retentionBatchMs.text} ms, customer number ${r.retentionBatchMs.recipient} ms (median of 5).`,
    `Redis commands per message, by command (empty-ledger round): ${Object.entries(r.rounds[0]?.redisTop ?? {})
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
    `Postgres row writes per message, by table (empty-ledger round; a partitioned table's partitions summed): ${Object.entries(
      r.rounds[0]?.pg.byTable ?? {},
    )
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
  ];
  return lines.join('\n');
}
