import type { AnyFastify } from '@bora/http';
import type { TestEnv } from '@bora/testing';
import { describe, expect } from 'vitest';
import { createTenant } from './support/app.ts';
import { appTest } from './support/fixtures.ts';
import { dayOf, formatDay, instantAt, isoInZone } from '../src/slots/zone.ts';
import { nextWeekday, phone, seedCatalogue } from './support/catalogue.ts';

const test = appTest({ TENANT_CACHE_TTL_MS: '0' });

interface Slot {
  startsAt: string;
  endsAt: string;
  professionalId: string;
}

async function slots(app: AnyFastify, slug: string, query: Record<string, string>): Promise<Slot[]> {
  const res = await app.inject({ url: `/v1/tenants/${slug}/slots?${new URLSearchParams(query)}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().slots;
}

function book(app: AnyFastify, slug: string, body: Record<string, unknown>) {
  return app.inject({
    method: 'POST',
    url: `/v1/tenants/${slug}/bookings`,
    payload: { customerName: 'Ana Lima', customerPhone: phone(0), ...body },
  });
}

const MONDAY = nextWeekday(1);
const SUNDAY = nextWeekday(7);

async function mondayShop(env: TestEnv, settings = {}) {
  const tenant = await createTenant(env);
  const catalogue = await seedCatalogue(env, tenant.id, {
    services: [{ name: 'Corte', durationMinutes: 30 }],
    professionals: [{ name: 'Zé', services: ['Corte'] }],
    weekly: { 1: [['09:00', '18:00']] },
    settings: { maxBookingsPerMinute: 1000, ...settings },
  });
  return { tenant, serviceId: catalogue.services.Corte!, zeId: catalogue.professionals['Zé']! };
}

describe('GET /v1/tenants/:slug/slots', () => {
  test('a Monday 09:00–18:00 with a 30-minute service gives 18 slots; after one booking, 17', async ({ env, app }) => {
    const { tenant, serviceId, zeId } = await mondayShop(env);

    const before = await slots(app, tenant.slug, { serviceId, date: MONDAY });
    expect(before).toHaveLength(18);
    expect(before[0]).toEqual({
      startsAt: `${MONDAY}T09:00:00-03:00`,
      endsAt: `${MONDAY}T09:30:00-03:00`,
      professionalId: zeId,
    });
    expect(before.at(-1)).toEqual({
      startsAt: `${MONDAY}T17:30:00-03:00`,
      endsAt: `${MONDAY}T18:00:00-03:00`,
      professionalId: zeId,
    });

    const created = await book(app, tenant.slug, {
      serviceId,
      professionalId: zeId,
      startsAt: `${MONDAY}T10:00:00-03:00`,
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({
      service: 'Corte',
      professional: 'Zé',
      serviceId,
      professionalId: zeId,
      endsAt: new Date(`${MONDAY}T10:30:00-03:00`).toISOString(),
    });

    const after = await slots(app, tenant.slug, { serviceId, professionalId: zeId, date: MONDAY });
    expect(after).toHaveLength(17);
    expect(after.map((s) => s.startsAt)).not.toContain(`${MONDAY}T10:00:00-03:00`);
  });

  test('a day the tenant is closed gives none: no weekly hours, or a dated exception', async ({ env, app }) => {
    const { tenant, serviceId } = await mondayShop(env);
    expect(await slots(app, tenant.slug, { serviceId, date: SUNDAY })).toEqual([]);
    const nextMonday = new Date(Date.parse(`${MONDAY}T12:00:00Z`) + 7 * 86_400_000).toISOString().slice(0, 10);
    await env.db
      .sql`insert into opening_exceptions (tenant_id, date, ranges, note) values (${tenant.id}, ${nextMonday}, '[]', 'Feriado')`;
    expect(await slots(app, tenant.slug, { serviceId, date: nextMonday })).toEqual([]);
    // Special hours replace the weekly ones for that day only.
    await env.db
      .sql`update opening_exceptions set ranges = '[{"start": 480, "end": 600}]' where tenant_id = ${tenant.id}`;
    expect(
      (await slots(app, tenant.slug, { serviceId, date: nextMonday })).map((s) => s.startsAt.slice(11, 16)),
    ).toEqual(['08:00', '08:30', '09:00', '09:30']);
  });

  test('past days, days beyond the window and the minimum notice leave no slots', async ({ env, app }) => {
    const { tenant, serviceId } = await mondayShop(env, { maxDaysAhead: 3 });
    const yesterday = new Date(Date.now() - 27 * 3_600_000).toISOString().slice(0, 10);
    expect(await slots(app, tenant.slug, { serviceId, date: yesterday })).toEqual([]);
    const farMonday = nextWeekday(1, 8);
    expect(await slots(app, tenant.slug, { serviceId, date: farMonday })).toEqual([]);
  });

  test('bad questions are 400s naming the field; a legacy tenant has no catalogue', async ({ env, app }) => {
    const { tenant, serviceId } = await mondayShop(env);
    const ask = (query: Record<string, string>) =>
      app.inject({ url: `/v1/tenants/${tenant.slug}/slots?${new URLSearchParams(query)}` });
    const fieldOf = async (query: Record<string, string>) => {
      const res = await ask(query);
      expect(res.statusCode).toBe(400);
      return res.json().error.details.map((d: { field: string; message: string }) => `${d.field}: ${d.message}`);
    };
    expect(await fieldOf({ serviceId, date: '2030-02-30' })).toEqual(['date: data inexistente']);
    expect(await fieldOf({ serviceId, date: '02/12/2030' })).toEqual([expect.stringMatching(/^date: /)]);
    expect(await fieldOf({ serviceId: 'x', date: MONDAY })).toEqual([expect.stringMatching(/^serviceId: .*UUID/)]);
    expect(await fieldOf({ serviceId: '00000000-0000-4000-8000-000000000000', date: MONDAY })).toEqual([
      expect.stringMatching(/^serviceId: serviço não encontrado/),
    ]);
    expect(await fieldOf({ serviceId, professionalId: '00000000-0000-4000-8000-000000000000', date: MONDAY })).toEqual([
      'professionalId: profissional não encontrado',
    ]);
    const legacy = await createTenant(env);
    const res = await app.inject({ url: `/v1/tenants/${legacy.slug}/slots?serviceId=${serviceId}&date=${MONDAY}` });
    expect(res.json().error.details[0].message).toMatch(/não tem catálogo/);
    expect(
      (await app.inject({ url: `/v1/tenants/nao-existe/slots?serviceId=${serviceId}&date=${MONDAY}` })).statusCode,
    ).toBe(404);
  });

  test('without a professional: each time once, given to the least busy professional who does the service', async ({
    env,
    app,
  }) => {
    const tenant = await createTenant(env);
    const { services, professionals } = await seedCatalogue(env, tenant.id, {
      services: [
        { name: 'Corte', durationMinutes: 30 },
        { name: 'Barba', durationMinutes: 30 },
      ],
      professionals: [
        { name: 'Ana', services: ['Corte'] },
        { name: 'Bia', services: ['Corte', 'Barba'] },
        { name: 'Caio', services: ['Barba'] },
      ],
      weekly: { 1: [['09:00', '10:00']] },
    });
    const free = await slots(app, tenant.slug, { serviceId: services.Corte!, date: MONDAY });
    expect(free.map((s) => s.startsAt.slice(11, 16))).toEqual(['09:00', '09:30']);
    // Nobody booked yet: ties go to the first by name.
    expect(free.map((s) => s.professionalId)).toEqual([professionals.Ana, professionals.Ana]);
    expect(
      (await book(app, tenant.slug, { serviceId: services.Corte, startsAt: `${MONDAY}T09:00:00-03:00` })).json()
        .professional,
    ).toBe('Ana');
    // Ana now has a booking that day: Bia takes 09:30; 09:00 is still Bia's to give.
    const later = await slots(app, tenant.slug, { serviceId: services.Corte!, date: MONDAY });
    expect(later.map((s) => [s.startsAt.slice(11, 16), s.professionalId])).toEqual([
      ['09:00', professionals.Bia],
      ['09:30', professionals.Bia],
    ]);
    // Caio does not cut hair.
    const asked = await app.inject({
      url: `/v1/tenants/${tenant.slug}/slots?serviceId=${services.Corte}&professionalId=${professionals.Caio}&date=${MONDAY}`,
    });
    expect(asked.json().error.details[0]).toEqual({ field: 'professionalId', message: 'Caio não faz Corte' });
  });
});

describe('GET /v1/tenants/:slug', () => {
  test('lists the active catalogue: services with duration and price, professionals with the active services they do', async ({
    env,
    app,
  }) => {
    const tenant = await createTenant(env, { name: 'Barbearia Catálogo' });
    const { services, professionals } = await seedCatalogue(env, tenant.id, {
      services: [
        { name: 'Corte', durationMinutes: 30, priceCents: 4550 },
        { name: 'Barba', durationMinutes: 20 },
        { name: 'Antigo', durationMinutes: 60, active: false },
      ],
      professionals: [
        { name: 'Zé', services: ['Corte', 'Barba', 'Antigo'] },
        { name: 'Bia', services: ['Antigo'] },
        { name: 'Caio', services: ['Corte'], active: false },
      ],
    });
    const res = await app.inject(`/v1/tenants/${tenant.slug}`);
    expect(res.json()).toEqual({
      slug: tenant.slug,
      name: 'Barbearia Catálogo',
      timezone: 'America/Sao_Paulo',
      services: [
        { id: services.Barba, name: 'Barba', durationMinutes: 20, price: null },
        { id: services.Corte, name: 'Corte', durationMinutes: 30, price: 45.5 },
      ],
      professionals: [{ id: professionals['Zé'], name: 'Zé', serviceIds: [services.Barba, services.Corte] }],
    });
  });
});

/** The first local day (YYYY-MM-DD) from tomorrow on that is not 24 hours long, within a year. */
function nextOffsetChange(zone: string): { date: string; day: number; longer: boolean } {
  const today = dayOf(Date.now(), zone);
  for (let d = today + 1; d < today + 366; d++) {
    const hours = (instantAt(d + 1, 0, zone) - instantAt(d, 0, zone)) / 3_600_000;
    if (hours !== 24) return { date: formatDay(d), day: d, longer: hours > 24 };
  }
  throw new Error(`${zone} changes no offset within a year`);
}

describe('across the next DST change of a zone', () => {
  test.for(['Europe/Lisbon', 'America/New_York', 'America/Havana'])(
    '%s: real hours of slots, each in its own offset, bookable',
    async (zone, { env, app }) => {
      const change = nextOffsetChange(zone);
      const tenant = await createTenant(env, { timezone: zone });
      const { services, professionals } = await seedCatalogue(env, tenant.id, {
        services: [{ name: 'Sessão', durationMinutes: 60 }],
        professionals: [{ name: 'Rui', services: ['Sessão'] }],
        exceptions: { [change.date]: [['00:00', '06:00']] },
        settings: { maxDaysAhead: 366, minNoticeMinutes: 0, maxBookingsPerMinute: 1000 },
      });
      const serviceId = services['Sessão']!;
      const got = await slots(app, tenant.slug, { serviceId, date: change.date });
      const d = change.day;
      const opens = instantAt(d, 0, zone);
      const realHours = (instantAt(d, 360, zone, 'later') - opens) / 3_600_000;
      // Spring forward: 5 real hours between 00:00 and 06:00; fall back: 7.
      expect(realHours).toBe(change.longer ? 7 : 5);
      expect(got).toHaveLength(realHours);
      for (const [i, slot] of got.entries()) {
        const start = opens + i * 3_600_000;
        expect(slot).toEqual({
          startsAt: isoInZone(start, zone),
          endsAt: isoInZone(start + 3_600_000, zone),
          professionalId: professionals.Rui,
        });
      }
      expect(got.at(-1)!.endsAt.slice(0, 19)).toBe(`${change.date}T06:00:00`);
      // Two offsets appear in the answer, unless the day begins after the change (a midnight jump).
      const offsets = new Set(got.flatMap((slot) => [slot.startsAt.slice(19), slot.endsAt.slice(19)]));
      expect(offsets.size).toBe(got[0]!.startsAt.slice(11, 16) === '00:00' ? 2 : 1);

      // The last slot (after the change) books, at exactly its instant, and leaves the list.
      const last = got.at(-1)!;
      const res = await app.inject({
        method: 'POST',
        url: `/v1/tenants/${tenant.slug}/bookings`,
        payload: {
          customerName: 'Rui Costa',
          customerPhone: phone(9),
          serviceId,
          professionalId: professionals.Rui,
          startsAt: last.startsAt,
        },
      });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().startsAt).toBe(new Date(last.startsAt).toISOString());
      expect((await slots(app, tenant.slug, { serviceId, date: change.date })).map((s) => s.startsAt)).toEqual(
        got.slice(0, -1).map((s) => s.startsAt),
      );
    },
  );
});
