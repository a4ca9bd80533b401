import { loadBookingApiConfig } from '@bora/config';
import { createDb } from '@bora/db';
import { createLogger } from '@bora/logger';
import { createNotificationsQueue, createRedis } from '@bora/queue';
import { describe, expect } from 'vitest';
import { test } from '@bora/testing';
import { buildApp } from '../src/app.ts';
import { closeQueue } from '../src/close-queue.ts';

async function appWith(databaseUrl: string, redisUrl: string, queuePrefix: string) {
  const config = loadBookingApiConfig({ DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, QUEUE_PREFIX: queuePrefix });
  const db = createDb(config.databaseUrl, { connectTimeout: 1 });
  const redis = createRedis(config.redisUrl, 'producer');
  const queue = createNotificationsQueue({ connection: redis, prefix: queuePrefix });
  const app = await buildApp({ config, logger: createLogger({ name: 'test', level: 'silent' }), db, redis, queue });
  app.addHook('onClose', async () => {
    await closeQueue(queue);
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
    expect(ready.json()).toEqual({ status: 'ready', checks: { postgres: { ok: true }, redis: { ok: true } } });
    await app.close();
  });

  test('/readyz answers 503 naming Postgres when it is unreachable', async ({ env }) => {
    const app = await appWith('postgres://postgres@127.0.0.1:1/nope', env.redisUrl, env.queuePrefix);
    const ready = await app.inject('/readyz');
    expect(ready.statusCode).toBe(503);
    expect(ready.json().checks.postgres.ok).toBe(false);
    expect(ready.json().checks.redis.ok).toBe(true);
    await app.close();
  });

  test('/readyz answers 503 naming Redis when it is unreachable', async ({ env }) => {
    const app = await appWith(env.databaseUrl, 'redis://127.0.0.1:1', env.queuePrefix);
    const ready = await app.inject('/readyz');
    expect(ready.statusCode).toBe(503);
    expect(ready.json().checks.redis.ok).toBe(false);
    expect(ready.json().checks.postgres.ok).toBe(true);
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
