import { bookings, idempotencyKeys, notifications } from '@bora/db';
import type { AnyFastify } from '@bora/http';
import { and, eq } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { waitFor } from '@bora/testing';
import Fastify from 'fastify';
import { requestHash } from '../src/bookings/idempotency.ts';
import { registerIdempotencyJanitor } from '../src/plugins/idempotency-janitor.ts';
import { bookingBody, createTenant, dayAt, inHours } from './support/app.ts';
import { test } from './support/fixtures.ts';

function post(app: AnyFastify, slug: string, payload: object, headers: Record<string, string> = {}) {
  return app.inject({ method: 'POST', url: `/v1/tenants/${slug}/bookings`, payload, headers });
}

describe('concurrent intake', () => {
  test('50 overlapping requests for one professional: exactly one 201, 49 × 409', async ({ env, app }) => {
    const tenant = await createTenant(env);
    const base = new Date(inHours(30)).getTime();
    // Every request overlaps every other: starts within 20 minutes of each other, 60 minutes long.
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        post(
          app,
          tenant.slug,
          bookingBody({
            startsAt: new Date(base + (i % 20) * 60_000).toISOString(),
            durationMinutes: 60,
            professional: 'Zé',
          }),
        ),
      ),
    );
    const statuses = responses.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    const conflict = responses.find((r) => r.statusCode === 409)!.json();
    expect(conflict.error.code).toBe('SLOT_UNAVAILABLE');
    expect(conflict.error.message).toMatch(/horário/);
    const rows = await env.db.db.select().from(bookings).where(eq(bookings.tenantId, tenant.id));
    expect(rows).toHaveLength(1);
    // The losers left no orphan notification rows behind.
    expect(await env.db.db.select().from(notifications).where(eq(notifications.tenantId, tenant.id))).toHaveLength(2);
  });

  test('50 simultaneous requests for 50 different professionals: 50 × 201', async ({ env, app }) => {
    const tenant = await createTenant(env);
    const startsAt = inHours(30);
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        post(app, tenant.slug, bookingBody({ startsAt, professional: `Profissional ${i}` })),
      ),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(Array(50).fill(201));
    expect(new Set(responses.map((r) => r.json().id)).size).toBe(50);
  });

  test('back-to-back bookings do not overlap; one without professional still conflicts with itself', async ({
    env,
    app,
  }) => {
    const tenant = await createTenant(env);
    const start = dayAt(10, '10:00');
    expect((await post(app, tenant.slug, bookingBody({ startsAt: start }))).statusCode).toBe(201);
    expect((await post(app, tenant.slug, bookingBody({ startsAt: dayAt(10, '10:30') }))).statusCode).toBe(201);
    expect((await post(app, tenant.slug, bookingBody({ startsAt: dayAt(10, '10:15') }))).statusCode).toBe(409);
  });
});

