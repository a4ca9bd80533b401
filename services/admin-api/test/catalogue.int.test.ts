import { test, type TestEnv } from '@bora/testing';
import { afterAll, describe, expect } from 'vitest';
import { auth, startAdminApi, type TestApp } from './helpers.ts';

// The catalogue routes under /v1/tenants/:slug: services, professionals, opening hours and
// booking settings, with Bearer auth, pt-BR errors and OpenAPI.
let t: TestApp | undefined;

async function appFor(env: TestEnv): Promise<TestApp> {
  t ??= await startAdminApi(env);
  return t;
}

afterAll(async () => {
  await t?.close();
});

let counter = 0;
async function tenant(env: TestEnv) {
  const a = await appFor(env);
  const slug = `loja-${++counter}-${Date.now().toString(36)}`;
  const res = await a.app.inject({
    method: 'POST',
    url: '/v1/tenants',
    headers: auth,
    payload: { slug, name: 'Loja', timezone: 'America/Recife' },
  });
  expect(res.statusCode).toBe(201);
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, payload?: object) =>
    a.app.inject({ method, url: `/v1/tenants/${slug}${path}`, headers: auth, ...(payload ? { payload } : {}) });
  return { slug, call };
}

const fields = (res: { json(): { error: { details?: { field: string; message: string }[] } } }) =>
  (res.json().error.details ?? []).map((d) => `${d.field}: ${d.message}`);

