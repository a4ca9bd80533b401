import type { AnyFastify } from '@bora/http';
import { test as base, freePort, launchChromium } from '@bora/testing';
import type { Browser } from 'playwright-core';
import { startApp } from './app.ts';

export interface AppFixtures {
  /** The booking-api over this file's database and queue prefix (`startApp(env, vars)`). */
  app: AnyFastify;
  /** Where that app listens on loopback, for a real browser (the app starts listening when asked). */
  baseUrl: string;
  /** Debian's Chromium, headless. */
  browser: Browser;
}

/**
 * `test` with `env` (this file's database and Redis prefix) plus `app`, `baseUrl` and `browser`,
 * each built by the first test that asks for it and closed after the file's last test, so any
 * single test runs alone (`vitest -t`). `vars` reach the app's config as environment variables;
 * a test that needs other settings than its file's starts its own with `startApp(env, vars)`.
 */
export function appTest(vars: Record<string, string> = {}) {
  return base.extend<AppFixtures>({
    app: [
      async ({ env }, use) => {
        const app = await startApp(env, vars);
        try {
          await use(app);
        } finally {
          await app.close();
        }
      },
      { scope: 'file' },
    ],
    baseUrl: [
      async ({ app }, use) => {
        const port = await freePort();
        await app.listen({ port, host: '127.0.0.1' });
        await use(`http://127.0.0.1:${port}`);
      },
      { scope: 'file' },
    ],
    browser: [
      // eslint-disable-next-line no-empty-pattern -- vitest reads fixture dependencies from this pattern
      async ({}, use) => {
        const browser = await launchChromium();
        try {
          await use(browser);
        } finally {
          await browser.close();
        }
      },
      { scope: 'file' },
    ],
  });
}

export const test = appTest();
