import { loadBookingApiConfig } from '@bora/config';
import { createDb } from '@bora/db';
import postgres from 'postgres';
import { createLogger } from '@bora/logger';
import { createNotificationQueues, createRedis } from '@bora/queue';
import { describe, expect } from 'vitest';
import { test } from '@bora/testing';
import { buildApp } from '../src/app.ts';

async function appWith(databaseUrl: string, redisUrl: string, queuePrefix: string) {
  const config = loadBookingApiConfig({ DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, QUEUE_PREFIX: queuePrefix });
  const db = createDb(config.databaseUrl, { connectTimeout: 1 });
  const redis = createRedis(config.redisUrl, 'producer');
  const queues = createNotificationQueues({ connection: redis, prefix: queuePrefix });
  const app = await buildApp({ config, logger: createLogger({ name: 'test', level: 'silent' }), db, redis, queues });
  app.addHook('onClose', async () => {
    await queues.close();
    redis.disconnect();
    await db.close(1);
  });
  return app;
}

describe('booking-api health', () => {
  test('/healthz and /readyz answer 200 when Postgres and Redis answer', async ({ env }) => {
    const app = await appWith(env.databaseUrl, env.redisUrl, env.queuePrefix);
    expect((await app.inject('/healthz')).statusCode).toBe(200);
    const ready = await app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({
      status: 'ready',
      checks: { postgres: { ok: true }, postgresWrite: { ok: true }, redis: { ok: true } },
    });
    await app.close();
  });

  test('/readyz answers 503 naming Postgres when it is unreachable', async ({ env }) => {
    const app = await appWith('postgres://postgres@127.0.0.1:1/nope', env.redisUrl, env.queuePrefix);
    const ready = await app.inject('/readyz');
    expect(ready.statusCode).toBe(503);
    expect(ready.json().checks.postgres).toEqual({ ok: false, error: 'unavailable' });
    expect(ready.json().checks.redis.ok).toBe(true);
    // Public probe: which check failed, never the dependency's own words (hosts, ports, users).
    expect(ready.body).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|nope|connect/i);
    await app.close();
  });

  test('/readyz answers 503 naming Redis when it is unreachable', async ({ env }) => {
    const app = await appWith(env.databaseUrl, 'redis://127.0.0.1:1', env.queuePrefix);
    const ready = await app.inject('/readyz');
    expect(ready.statusCode).toBe(503);
    expect(ready.json().checks.redis).toEqual({ ok: false, error: 'unavailable' });
    expect(ready.json().checks.postgres.ok).toBe(true);
    expect(ready.body).not.toMatch(/Redis not reachable|connecting|127\.0\.0\.1/i);
    await app.close();
  });

  test('/readyz answers 503 quickly naming the write probe while another session locks bookings exclusively (select 1 still answers)', async ({
    env,
  }) => {
    const app = await appWith(env.databaseUrl, env.redisUrl, env.queuePrefix);
    const other = postgres(env.databaseUrl, { max: 1, onnotice: () => {} });
    const conn = await other.reserve();
    try {
      await conn`begin`;
      await conn`lock table bookings in access exclusive mode`;
      const started = performance.now();
      const ready = await app.inject('/readyz');
      expect(performance.now() - started).toBeLessThan(1_900);
      expect(ready.statusCode).toBe(503);
      expect(ready.json().checks).toEqual({
        postgres: { ok: true },
        postgresWrite: { ok: false, error: 'unavailable' },
        redis: { ok: true },
      });
    } finally {
      await conn`rollback`;
      conn.release();
      await other.end({ timeout: 1 });
    }
    expect((await app.inject('/readyz')).statusCode).toBe(200);
    await app.close();
  });

  test('the HTTP server bounds slow clients: request, keep-alive and idle-socket timeouts are set', async ({ env }) => {
    const app = await appWith(env.databaseUrl, env.redisUrl, env.queuePrefix);
    expect(app.server.requestTimeout).toBe(30_000);
    expect(app.server.keepAliveTimeout).toBe(65_000);
    expect(app.server.timeout).toBe(60_000);
    await app.close();
  });

  test('unknown routes answer 404 in the error shape', async ({ env }) => {
    const app = await appWith(env.databaseUrl, env.redisUrl, env.queuePrefix);
    const res = await app.inject('/nope/nada');
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('NOT_FOUND');
    await app.close();
  });
});