describe('catalogue admin', () => {
  test('services: create, list, edit (price in reais), deactivate, delete; names unique per tenant', async ({
    env,
  }) => {
    const { call } = await tenant(env);
    const created = await call('POST', '/services', { name: 'Corte', durationMinutes: 30, price: 45.5 });
    expect(created.statusCode).toBe(201);
    const corte = created.json();
    expect(corte).toMatchObject({ name: 'Corte', durationMinutes: 30, price: 45.5, active: true, professionalIds: [] });
    expect((await call('POST', '/services', { name: 'Corte', durationMinutes: 45 })).json().error.code).toBe(
      'SERVICE_NAME_TAKEN',
    );
    expect(fields(await call('POST', '/services', { name: 'Barba', durationMinutes: 20, price: 10.555 }))).toEqual([
      'price: use no máximo 2 casas decimais (centavos)',
    ]);
    expect((await call('POST', '/services', { name: 'Barba', durationMinutes: 3 })).statusCode).toBe(400);

    const edited = await call('PATCH', `/services/${corte.id}`, { price: null, active: false });
    expect(edited.json()).toMatchObject({ price: null, active: false, durationMinutes: 30 });
    expect((await call('PATCH', `/services/${corte.id}`, { price: 0 })).json().price).toBe(0);
    expect((await call('PATCH', `/services/${corte.id}`, { price: null })).json().price).toBeNull();
    expect((await call('GET', '/services')).json().items.map((s: { name: string }) => s.name)).toEqual(['Corte']);
    expect((await call('DELETE', `/services/${corte.id}`)).statusCode).toBe(204);
    expect((await call('GET', `/services/${corte.id}`)).json().error.code).toBe('SERVICE_NOT_FOUND');
  });

  test('professionals: the services they do, checked against the tenant; a service lists who does it', async ({
    env,
  }) => {
    const mine = await tenant(env);
    const other = await tenant(env);
    const corte = (await mine.call('POST', '/services', { name: 'Corte', durationMinutes: 30 })).json();
    const barba = (await mine.call('POST', '/services', { name: 'Barba', durationMinutes: 20 })).json();
    const foreign = (await other.call('POST', '/services', { name: 'Corte', durationMinutes: 30 })).json();

    const ze = await mine.call('POST', '/professionals', { name: 'Zé', serviceIds: [corte.id, barba.id] });
    expect(ze.statusCode).toBe(201);
    expect(ze.json().serviceIds.sort()).toEqual([corte.id, barba.id].sort());
    expect(fields(await mine.call('POST', '/professionals', { name: 'Bia', serviceIds: [foreign.id] }))).toEqual([
      `serviceIds: serviço não encontrado neste negócio: ${foreign.id}`,
    ]);
    expect((await mine.call('POST', '/professionals', { name: 'Zé', serviceIds: [] })).json().error.code).toBe(
      'PROFESSIONAL_NAME_TAKEN',
    );

    const patched = await mine.call('PATCH', `/professionals/${ze.json().id}`, {
      serviceIds: [barba.id],
      active: false,
    });
    expect(patched.json()).toMatchObject({ name: 'Zé', active: false, serviceIds: [barba.id] });
    expect((await mine.call('GET', `/services/${barba.id}`)).json().professionalIds).toEqual([ze.json().id]);
    expect((await mine.call('GET', `/services/${corte.id}`)).json().professionalIds).toEqual([]);
    // Another tenant's slug cannot reach this professional.
    expect((await other.call('GET', `/professionals/${ze.json().id}`)).statusCode).toBe(404);
  });

  test('an entry with bookings cannot be deleted, only deactivated', async ({ env }) => {
    const { slug, call } = await tenant(env);
    const corte = (await call('POST', '/services', { name: 'Corte', durationMinutes: 30 })).json();
    const ze = (await call('POST', '/professionals', { name: 'Zé', serviceIds: [corte.id] })).json();
    await env.db.sql`
      insert into bookings (tenant_id, customer_name, customer_phone, service, professional, starts_at, ends_at, service_id, professional_id)
      select id, 'Ana', '5511987654321', 'Corte', 'Zé', now() + interval '1 day', now() + interval '1 day 30 minutes', ${corte.id}, ${ze.id}
      from tenants where slug = ${slug}`;
    expect((await call('DELETE', `/services/${corte.id}`)).json().error).toMatchObject({
      code: 'SERVICE_IN_USE',
      message: expect.stringMatching(/desative/),
    });
    expect((await call('DELETE', `/professionals/${ze.id}`)).json().error.code).toBe('PROFESSIONAL_IN_USE');
    expect((await call('PATCH', `/services/${corte.id}`, { active: false })).statusCode).toBe(200);
  });

  test('opening hours: weekly ranges and dated exceptions, replaced as a whole, every problem named', async ({
    env,
  }) => {
    const { call } = await tenant(env);
    const empty = (await call('GET', '/opening-hours')).json();
    expect(empty).toEqual({
      timezone: 'America/Recife',
      weekly: { monday: [], tuesday: [], wednesday: [], thursday: [], friday: [], saturday: [], sunday: [] },
      exceptions: [],
    });

    const body = {
      weekly: {
        monday: [
          { start: '13:00', end: '18:00' },
          { start: '09:00', end: '12:00' },
        ],
        saturday: [{ start: '08:00', end: '24:00' }],
      },
      exceptions: [
        { date: '2030-12-25', ranges: [], note: 'Natal' },
        { date: '2030-12-24', ranges: [{ start: '09:00', end: '13:00' }] },
      ],
    };
    const saved = await call('PUT', '/opening-hours', body);
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toMatchObject({
      weekly: {
        monday: [
          { start: '09:00', end: '12:00' },
          { start: '13:00', end: '18:00' },
        ],
        saturday: [{ start: '08:00', end: '24:00' }],
        sunday: [],
      },
      exceptions: [
        { date: '2030-12-24', ranges: [{ start: '09:00', end: '13:00' }], note: null },
        { date: '2030-12-25', ranges: [], note: 'Natal' },
      ],
    });

    const bad = await call('PUT', '/opening-hours', {
      weekly: {
        monday: [
          { start: '09:00', end: '12:00' },
          { start: '11:00', end: '14:00' },
        ],
        tuesday: [{ start: '18:00', end: '09:00' }],
      },
      exceptions: [
        { date: '2030-02-30', ranges: [] },
        { date: '2030-12-25', ranges: [] },
        { date: '2030-12-25', ranges: [] },
      ],
    });
    expect(bad.statusCode).toBe(400);
    expect(fields(bad)).toEqual([
      'weekly.monday: os intervalos 09:00–12:00 e 11:00–14:00 se sobrepõem',
      'weekly.tuesday[0]: o fim (09:00) precisa ser depois do início (18:00)',
      'exceptions[0].date: data inexistente',
      'exceptions[2].date: 2030-12-25 aparece mais de uma vez',
    ]);
    expect(
      fields(await call('PUT', '/opening-hours', { weekly: { monday: [{ start: '9h', end: '18:00' }] } }))[0],
    ).toMatch(/^weekly\.monday\.0\.start: /);
    // A refused save changed nothing.
    expect((await call('GET', '/opening-hours')).json().weekly.monday).toHaveLength(2);
    expect((await call('PUT', '/opening-hours', { weekly: {} })).json().weekly.monday).toEqual([]);
  });

  test('booking settings: defaults until changed, bounds checked', async ({ env }) => {
    const { call } = await tenant(env);
    const defaults = {
      slotStepMinutes: null,
      minNoticeMinutes: 60,
      maxDaysAhead: 60,
      maxFutureBookingsPerPhone: 3,
      maxBookingsPerPhonePerHour: 5,
      maxBookingsPerMinute: 60,
    };
    expect((await call('GET', '/booking-settings')).json()).toEqual(defaults);
    expect((await call('PATCH', '/booking-settings', { slotStepMinutes: 15, maxDaysAhead: 90 })).json()).toEqual({
      ...defaults,
      slotStepMinutes: 15,
      maxDaysAhead: 90,
    });
    expect((await call('PATCH', '/booking-settings', { slotStepMinutes: null })).json().slotStepMinutes).toBeNull();
    expect((await call('PATCH', '/booking-settings', { maxDaysAhead: 400 })).statusCode).toBe(400);
    expect((await call('GET', '/booking-settings')).json().maxDaysAhead).toBe(90);
  });

  test('unknown tenant → 404; no token → 401; the routes are in the OpenAPI document', async ({ env }) => {
    const a = await appFor(env);
    for (const path of ['services', 'professionals', 'opening-hours', 'booking-settings']) {
      expect((await a.app.inject({ url: `/v1/tenants/nao-existe/${path}`, headers: auth })).json().error.code).toBe(
        'TENANT_NOT_FOUND',
      );
      expect((await a.app.inject({ url: `/v1/tenants/nao-existe/${path}` })).statusCode).toBe(401);
    }
    const doc = (await a.app.inject({ url: '/openapi.json', headers: auth })).json();
    for (const path of [
      '/v1/tenants/{slug}/services',
      '/v1/tenants/{slug}/services/{id}',
      '/v1/tenants/{slug}/professionals',
      '/v1/tenants/{slug}/opening-hours',
      '/v1/tenants/{slug}/booking-settings',
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
  });
});
