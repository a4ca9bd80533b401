import { loadDispatcherConfig, type DispatcherConfig } from '@bora/config';
import { bookings, notifications, seedFleet as seedFleetRows, tenants } from '@bora/db';
import { startSimulator, type SimInstanceOptions, type SimServerOptions } from '@bora/evolution-sim';
import { createLogger } from '@bora/logger';
import { createNotificationQueues, enqueueNotifications } from '@bora/queue';
import { type TestEnv, waitFor } from '@bora/testing';
import { createDispatcher } from '../src/dispatcher.ts';

export const SECRET = 'test-secret-key-0123456789abcdef';

export function testConfig(env: TestEnv, overrides: Record<string, string> = {}): DispatcherConfig {
  return loadDispatcherConfig({
    DATABASE_URL: env.databaseUrl,
    REDIS_URL: env.redisUrl,
    QUEUE_PREFIX: env.queuePrefix,
    SECRET_KEY: SECRET,
    PACING_MIN_INTERVAL_MS: '0',
    PACING_JITTER_MS: '0',
    // Number safety is its own tests' subject (number-safety*.int.test.ts); elsewhere it would
    // cap every new test number at its warm-up's 20 messages a day.
    NUMBER_SAFETY: 'false',
    BACKOFF_BASE_MS: '100',
    BACKOFF_MAX_MS: '1000',
    SWEEP_INTERVAL_MS: '200',
    SEND_TIMEOUT_MS: '2000',
    LOG_LEVEL: 'silent',
    ...overrides,
  });
}

export interface ServerSeed {
  name: string;
  priority?: number;
  isActive?: boolean;
  instances: Array<{
    name: string;
    phone: string;
    tenant?: 'own' | 'shared';
    isPrimary?: boolean;
    status?: 'connected' | 'disconnected';
    /** How the simulated server holds this instance (default: paired and open). */
    sim?: Omit<SimInstanceOptions, 'name'>;
  }>;
}

/** A simulator hosting the given servers plus matching rows in the ledger's database. */
export async function seedFleet(
  env: TestEnv,
  servers: ServerSeed[],
  tenantOverrides: Partial<typeof tenants.$inferInsert> = {},
) {
  const sim = await startSimulator({
    port: 0,
    servers: servers.map<SimServerOptions>((s) => ({
      name: s.name,
      apiKey: `key-${s.name}`,
      instances: s.instances.map((i) => ({ name: i.name, ...i.sim })),
    })),
    webhook: { ackDelaysMs: [10, 20, 30] },
  });
  const { db } = env.db;
  // Tests in a file share its database: start each from an empty ledger and fleet.
  await env.db
    .sql`truncate tenants, evolution_apis, whatsapp_instances, bookings, notifications, delivery_attempts cascade`;
  const [tenant] = await db
    .insert(tenants)
    .values({
      slug: `barbearia-${Math.random().toString(36).slice(2, 8)}`,
      name: 'Barbearia do Zé',
      // No quiet hours: these tests send reminders at whatever hour they run (21:00–08:00 in
      // São Paulo would defer them); a test of quiet hours sets its own.
      quietHoursStart: '00:00',
      quietHoursEnd: '00:00',
      ...tenantOverrides,
    })
    .returning();
  const seeded = await seedFleetRows(
    env.db.sql,
    SECRET,
    servers.map((s) => ({
      name: s.name,
      url: sim.serverUrl(s.name),
      apiKey: `key-${s.name}`,
      webhookSecret: 'hook',
      priority: s.priority ?? 0,
      isActive: s.isActive ?? true,
      instances: s.instances.map((i) => ({
        name: i.name,
        phone: i.phone,
        tenantId: i.tenant === 'shared' ? null : tenant!.id,
        isPrimary: i.isPrimary ?? false,
        status: i.status ?? 'connected',
      })),
    })),
  );
  const ids = Object.fromEntries(seeded.servers.map((s) => [s.name, s.id]));
  const instanceIds = Object.fromEntries(seeded.instanceIds);
  return { sim, tenant: tenant!, serverIds: ids, instanceIds };
}

