import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

/**
 * A vitest project whose tests may use real Postgres/Redis (`createTestEnv` or the `test` fixture
 * from @bora/testing). The global setup finds the servers and migrates the template database once.
 */
export function infraProject(name: string, extra: UserWorkspaceConfig['test'] = {}): UserWorkspaceConfig {
  return defineProject({
    test: {
      name,
      include: ['test/**/*.test.ts'],
      globalSetup: ['@bora/testing/global-setup'],
      testTimeout: 30_000,
      hookTimeout: 60_000,
      ...extra,
    },
  });
}

/** A project of pure unit tests: no database, no Redis. */
export function unitProject(name: string, extra: UserWorkspaceConfig['test'] = {}): UserWorkspaceConfig {
  return defineProject({ test: { name, include: ['test/**/*.test.ts'], ...extra } });
}
