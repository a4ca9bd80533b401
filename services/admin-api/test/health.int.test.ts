import { test } from '@bora/testing';
import postgres from 'postgres';
import { describe, expect } from 'vitest';
import { startAdminApi } from './helpers.ts';

describe('admin-api readiness and server bounds', () => {
  test('/readyz proves the fleet tables are writable: 503 on postgresWrite, quickly, while evolution_apis is locked exclusively', async ({
    env,
  }) => {
    const { app, close } = await startAdminApi(env);
    expect((await app.inject('/readyz')).json().checks).toEqual({
      postgres: { ok: true },
      postgresWrite: { ok: true },
      redis: { ok: true },
    });
    const other = postgres(env.databaseUrl, { max: 1, onnotice: () => {} });
    const conn = await other.reserve();
    try {
      await conn`begin`;
      await conn`lock table evolution_apis in access exclusive mode`;
      const started = performance.now();
      const ready = await app.inject('/readyz');
      expect(performance.now() - started).toBeLessThan(1_900);
      expect(ready.statusCode).toBe(503);
      expect(ready.json().checks.postgresWrite).toEqual({ ok: false, error: 'unavailable' });
    } finally {
      await conn`rollback`;
      conn.release();
      await other.end({ timeout: 1 });
    }
    await close();
  });

  test('the HTTP server bounds slow clients: request, keep-alive and idle-socket timeouts are set', async ({ env }) => {
    const { app, close } = await startAdminApi(env);
    expect(app.server.requestTimeout).toBe(30_000);
    expect(app.server.keepAliveTimeout).toBe(65_000);
    expect(app.server.timeout).toBe(60_000);
    await close();
  });
});
