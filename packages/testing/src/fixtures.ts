import { test as base } from 'vitest';
import { createTestEnv, type TestEnv } from './env.ts';

/**
 * `test` with a file-scoped `env` fixture: the first test that asks for it creates this file's
 * database and Redis prefix; they are removed after the file's last test.
 */
export const test = base.extend<{ env: TestEnv }>({
  env: [
    // eslint-disable-next-line no-empty-pattern -- vitest reads fixture dependencies from this pattern
    async ({}, use) => {
      const env = await createTestEnv();
      try {
        await use(env);
      } finally {
        await env.cleanup();
      }
    },
    { scope: 'file' },
  ],
});
