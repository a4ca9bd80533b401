import { bookings, notifications } from '@bora/db';
import { eq } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { bookingBody, createTenant, dayAt, inHours, inspectQueue } from './support/app.ts';
import { test } from './support/fixtures.ts';

describe('POST /v1/tenants/:slug/bookings', () => {
  test('answers 201 with the booking and writes it with its notification rows and jobs', async ({ env, app }) => {
    const tenant = await createTenant(env, { reminderOffsetsMinutes: [120] });
    const startsAt = inHours(48);
    const res = await app.inject({
      method: 'POST',
      url: `/v1/tenants/${tenant.slug}/bookings`,
      payload: bookingBody({ startsAt, durationMinutes: 45, professional: ' Zé ', notes: 'Primeira vez' }),
    });
    expect(res.statusCode).toBe(201);
    // JSON answers carry nosniff but not the document headers (CSP) the mini-site pages get.
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toBeUndefined();
    const body = res.json();
    expect(body).toMatchObject({
      tenantSlug: tenant.slug,
      status: 'confirmed',
      customerName: 'Maria Souza',
      customerPhone: '5511987654321',
      service: 'Corte',
      professional: 'Zé',
      notes: 'Primeira vez',
      startsAt: new Date(startsAt).toISOString(),
      endsAt: new Date(new Date(startsAt).getTime() + 45 * 60_000).toISOString(),
    });
    // The confirmation's job is in Redis (queued); the reminder waits in Postgres for the sweeper.
    expect(body.notifications.map((n: { kind: string; status: string }) => [n.kind, n.status])).toEqual([
      ['confirmation', 'queued'],
      ['reminder', 'pending'],
    ]);

    const [row] = await env.db.db.select().from(bookings).where(eq(bookings.id, body.id));
    expect(row).toMatchObject({
      tenantId: tenant.id,
      customerPhone: '5511987654321',
      professional: 'Zé',
      status: 'confirmed',
    });
    const rows = await env.db.db.select().from(notifications).where(eq(notifications.bookingId, body.id));
    expect(rows).toHaveLength(2);
    const confirmation = rows.find((r) => r.kind === 'confirmation')!;
    const reminder = rows.find((r) => r.kind === 'reminder')!;
    // Intake writes no status after the enqueue: the rows stay as inserted until a dispatcher claims them.
    for (const r of rows)
      expect(r).toMatchObject({ tenantId: tenant.id, recipient: '5511987654321', text: null, status: 'pending' });
    expect(Math.abs(confirmation.dueAt.getTime() - Date.now())).toBeLessThan(5_000);
    expect(reminder.dueAt.toISOString()).toBe(new Date(new Date(startsAt).getTime() - 120 * 60_000).toISOString());

    const queue = inspectQueue(env);
    const confirmationJob = await queue.getJob(confirmation.id);
    const reminderJob = await queue.getJob(reminder.id);
    expect(confirmationJob?.data).toEqual({ notificationId: confirmation.id });
    expect(await confirmationJob?.getState()).toBe('waiting');
    // No delayed job for months: the sweeper enqueues the reminder shortly before it is due.
    expect(reminderJob).toBeUndefined();
    await queue.close();
  });

  test('skips the reminder when its time has already passed', async ({ env, app }) => {
    const tenant = await createTenant(env, { reminderOffsetsMinutes: [1440] });
    const res = await app.inject({
      method: 'POST',
      url: `/v1/tenants/${tenant.slug}/bookings`,
      payload: bookingBody({ startsAt: inHours(3) }),
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().notifications.map((n: { kind: string }) => n.kind)).toEqual(['confirmation']);
  });

  test('accepts endsAt instead of durationMinutes', async ({ env, app }) => {
    const tenant = await createTenant(env);
    const res = await app.inject({
      method: 'POST',
      url: `/v1/tenants/${tenant.slug}/bookings`,
      payload: bookingBody({ startsAt: dayAt(20, '10:00'), endsAt: dayAt(20, '11:30') }),
    });
    expect(res.statusCode).toBe(201);
    const day = dayAt(20, '10:00').slice(0, 10);
    expect(res.json()).toMatchObject({ startsAt: `${day}T13:00:00.000Z`, endsAt: `${day}T14:30:00.000Z` });
  });

  test.for([
    ['(11) 98765-4321', '5511987654321'],
    ['+55 11 98765-4321', '5511987654321'],
    ['5511987654321', '5511987654321'],
    ['011 98765-4321', '5511987654321'],
    ['11987654321', '5511987654321'],
    ['(21) 99876-5432', '5521998765432'],
  ])('stores %s as E.164 digits', async ([written, digits], { env, app }) => {
    const tenant = await createTenant(env);
    const res = await app.inject({
      method: 'POST',
      url: `/v1/tenants/${tenant.slug}/bookings`,
      payload: bookingBody({ customerPhone: written }),
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().customerPhone).toBe(digits);
  });

  test('GET answers the booking with its notifications, and clean 404/400s', async ({ env, app }) => {
    const tenant = await createTenant(env);
    const created = (
      await app.inject({ method: 'POST', url: `/v1/tenants/${tenant.slug}/bookings`, payload: bookingBody() })
    ).json();
    const got = await app.inject(`/v1/tenants/${tenant.slug}/bookings/${created.id}`);
    expect(got.statusCode).toBe(200);
    // GET reads the ledger: rows stay `pending` until a dispatcher claims them (the create answer
    // said `queued` for the job Redis took).
    const asStored = created.notifications.map((n: { status: string }) => ({ ...n, status: 'pending' }));
    // Whoever holds the id sees the booking, not the customer's whole number.
    expect(got.json()).toEqual({ ...created, customerPhone: '5511•••••4321', notifications: asStored });

    const other = await createTenant(env);
    const foreign = await app.inject(`/v1/tenants/${other.slug}/bookings/${created.id}`);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().error.code).toBe('BOOKING_NOT_FOUND');
    const missing = await app.inject(`/v1/tenants/${tenant.slug}/bookings/00000000-0000-4000-8000-000000000000`);
    expect(missing.json().error.code).toBe('BOOKING_NOT_FOUND');
    const malformed = await app.inject(`/v1/tenants/${tenant.slug}/bookings/not-a-uuid`);
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'id' }] });
  });

  test('GET /v1/tenants/:slug answers the public tenant data', async ({ env, app }) => {
    const tenant = await createTenant(env, { name: 'Salão da Ana', timezone: 'America/Manaus' });
    const res = await app.inject(`/v1/tenants/${tenant.slug}`);
    expect(res.statusCode).toBe(200);
    // No catalogue: a legacy tenant, booked with the free-text fields.
    expect(res.json()).toEqual({
      slug: tenant.slug,
      name: 'Salão da Ana',
      timezone: 'America/Manaus',
      services: [],
      professionals: [],
    });
    const unknown = await app.inject('/v1/tenants/nao-existe');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('TENANT_NOT_FOUND');
  });

  test('the routes are in the OpenAPI document', async ({ app }) => {
    const doc = (await app.inject('/openapi.json')).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/tenants/{slug}',
        '/v1/tenants/{slug}/bookings',
        '/v1/tenants/{slug}/bookings/{id}',
        '/v1/tenants/{slug}/bookings/{id}/cancel',
        '/v1/tenants/{slug}/slots',
        '/{slug}',
        '/{slug}/agendamentos/{id}/agendamento.ics',
      ]),
    );
    expect((await app.inject('/docs')).statusCode).toBeLessThan(400);
  });
});
