// A vitest reporter that keeps what the JSON reporter drops: errors outside any test (an unhandled
// rejection, a teardown that threw). vitest exits 1 for them while every test passed; CI's
// closing summary counts and prints them from the file this writes (VITEST_ERRORS_FILE).
import { writeFileSync } from 'node:fs';

export default class ErrorsReporter {
  onTestRunEnd(_testModules, unhandledErrors = []) {
    // A CI tool loaded by vitest (no entry file to pass config down from): the variable is its option.
    // eslint-disable-next-line no-restricted-syntax
    const file = process.env.VITEST_ERRORS_FILE;
    if (!file) return;
    const errors = unhandledErrors.map((error) => ({
      name: error?.name ?? 'Error',
      message: String(error?.message ?? error),
      stack: typeof error?.stack === 'string' ? error.stack.split('\n').slice(0, 12).join('\n') : undefined,
      // vitest names the test file (and test) an error came from when it can tell.
      testFile: error?.VITEST_TEST_PATH,
      testName: error?.VITEST_TEST_NAME,
      origin: error?.type,
    }));
    writeFileSync(file, JSON.stringify(errors, null, 2));
  }
}
