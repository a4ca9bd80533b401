// Reads vitest's JSON report and prints the closing line CI looks for: "N passed, N failed".
import { readFileSync } from 'node:fs';

const path = process.argv[2];
let report;
try {
  report = JSON.parse(readFileSync(path, 'utf8'));
} catch {
  console.log('0 passed, 1 failed');
  console.error(`no test report at ${path}`);
  process.exit(0);
}
const passed = report.numPassedTests ?? 0;
// A file that failed to load has no tests of its own; count it as a failure so it is not hidden.
const brokenFiles = (report.testResults ?? []).filter((file) => file.status === 'failed' && (file.assertionResults ?? []).length === 0).length;
const failed = (report.numFailedTests ?? 0) + brokenFiles;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
