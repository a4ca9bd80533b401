import type { AnyFastify } from '@bora/http';
import { freePort, type TestEnv } from '@bora/testing';
import { describe, expect } from 'vitest';
import { bookingBody, createTenant, inHours, startApp } from './support/app.ts';
import { test } from './support/fixtures.ts';

// Concurrent creates are group-committed: one statement writes many bookings. These tests burst
// requests at once (so groups form) and check each request still gets exactly its own answer.

function post(app: AnyFastify, slug: string, payload: object) {
  return app.inject({ method: 'POST', url: `/v1/tenants/${slug}/bookings`, payload });
}

/** Bookings written per transaction: rows one statement wrote share its xmin. */
async function transactionsOf(env: TestEnv, tenantId: string): Promise<{ bookings: number; transactions: number }> {
  const [row] = await env.db.sql<{ bookings: number; transactions: number }[]>`
    select count(*)::int as bookings, count(distinct xmin::text)::int as transactions from bookings where tenant_id = ${tenantId}`;
  return row!;
}

async function notificationsPerBooking(env: TestEnv, tenantId: string) {
  return env.db.sql<{ id: string; kinds: string[]; statuses: string[]; recipients: string[] }[]>`
    select b.id, array_agg(n.kind order by n.kind) as kinds, array_agg(n.status order by n.kind) as statuses,
           array_agg(distinct n.recipient) as recipients
    from bookings b left join notifications n on n.booking_id = b.id and n.tenant_id = b.tenant_id
    where b.tenant_id = ${tenantId} group by b.id`;
}

const hourly = (i: number) => new Date(new Date(inHours(30)).getTime() + i * 3_600_000).toISOString();

