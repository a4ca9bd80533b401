import { bookings, notifications } from '@bora/db';
import type { AnyFastify } from '@bora/http';
import { eq } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { bookingBody, createTenant, inHours, inspectQueue } from './support/app.ts';
import { test } from './support/fixtures.ts';

async function book(app: AnyFastify, slug: string, overrides: Record<string, unknown> = {}) {
  const res = await app.inject({
    method: 'POST',
    url: `/v1/tenants/${slug}/bookings`,
    payload: bookingBody(overrides),
  });
  expect(res.statusCode).toBe(201);
  return res.json();
}

function cancel(app: AnyFastify, slug: string, id: string, payload?: object) {
  return app.inject({
    method: 'POST',
    url: `/v1/tenants/${slug}/bookings/${id}/cancel`,
    ...(payload ? { payload } : {}),
  });
}

describe('POST /v1/tenants/:slug/bookings/:id/cancel', () => {
  test('cancels the booking, its reminder and its confirmation not yet sent (rows and jobs), and sends a cancellation', async ({
    env,
    app,
  }) => {
    const tenant = await createTenant(env);
    const startsAt = inHours(50);
    const created = await book(app, tenant.slug, { startsAt, professional: 'Zé' });
    const reminderId = created.notifications.find((n: { kind: string }) => n.kind === 'reminder').id;
    const confirmationId = created.notifications.find((n: { kind: string }) => n.kind === 'confirmation').id;
    const queue = inspectQueue(env);
    expect(await (await queue.getJob(confirmationId))?.getState()).toBe('waiting');

    const res = await cancel(app, tenant.slug, created.id, { reason: 'Imprevisto' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ id: created.id, status: 'cancelled' });
    const byKind = Object.fromEntries(
      body.notifications.map((n: { kind: string; status: string }) => [n.kind, n.status]),
    );
    // No dispatcher ran: the confirmation was still owed, so the customer never gets "confirmado" then "cancelado".
    expect(byKind).toEqual({ confirmation: 'cancelled', reminder: 'cancelled', cancellation: 'pending' });

    const [row] = await env.db.db.select().from(bookings).where(eq(bookings.id, created.id));
    expect(row).toMatchObject({ status: 'cancelled', cancelReason: 'Imprevisto' });
    expect(row?.cancelledAt).toBeInstanceOf(Date);
    const rows = await env.db.db.select().from(notifications).where(eq(notifications.bookingId, created.id));
    const cancellation = rows.find((r) => r.kind === 'cancellation')!;
    expect(cancellation).toMatchObject({ recipient: '5511987654321', status: 'pending', text: null });
    expect(Math.abs(cancellation.dueAt.getTime() - Date.now())).toBeLessThan(5_000);

    expect(await queue.getJob(reminderId)).toBeUndefined();
    expect(await queue.getJob(confirmationId)).toBeUndefined();
    expect(await (await queue.getJob(cancellation.id))?.getState()).toBe('waiting');

    // The slot is free again for the same professional.
    await book(app, tenant.slug, { startsAt, professional: 'Zé' });
    await queue.close();
  });

  test('cancelling twice is harmless: 200, same state, no second cancellation', async ({ env, app }) => {
    const tenant = await createTenant(env);
    const created = await book(app, tenant.slug, { startsAt: inHours(60) });
    const first = await cancel(app, tenant.slug, created.id);
    const second = await cancel(app, tenant.slug, created.id, { reason: 'de novo' });
    expect(first.statusCode).toBe(200);
    expect(second.statusCode).toBe(200);
    expect(second.json()).toEqual(first.json());
    const rows = await env.db.db.select().from(notifications).where(eq(notifications.bookingId, created.id));
    expect(rows.filter((r) => r.kind === 'cancellation')).toHaveLength(1);
    const [row] = await env.db.db.select().from(bookings).where(eq(bookings.id, created.id));
    expect(row?.cancelReason).toBeNull();
  });

  test('concurrent cancels create one cancellation', async ({ env, app }) => {
    const tenant = await createTenant(env);
    const created = await book(app, tenant.slug, { startsAt: inHours(70) });
    const results = await Promise.all(Array.from({ length: 10 }, () => cancel(app, tenant.slug, created.id)));
    expect(results.map((r) => r.statusCode)).toEqual(Array(10).fill(200));
    const rows = await env.db.db.select().from(notifications).where(eq(notifications.bookingId, created.id));
    expect(rows.filter((r) => r.kind === 'cancellation')).toHaveLength(1);
  });

  test('a reminder already sent stays sent', async ({ env, app }) => {
    const tenant = await createTenant(env);
    const created = await book(app, tenant.slug, { startsAt: inHours(80) });
    await env.db.sql`update notifications set status = 'sent' where booking_id = ${created.id} and kind = 'reminder'`;
    const res = await cancel(app, tenant.slug, created.id);
    expect(res.json().notifications.find((n: { kind: string }) => n.kind === 'reminder').status).toBe('sent');
  });

  test('unknown booking or tenant → 404', async ({ env, app }) => {
    const tenant = await createTenant(env);
    const missing = await cancel(app, tenant.slug, '00000000-0000-4000-8000-000000000000');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('BOOKING_NOT_FOUND');
    const noTenant = await cancel(app, 'nao-existe', '00000000-0000-4000-8000-000000000000');
    expect(noTenant.json().error.code).toBe('TENANT_NOT_FOUND');
  });
});
