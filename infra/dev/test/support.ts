import { createTestEnv, freePort, type TestEnv } from '@bora/testing';
import { startStack, type Stack } from '../src/stack.ts';

export const ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';

/**
 * The whole system as real processes on free ports — booking-api, admin-api, dispatcher and the
 * Evolution simulator with the demo fleet — over this file's database and Redis prefix, with no
 * pacing, number-safety budgets wide enough that a file's messages are never held back (the
 * budgets have their own tests and chaos scenario 13) and a fast sweeper. `env` adds or overrides
 * variables.
 */
export async function startTestStack(env: Record<string, string> = {}): Promise<{ testEnv: TestEnv; stack: Stack }> {
  const testEnv = await createTestEnv();
  const stack = await startStack({
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      DATABASE_URL: testEnv.databaseUrl,
      REDIS_URL: testEnv.redisUrl,
      QUEUE_PREFIX: testEnv.queuePrefix,
      ADMIN_TOKEN,
      PACING_MIN_INTERVAL_MS: '0',
      PACING_JITTER_MS: '0',
      BUDGET_PER_MINUTE: '600',
      BUDGET_NEW_CONTACTS_PER_DAY: '1000',
      WARMUP_FIRST_DAY: '1000',
      SWEEP_INTERVAL_MS: '500',
      ...env,
    },
    ports: { booking: await freePort(), admin: await freePort(), dispatcher: await freePort(), sim: await freePort() },
    echo: false,
  });
  return { testEnv, stack };
}
