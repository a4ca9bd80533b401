import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort, test, waitFor } from '@bora/testing';
import { describe, expect } from 'vitest';
import { bundle, ENTRIES } from '../src/bundle.mjs';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/** Starts a bundle with plain node (no loader), as the Docker image does; stops it when done. */
async function run(dir: string, env: Record<string, string>, port: number, path: string) {
  const child = spawn(process.execPath, ['dist/server.mjs'], {
    cwd: `${root}/${dir}`,
    env: { PATH: process.env.PATH, LOG_LEVEL: 'warn', ...env },
    stdio: 'ignore',
  });
  try {
    return await waitFor(
      async () => {
        const res = await fetch(`http://127.0.0.1:${port}${path}`).catch(() => undefined);
        return res?.ok ? { status: res.status, body: await res.text() } : undefined;
      },
      { timeoutMs: 20_000, what: `${dir} answering ${path}` },
    );
  } finally {
    child.kill('SIGTERM');
  }
}

describe('production bundles (no TypeScript loader)', () => {
  test('every process entry bundles; the services start from their bundle and find their own files', async ({
    env,
  }) => {
    for (const entry of ENTRIES) expect(await bundle(entry)).toMatch(/dist\/\w+\.mjs$/);
    const common = { DATABASE_URL: env.databaseUrl, REDIS_URL: env.redisUrl, QUEUE_PREFIX: env.queuePrefix };
    const bookingPort = await freePort();
    // The mini-site's CSS is read from the package's public/ folder next to the source it came from.
    const css = await run(
      'services/booking-api',
      { ...common, BOOKING_API_PORT: String(bookingPort) },
      bookingPort,
      '/assets/site.css',
    );
    expect(css.body.length).toBeGreaterThan(100);
    const adminPort = await freePort();
    const login = await run(
      'services/admin-api',
      { ...common, ADMIN_API_PORT: String(adminPort) },
      adminPort,
      '/admin/login',
    );
    expect(login.body).toMatch(/<form/);
    const dispatcherPort = await freePort();
    const ready = await run(
      'services/dispatcher',
      { ...common, DISPATCHER_PORT: String(dispatcherPort) },
      dispatcherPort,
      '/readyz',
    );
    expect(JSON.parse(ready.body)).toMatchObject({ status: 'ready' });
  });
});
