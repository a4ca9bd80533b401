import { randomBytes } from 'node:crypto';
import { createDb, type DbHandle } from '@bora/db';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import './provided.ts';
import { createTestDatabase } from './template.ts';

export interface TestEnv {
  databaseUrl: string;
  redisUrl: string;
  /** Unique BullMQ prefix (a Redis Cluster hash tag) isolating this file's queues. */
  queuePrefix: string;
  db: DbHandle;
  redis: Redis;
  /** Deletes every Redis key under `queuePrefix`, drops the database, closes clients. */
  cleanup(): Promise<void>;
}

export async function deleteKeysWithPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
}

/** One isolated database and one Redis key prefix; call in `beforeAll`, clean up in `afterAll`. */
export async function createTestEnv(): Promise<TestEnv> {
  const { postgresAdminUrl, redisUrl, template } = inject('boraInfra');
  const database = await createTestDatabase(postgresAdminUrl, template);
  const db = createDb(database.url, { max: 10, applicationName: 'bora-test' });
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queuePrefix = `{t${randomBytes(5).toString('hex')}}`;
  return {
    databaseUrl: database.url,
    redisUrl,
    queuePrefix,
    db,
    redis,
    cleanup: async () => {
      await deleteKeysWithPrefix(redis, queuePrefix).catch(() => {});
      redis.disconnect();
      await db.close();
      await database.drop();
    },
  };
}
