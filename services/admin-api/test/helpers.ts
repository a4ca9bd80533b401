import { Writable } from 'node:stream';
import { loadAdminApiConfig, type AdminApiConfig } from '@bora/config';
import type { HostLookup } from '@bora/core';
import { createDb } from '@bora/db';
import { createLogger } from '@bora/logger';
import { createProducer } from '@bora/queue';
import type { TestEnv } from '@bora/testing';
import { buildApp, type AdminApiDeps } from '../src/app.ts';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
export const SECRET_KEY = 'test-secret-key-0123456789abcdef-xyz';
export const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

export interface TestApp {
  app: Awaited<ReturnType<typeof buildApp>>;
  config: AdminApiConfig;
  /** What the app was built with, for tests that call a background round themselves. */
  deps: AdminApiDeps;
  /** Every log line the app wrote (JSON strings). */
  logs: string[];
  close(): Promise<void>;
}

/**
 * The admin-api over this file's isolated database and queue prefix, with every log line captured
 * so tests can grep them. `env` overrides reach `loadAdminApiConfig` as environment variables.
 */
export async function startAdminApi(
  testEnv: TestEnv,
  env: Record<string, string> = {},
  options: { healthPoll?: boolean; lookup?: HostLookup } = {},
): Promise<TestApp> {
  const config = loadAdminApiConfig({
    NODE_ENV: 'test',
    DATABASE_URL: testEnv.databaseUrl,
    REDIS_URL: testEnv.redisUrl,
    QUEUE_PREFIX: testEnv.queuePrefix,
    ADMIN_TOKEN,
    SECRET_KEY,
    PUBLIC_URL: 'http://127.0.0.1:3001',
    EVOLUTION_TIMEOUT_MS: '2000',
    ...env,
  });
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const logger = createLogger({ name: 'admin-api-test', level: 'debug', destination });
  const db = createDb(config.databaseUrl, { max: 5 });
  const producer = createProducer(config, () => {});
  const deps: AdminApiDeps = {
    config,
    logger,
    db,
    redis: producer.redis,
    queues: producer.queues,
    healthPoll: options.healthPoll ?? false,
    lookup: options.lookup,
  };
  const app = await buildApp(deps);
  return {
    app,
    config,
    deps,
    logs,
    close: async () => {
      // The simulator's webhook sender keeps a socket open that Node does not count as idle;
      // a listening test app would wait on it until the keep-alive timeout.
      const closing = app.close();
      setTimeout(() => app.server.closeAllConnections(), 200).unref();
      await closing;
      await producer.close().catch(() => {});
      await db.close(1);
    },
  };
}

/** Tests in one file share its database: each starts from an empty fleet and ledger. */
export async function resetData(testEnv: TestEnv): Promise<void> {
  await testEnv.db
    .sql`truncate delivery_attempts, notifications, bookings, whatsapp_instances, evolution_apis, tenants cascade`;
}
