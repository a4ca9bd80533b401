import postgres from 'postgres';
import { test } from '@bora/testing';
import { describe, expect } from 'vitest';
import { bookingBody, createTenant, startApp } from './support/app.ts';

describe('Postgres sessions are bounded', () => {
  test('a booking behind an exclusively locked table answers 503 within the lock bound, and writes nothing', async ({
    env,
  }) => {
    const app = await startApp(env, { DB_LOCK_TIMEOUT_MS: '300' });
    const tenant = await createTenant(env);
    const other = postgres(env.databaseUrl, { max: 1, onnotice: () => {} });
    const conn = await other.reserve();
    try {
      await conn`begin`;
      await conn`lock table bookings in access exclusive mode`;
      const res = await app.inject({
        method: 'POST',
        url: `/v1/tenants/${tenant.slug}/bookings`,
        payload: bookingBody(),
      });
      expect(res.statusCode).toBe(503);
      expect(res.json().error.code).toBe('SERVICE_UNAVAILABLE');
    } finally {
      await conn`rollback`;
      conn.release();
      await other.end({ timeout: 1 });
    }
    const [row] = await env.db.sql<
      { n: number }[]
    >`select count(*)::int as n from bookings where tenant_id = ${tenant.id}`;
    expect(row!.n).toBe(0);
    // The lock gone, the same request books.
    expect(
      (await app.inject({ method: 'POST', url: `/v1/tenants/${tenant.slug}/bookings`, payload: bookingBody() }))
        .statusCode,
    ).toBe(201);
    await app.close();
  });
});