describe('group commit of concurrent bookings', () => {
  test('many concurrent distinct bookings: all 201, own ids, two rows each, written in shared statements', async ({
    env,
    app,
  }) => {
    const tenant = await createTenant(env);
    const n = 120;
    const responses = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        post(
          app,
          tenant.slug,
          bookingBody({
            startsAt: hourly(i),
            customerPhone: `(11) 9${String(70_000_000 + i)}`,
            professional: i % 3 === 0 ? undefined : `P ${i % 3}`,
            notes: i % 2 === 0 ? undefined : `nota "${i}", com vírgula`,
          }),
        ),
      ),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(Array(n).fill(201));
    const bodies = responses.map((r) => r.json());
    expect(new Set(bodies.map((b) => b.id)).size).toBe(n);
    bodies.forEach((b, i) => {
      expect(b.startsAt).toBe(hourly(i));
      expect(b.customerPhone).toBe(`5511${9}${70_000_000 + i}`);
      expect(b.notifications.map((x: { status: string }) => x.status)).toEqual(['queued', 'pending']);
    });

    const { bookings, transactions } = await transactionsOf(env, tenant.id);
    expect(bookings).toBe(n);
    expect(transactions).toBeLessThan(n / 4); // grouped, not one statement each

    // The group statement writes exactly what the one-booking statement would.
    const rows = await env.db.sql<
      { id: string; professional: string; notes: string | null; starts_at: Date; customer_phone: string }[]
    >`
      select id, professional, notes, starts_at, customer_phone from bookings where tenant_id = ${tenant.id}`;
    const byId = new Map(rows.map((r) => [r.id, r]));
    bodies.forEach((b, i) => {
      const row = byId.get(b.id)!;
      expect(row.professional).toBe(i % 3 === 0 ? '' : `P ${i % 3}`);
      expect(row.notes).toBe(i % 2 === 0 ? null : `nota "${i}", com vírgula`);
      expect(row.customer_phone).toBe(b.customerPhone);
    });
    const perBooking = await notificationsPerBooking(env, tenant.id);
    for (const b of perBooking) {
      expect(b.kinds).toEqual(['confirmation', 'reminder']);
      // Rows stay as inserted: intake writes nothing after the enqueue.
      expect(b.statuses).toEqual(['pending', 'pending']);
      expect(b.recipients).toEqual([byId.get(b.id)!.customer_phone]);
    }
  });

  test('a group with one booking that conflicts with an earlier one: that one 409, the others 201', async ({
    env,
    app,
  }) => {
    const tenant = await createTenant(env);
    const taken = hourly(200);
    expect((await post(app, tenant.slug, bookingBody({ startsAt: taken, professional: 'Zé' }))).statusCode).toBe(201);
    const specs = Array.from({ length: 30 }, (_, i) => bookingBody({ startsAt: hourly(i), professional: 'Zé' }));
    specs.splice(17, 0, bookingBody({ startsAt: taken, professional: 'Zé' }));
    const responses = await Promise.all(specs.map((s) => post(app, tenant.slug, s)));
    const statuses = responses.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 201)).toHaveLength(30);
    expect(statuses[17]).toBe(409);
    expect(responses[17]!.json().error.code).toBe('SLOT_UNAVAILABLE');
    const perBooking = await notificationsPerBooking(env, tenant.id);
    expect(perBooking).toHaveLength(31);
    expect(perBooking.filter((b) => b.kinds.length !== 2)).toEqual([]);
    expect((await env.db.sql`select 1 from notifications where tenant_id = ${tenant.id}`).length).toBe(62);
  });

  test('two overlapping bookings inside one burst: exactly one 201, one 409; the rest 201', async ({ env, app }) => {
    const tenant = await createTenant(env);
    const specs = Array.from({ length: 40 }, (_, i) => bookingBody({ startsAt: hourly(i), professional: `P${i}` }));
    // Two of the burst want overlapping slots of one professional, neither booked before.
    specs[10] = bookingBody({ startsAt: hourly(300), durationMinutes: 60, professional: 'Ana' });
    specs[25] = bookingBody({
      startsAt: new Date(new Date(hourly(300)).getTime() + 30 * 60_000).toISOString(),
      professional: 'Ana',
    });
    const responses = await Promise.all(specs.map((s) => post(app, tenant.slug, s)));
    expect([responses[10]!.statusCode, responses[25]!.statusCode].sort()).toEqual([201, 409]);
    expect(responses.filter((_, i) => i !== 10 && i !== 25).map((r) => r.statusCode)).toEqual(Array(38).fill(201));
    const perBooking = await notificationsPerBooking(env, tenant.id);
    expect(perBooking).toHaveLength(39);
    expect((await env.db.sql`select 1 from notifications where tenant_id = ${tenant.id}`).length).toBe(78);
  });

  test('many overlapping and many free slots at once: one winner per slot, no orphan rows', async ({ env, app }) => {
    const tenant = await createTenant(env);
    const contested = Array.from({ length: 25 }, (_, i) =>
      bookingBody({
        startsAt: new Date(new Date(hourly(400)).getTime() + (i % 10) * 60_000).toISOString(),
        durationMinutes: 60,
        professional: 'Zé',
      }),
    );
    const free = Array.from({ length: 25 }, (_, i) => bookingBody({ startsAt: hourly(i), professional: 'Bia' }));
    const specs = contested.flatMap((c, i) => [c, free[i]!]);
    const responses = await Promise.all(specs.map((s) => post(app, tenant.slug, s)));
    const contestedStatuses = responses.filter((_, i) => i % 2 === 0).map((r) => r.statusCode);
    expect(contestedStatuses.filter((s) => s === 201)).toHaveLength(1);
    expect(contestedStatuses.filter((s) => s === 409)).toHaveLength(24);
    expect(responses.filter((_, i) => i % 2 === 1).map((r) => r.statusCode)).toEqual(Array(25).fill(201));
    expect((await env.db.sql`select 1 from bookings where tenant_id = ${tenant.id}`).length).toBe(26);
    expect((await env.db.sql`select 1 from notifications where tenant_id = ${tenant.id}`).length).toBe(52);
  });

  test('a value Postgres refuses sinks only its own request (400), the rest of the group is written', async ({
    env,
    app,
  }) => {
    const tenant = await createTenant(env);
    const specs = Array.from({ length: 20 }, (_, i) => bookingBody({ startsAt: hourly(i), professional: 'Caio' }));
    specs[7] = bookingBody({ startsAt: hourly(7), professional: 'Caio', notes: 'nul \u0000 byte' });
    const responses = await Promise.all(specs.map((s) => post(app, tenant.slug, s)));
    expect(responses[7]!.statusCode).toBe(400);
    expect(responses[7]!.json().error.code).toBe('VALIDATION_FAILED');
    expect(responses.filter((_, i) => i !== 7).map((r) => r.statusCode)).toEqual(Array(19).fill(201));
    expect((await env.db.sql`select 1 from bookings where tenant_id = ${tenant.id}`).length).toBe(19);
  });
});

describe('group commit with Redis unreachable', () => {
  test('a burst of bookings still answers 201 quickly, every row pending', async ({ env }) => {
    const down = await startApp(env, { REDIS_URL: `redis://127.0.0.1:${await freePort()}`, ENQUEUE_TIMEOUT_MS: '300' });
    try {
      const tenant = await createTenant(env);
      const started = performance.now();
      const responses = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          down.inject({
            method: 'POST',
            url: `/v1/tenants/${tenant.slug}/bookings`,
            payload: bookingBody({ startsAt: hourly(i), professional: 'Rui' }),
          }),
        ),
      );
      expect(performance.now() - started).toBeLessThan(2_000);
      expect(responses.map((r) => r.statusCode)).toEqual(Array(40).fill(201));
      expect(responses.flatMap((r) => r.json().notifications.map((n: { status: string }) => n.status))).toEqual(
        Array(80).fill('pending'),
      );
      const perBooking = await notificationsPerBooking(env, tenant.id);
      expect(perBooking).toHaveLength(40);
      expect(perBooking.flatMap((b) => b.statuses)).toEqual(Array(80).fill('pending'));
      expect((await transactionsOf(env, tenant.id)).transactions).toBeLessThan(40);
    } finally {
      await down.close();
    }
  });
});
