import { clearRows, writeReport } from './report.ts';

/** Vitest globalSetup: forget the previous run's rows, and print the joined table at the end. */
export default function setup(): () => void {
  const startedAt = new Date();
  clearRows();
  return () => {
    const table = writeReport(startedAt, (Date.now() - startedAt.getTime()) / 1000);
    if (table) console.log(`\nChaos scenarios (also in infra/chaos/results/latest.md):\n\n${table}\n`);
  };
}
