// Reads vitest JSON reports (and the errors reporter's files, `*.errors.json` beside them) and prints
// the closing line CI looks for: "N passed, N failed". An error outside any test counts as a failure
// and is printed: vitest exits 1 for it even when every test passed.
import { existsSync, readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;
let outside = 0;
for (const path of process.argv.slice(2)) {
  let report;
  try {
    report = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    // A run that wrote no report (crashed before the end) counts as one failure, never as a pass.
    console.error(`no test report at ${path}`);
    failed += 1;
    continue;
  }
  passed += report.numPassedTests ?? 0;
  // A file that failed to load has no tests of its own; count it so it is not hidden.
  const brokenFiles = (report.testResults ?? []).filter(
    (file) => file.status === 'failed' && (file.assertionResults ?? []).length === 0,
  ).length;
  failed += (report.numFailedTests ?? 0) + brokenFiles;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  const errorsPath = path.replace(/\.json$/, '.errors.json');
  const errors = existsSync(errorsPath) ? JSON.parse(readFileSync(errorsPath, 'utf8')) : [];
  for (const error of errors) {
    outside += 1;
    const where = error.testFile ? ` (from ${error.testFile}${error.testName ? ` › ${error.testName}` : ''})` : '';
    console.log(
      `error outside any test${where}: ${error.name}: ${error.message}${error.stack ? `\n${error.stack}` : ''}`,
    );
  }
}
if (outside > 0) console.log(`${outside} error(s) outside any test (each counted as a failure)`);
failed += outside;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
