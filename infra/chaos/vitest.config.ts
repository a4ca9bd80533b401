import { infraProject } from '../../vitest.shared.ts';

// Real processes, a throwaway Postgres and Redis per scenario: one file at a time on a 2-core
// machine, or the scenarios would measure each other's CPU starvation.
export default infraProject('chaos', {
  globalSetup: ['@bora/testing/global-setup', './src/report-setup.ts'],
  fileParallelism: false,
  testTimeout: 240_000,
  hookTimeout: 120_000,
});
