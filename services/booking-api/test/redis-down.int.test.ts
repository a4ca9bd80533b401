import { notifications } from '@bora/db';
import { redisAnswers } from '@bora/queue';
import { freePort, test, waitFor } from '@bora/testing';
import { eq } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { bookingBody, createTenant, inHours, startApp } from './support/app.ts';

describe('Redis unreachable', () => {
  test('a booking still answers 201 quickly and its rows stay pending for the sweeper', async ({ env }) => {
    const app = await startApp(env, { REDIS_URL: `redis://127.0.0.1:${await freePort()}`, ENQUEUE_TIMEOUT_MS: '300' });
    const tenant = await createTenant(env);
    const started = performance.now();
    const res = await app.inject({
      method: 'POST',
      url: `/v1/tenants/${tenant.slug}/bookings`,
      payload: bookingBody({ startsAt: inHours(40) }),
    });
    const elapsed = performance.now() - started;
    expect(res.statusCode).toBe(201);
    expect(elapsed).toBeLessThan(1_000);
    const body = res.json();
    expect(body.notifications.map((n: { status: string }) => n.status)).toEqual(['pending', 'pending']);
    const rows = await env.db.db.select().from(notifications).where(eq(notifications.bookingId, body.id));
    expect(rows.map((r) => r.status)).toEqual(['pending', 'pending']);

    // Cancelling works too: the owed rows are cancelled even though no job can be removed.
    const cancelStarted = performance.now();
    const cancelled = await app.inject({
      method: 'POST',
      url: `/v1/tenants/${tenant.slug}/bookings/${body.id}/cancel`,
    });
    expect(performance.now() - cancelStarted).toBeLessThan(1_500);
    expect(cancelled.statusCode).toBe(200);
    const kinds = Object.fromEntries(
      cancelled.json().notifications.map((n: { kind: string; status: string }) => [n.kind, n.status]),
    );
    expect(kinds).toEqual({ confirmation: 'cancelled', reminder: 'cancelled', cancellation: 'pending' });
    await app.close();
  });

  test('with Redis that stops answering (a server we kill), bookings still answer 201', async ({ env }) => {
    const { spawnSync } = await import('node:child_process');
    const port = await freePort();
    const started = spawnSync('redis-server', [
      '--port',
      String(port),
      '--save',
      '',
      '--appendonly',
      'no',
      '--daemonize',
      'yes',
    ]);
    expect(started.status).toBe(0);
    // --daemonize returns before the server listens: a client connecting first would be refused,
    // back off, and find Redis "down" for the first booking.
    await waitFor(() => redisAnswers(`redis://127.0.0.1:${port}`, 500), {
      timeoutMs: 10_000,
      what: 'the new redis-server',
    });
    const app = await startApp(env, { REDIS_URL: `redis://127.0.0.1:${port}` });
    await waitFor(async () => (await app.inject({ method: 'GET', url: '/readyz' })).statusCode === 200, {
      what: 'booking-api ready',
    });
    const tenant = await createTenant(env);
    try {
      const ok = await app.inject({
        method: 'POST',
        url: `/v1/tenants/${tenant.slug}/bookings`,
        payload: bookingBody({ startsAt: inHours(41) }),
      });
      expect(ok.json().notifications.map((n: { status: string }) => n.status)).toEqual(['queued', 'pending']);
    } finally {
      spawnSync('redis-cli', ['-p', String(port), 'shutdown', 'nosave']);
    }
    const t0 = performance.now();
    const res = await app.inject({
      method: 'POST',
      url: `/v1/tenants/${tenant.slug}/bookings`,
      payload: bookingBody({ startsAt: inHours(42) }),
    });
    expect(res.statusCode).toBe(201);
    expect(performance.now() - t0).toBeLessThan(2_000);
    expect(res.json().notifications.map((n: { status: string }) => n.status)).toEqual(['pending', 'pending']);
    await app.close();
  });
});
