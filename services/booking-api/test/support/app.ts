import { randomBytes } from 'node:crypto';
import { loadBookingApiConfig } from '@bora/config';
import { createDb, tenants, type NewTenant, type Tenant } from '@bora/db';
import type { AnyFastify } from '@bora/http';
import { createLogger } from '@bora/logger';
import { createProducer, NOTIFICATIONS_QUEUE, type NotificationJob } from '@bora/queue';
import type { TestEnv } from '@bora/testing';
import { Queue } from 'bullmq';
import { buildApp } from '../../src/app.ts';

/** The real app over this file's database and queue prefix; closes its own clients. */
export async function startApp(env: TestEnv, vars: Record<string, string> = {}): Promise<AnyFastify> {
  const config = loadBookingApiConfig({
    DATABASE_URL: env.databaseUrl,
    REDIS_URL: env.redisUrl,
    QUEUE_PREFIX: env.queuePrefix,
    RATE_LIMIT_PER_MINUTE: '1000000',
    ...vars,
  });
  const db = createDb(config.databaseUrl, { ...config.db, max: 10, connectTimeout: 2 });
  const producer = createProducer(config, () => {});
  const app = await buildApp({
    config,
    logger: createLogger({ name: 'test', level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    db,
    redis: producer.redis,
    queues: producer.queues,
  });
  app.addHook('onClose', async () => {
    await producer.close();
    await db.close(1);
  });
  return app;
}

export async function createTenant(env: TestEnv, values: Partial<NewTenant> = {}): Promise<Tenant> {
  const [tenant] = await env.db.db
    .insert(tenants)
    // One reminder a day before, unless a test asks for more: intake tests count rows.
    .values({
      slug: `t-${randomBytes(4).toString('hex')}`,
      name: 'Barbearia do Zé',
      reminderOffsetsMinutes: [1440],
      // No quiet hours: tests book relative to now, and at night (from 21:00 in São Paulo) a
      // reminder hours ahead would be moved out of them; the planner's quiet-hours rules have
      // their own tests in @bora/bookings.
      quietHoursStart: '00:00',
      quietHoursEnd: '00:00',
      ...values,
    })
    .returning();
  if (!tenant) throw new Error('tenant insert returned nothing');
  return tenant;
}

/** A queue handle over the test's prefix, to look at the jobs the app added. */
export function inspectQueue(env: TestEnv): Queue<NotificationJob> {
  return new Queue<NotificationJob>(NOTIFICATIONS_QUEUE, { connection: env.redis, prefix: env.queuePrefix });
}

/** An ISO instant `hours` from now with a -03:00 offset, on a whole minute. */
export function inHours(hours: number): string {
  const date = new Date(Math.floor((Date.now() + hours * 3_600_000) / 60_000) * 60_000);
  const local = new Date(date.getTime() - 3 * 3_600_000);
  return `${local.toISOString().slice(0, 19)}-03:00`;
}

export function bookingBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    customerName: 'Maria Souza',
    customerPhone: '(11) 98765-4321',
    service: 'Corte',
    startsAt: inHours(48),
    ...overrides,
  };
}

/** `HH:MM` on the day `days` from now, as São Paulo wall time with its -03:00 offset. */
export function dayAt(days: number, hhmm: string): string {
  const day = new Date(Date.now() - 3 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
  return `${day}T${hhmm}:00-03:00`;
}