/** What booking-api does: booking + confirmation row in the ledger, then a pointer job. */
export async function book(
  env: TestEnv,
  tenantId: string,
  options: {
    phone?: string;
    startsAt?: Date;
    professional?: string;
    kind?: 'confirmation' | 'reminder';
    dueAt?: Date;
    enqueue?: boolean;
  } = {},
) {
  const { db } = env.db;
  const startsAt = options.startsAt ?? new Date('2030-12-03T17:30:00Z');
  const [booking] = await db
    .insert(bookings)
    .values({
      tenantId,
      customerName: 'Ana Souza',
      customerPhone: options.phone ?? '5511987654321',
      service: 'Corte de cabelo',
      professional: options.professional ?? `p-${Math.random().toString(36).slice(2)}`,
      startsAt,
      endsAt: new Date(startsAt.getTime() + 30 * 60_000),
    })
    .returning();
  const [notification] = await db
    .insert(notifications)
    .values({
      tenantId,
      bookingId: booking!.id,
      kind: options.kind ?? 'confirmation',
      recipient: booking!.customerPhone,
      dueAt: options.dueAt ?? new Date(),
    })
    .returning();
  if (options.enqueue !== false) {
    const queues = createNotificationQueues({ connection: env.redis, prefix: env.queuePrefix });
    await enqueueNotifications(queues, [{ id: notification!.id, tenantId, dueAt: notification!.dueAt }]);
    await queues.close();
  }
  return { booking: booking!, notification: notification! };
}

export async function startDispatcher(env: TestEnv, config: DispatcherConfig) {
  const dispatcher = createDispatcher({
    config,
    logger: createLogger({ name: 'dispatcher-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    db: env.db,
    redis: env.redis,
  });
  await dispatcher.start();
  return dispatcher;
}

/**
 * Waits until the file's notification queue holds no job that could still send (none waiting,
 * active, delayed or prioritized): the definite moment after which a count of sends is final.
 */
export async function queueSettled(env: TestEnv): Promise<void> {
  const queues = createNotificationQueues({ connection: env.redis, prefix: env.queuePrefix });
  try {
    await waitFor(
      async () => {
        const counts = await queues.shards[0]!.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
        return Object.values(counts).every((n) => n === 0);
      },
      { what: 'the queue to hold no job that could still send' },
    );
  } finally {
    await queues.close();
  }
}

export async function statusOf(env: TestEnv, id: string) {
  const [row] = await env.db.sql`select * from notifications where id = ${id}`;
  return row!;
}

/** Number-safety columns of one number, as an operator or the past left them. */
export async function setNumberSafety(
  env: TestEnv,
  instanceId: string,
  values: {
    warmSinceMsAgo?: number;
    markedWarm?: boolean;
    perMinute?: number;
    perHour?: number;
    perDay?: number;
    newContactsPerDay?: number;
    lockedForMs?: number;
  },
) {
  await env.db.sql`
    update whatsapp_instances set
      warm_since = now() - ${values.warmSinceMsAgo ?? 0} * interval '1 millisecond',
      last_sent_at = case when ${values.warmSinceMsAgo ?? 0} > 0 then now() else last_sent_at end,
      marked_warm_at = ${values.markedWarm ? env.db.sql`now() + interval '1 millisecond'` : null},
      budget_per_minute = ${values.perMinute ?? null}, budget_per_hour = ${values.perHour ?? null},
      budget_per_day = ${values.perDay ?? null}, budget_new_contacts_per_day = ${values.newContactsPerDay ?? null},
      reachout_locked_until = ${values.lockedForMs ? env.db.sql`now() + ${values.lockedForMs} * interval '1 millisecond'` : null}
    where id = ${instanceId}`;
}

/** A message the number sent that customer earlier (the contact history): it is a warm chat now. */
export async function seedSent(
  env: TestEnv,
  tenantId: string,
  instanceId: string,
  recipient: string,
  options: { msAgo?: number; deliveredAfterMs?: number } = {},
) {
  const [server] = await env.db.sql<
    { evolution_api_id: string }[]
  >`select evolution_api_id from whatsapp_instances where id = ${instanceId}`;
  await env.db.sql`
    insert into notifications (tenant_id, kind, recipient, text, status, attempts, evolution_api_id, whatsapp_instance_id, sent_at, delivered_at)
    values (${tenantId}, 'manual', ${recipient}, 'Olá', ${options.deliveredAfterMs === undefined ? 'sent' : 'delivered'}, 1,
            ${server!.evolution_api_id}, ${instanceId}, now() - ${options.msAgo ?? 60_000} * interval '1 millisecond',
            ${options.deliveredAfterMs === undefined ? null : env.db.sql`now() - ${(options.msAgo ?? 60_000) - options.deliveredAfterMs} * interval '1 millisecond'`})`;
}
