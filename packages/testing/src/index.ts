export { createTestEnv, deleteKeysWithPrefix, type TestEnv } from './env.ts';
export { test } from './fixtures.ts';
export { freePort, waitFor } from './ports.ts';
export { resolveTestInfra, type TestInfra } from './infra.ts';
export { createTestDatabase, ensureTemplate, templateName, type TestDatabase } from './template.ts';
export { launchChromium } from './browser.ts';
