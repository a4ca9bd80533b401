import { defineProject } from 'vitest/config';

// Not `infraProject`: @bora/testing depends on this package, so these tests find Postgres
// themselves (test/server.ts) instead of through its global setup.
export default defineProject({
  test: { name: 'db', include: ['test/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 30_000 },
});