describe('Idempotency-Key', () => {
  test('concurrent retries with one key create one booking and all get the same body', async ({ env, app }) => {
    const tenant = await createTenant(env);
    const body = bookingBody({ startsAt: inHours(72) });
    const responses = await Promise.all(
      Array.from({ length: 25 }, () => post(app, tenant.slug, body, { 'idempotency-key': 'retry-123' })),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(Array(25).fill(201));
    const bodies = new Set(responses.map((r) => r.body));
    expect(bodies.size).toBe(1);
    const first = responses[0]!.json();
    // The confirmation's job went to Redis; the reminder waits in Postgres for the sweeper.
    expect(first.notifications.map((n: { status: string }) => n.status)).toEqual(['queued', 'pending']);
    expect(await env.db.db.select().from(bookings).where(eq(bookings.tenantId, tenant.id))).toHaveLength(1);

    // A later retry, with the keys of the body in another order, still replays it.
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const later = await post(app, tenant.slug, reordered, { 'idempotency-key': 'retry-123' });
    expect(later.statusCode).toBe(201);
    expect(later.body).toBe(responses[0]!.body);

    const [stored] = await env.db.db
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.tenantId, tenant.id), eq(idempotencyKeys.key, 'retry-123')));
    expect(stored?.responseStatus).toBe(201);
    const ttlHours = (stored!.expiresAt.getTime() - stored!.createdAt.getTime()) / 3_600_000;
    expect(ttlHours).toBeCloseTo(24, 1);
  });

  test('a retry after the start time has passed still replays its booking', async ({ env, app }) => {
    const tenant = await createTenant(env);
    const first = await post(app, tenant.slug, bookingBody({ startsAt: inHours(140) }), {
      'idempotency-key': 'late-retry',
    });
    expect(first.statusCode).toBe(201);
    // As if that request had been for a slot that is over by the time the retry arrives.
    const pastBody = bookingBody({ startsAt: inHours(-2) });
    await env.db.sql`update idempotency_keys set request_hash = ${requestHash(pastBody)} where key = 'late-retry'`;
    const late = await post(app, tenant.slug, pastBody, { 'idempotency-key': 'late-retry' });
    expect(late.statusCode).toBe(201);
    expect(late.body).toBe(first.body);
  });

  test('the same key with another body → 422 IDEMPOTENCY_KEY_REUSED', async ({ env, app }) => {
    const tenant = await createTenant(env);
    const first = await post(app, tenant.slug, bookingBody({ startsAt: inHours(80) }), { 'idempotency-key': 'k-1' });
    expect(first.statusCode).toBe(201);
    const reused = await post(app, tenant.slug, bookingBody({ startsAt: inHours(90) }), { 'idempotency-key': 'k-1' });
    expect(reused.statusCode).toBe(422);
    expect(reused.json().error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  test('keys are scoped per tenant, and an expired key books again', async ({ env, app }) => {
    const a = await createTenant(env);
    const b = await createTenant(env);
    const body = bookingBody({ startsAt: inHours(100) });
    const onA = await post(app, a.slug, body, { 'idempotency-key': 'shared' });
    const onB = await post(app, b.slug, body, { 'idempotency-key': 'shared' });
    expect([onA.statusCode, onB.statusCode]).toEqual([201, 201]);
    expect(onA.json().id).not.toBe(onB.json().id);

    await env.db.sql`update idempotency_keys set expires_at = now() - interval '1 second' where tenant_id = ${a.id}`;
    const again = await post(app, a.slug, bookingBody({ startsAt: inHours(110) }), { 'idempotency-key': 'shared' });
    expect(again.statusCode).toBe(201);
    expect(again.json().id).not.toBe(onA.json().id);
  });

  test('a failed attempt stores nothing: the same key can then succeed', async ({ env, app }) => {
    const tenant = await createTenant(env);
    const startsAt = inHours(120);
    expect((await post(app, tenant.slug, bookingBody({ startsAt }))).statusCode).toBe(201);
    const taken = await post(app, tenant.slug, bookingBody({ startsAt }), { 'idempotency-key': 'after-409' });
    expect(taken.statusCode).toBe(409);
    const moved = await post(app, tenant.slug, bookingBody({ startsAt: inHours(121) }), {
      'idempotency-key': 'after-409',
    });
    expect(moved.statusCode).toBe(201);
  });

  test('expired keys are swept from the table; live ones stay', async ({ env }) => {
    const tenant = await createTenant(env);
    for (const [key, expires] of [
      ['old', "now() - interval '1 hour'"],
      ['live', "now() + interval '1 hour'"],
    ] as const) {
      await env.db.sql.unsafe(
        `insert into idempotency_keys (tenant_id, key, request_hash, response_status, response_body, expires_at)
         values ($1, $2, 'h', 201, '{}', ${expires})`,
        [tenant.id, key],
      );
    }
    const host = Fastify();
    registerIdempotencyJanitor(host, env.db.sql, { everyMs: 20 });
    await host.ready();
    const keysLeft = async () =>
      (
        await env.db.sql<
          { key: string }[]
        >`select key from idempotency_keys where tenant_id = ${tenant.id} order by key`
      ).map((r) => r.key);
    await waitFor(async () => (await keysLeft()).length === 1, { what: 'the expired key to be swept' });
    expect(await keysLeft()).toEqual(['live']);
    await host.close();
  });
});
