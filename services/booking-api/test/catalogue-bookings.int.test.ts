import { bookings, notifications } from '@bora/db';
import type { AnyFastify } from '@bora/http';
import type { TestEnv } from '@bora/testing';
import { eq } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { bookingBody, createTenant } from './support/app.ts';
import { appTest } from './support/fixtures.ts';
import { nextWeekday, phone, seedCatalogue, type CatalogueSpec } from './support/catalogue.ts';

const test = appTest({ TENANT_CACHE_TTL_MS: '0' });

const MONDAY = nextWeekday(1);
const at = (hhmm: string, date = MONDAY) => `${date}T${hhmm}:00-03:00`;

async function shop(app: AnyFastify, env: TestEnv, spec: Partial<CatalogueSpec> = {}) {
  const tenant = await createTenant(env);
  const catalogue = await seedCatalogue(env, tenant.id, {
    services: [{ name: 'Corte', durationMinutes: 30 }],
    professionals: [{ name: 'Zé', services: ['Corte'] }],
    weekly: {
      1: [
        ['09:00', '12:00'],
        ['13:00', '18:00'],
      ],
    },
    ...spec,
    settings: {
      maxBookingsPerMinute: 1000,
      maxFutureBookingsPerPhone: 100,
      maxBookingsPerPhonePerHour: 100,
      ...spec.settings,
    },
  });
  const post = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url: `/v1/tenants/${tenant.slug}/bookings`,
      payload: { customerName: 'Ana Lima', customerPhone: phone(0), serviceId: catalogue.services.Corte, ...body },
      headers,
    });
  return { tenant, post, serviceId: catalogue.services.Corte!, ...catalogue };
}

function problem(res: {
  statusCode: number;
  json(): { error: { code: string; details: { field: string; message: string }[] } };
}) {
  expect(res.statusCode).toBe(400);
  const { error } = res.json();
  expect(error.code).toBe('VALIDATION_FAILED');
  return error.details.map((d) => `${d.field}: ${d.message}`).join(' | ');
}

describe('POST /bookings with serviceId', () => {
  test('a time outside opening hours is a 400 saying the hours; so are a closed day, notice, window and a time off the grid', async ({
    env,
    app,
  }) => {
    const { post } = await shop(app, env, { settings: { maxDaysAhead: 30, minNoticeMinutes: 120 } });
    expect(problem(await post({ startsAt: at('19:00') }))).toBe(
      'startsAt: fora do horário de atendimento (neste dia: 09:00–12:00, 13:00–18:00; Corte dura 30 minutos)',
    );
    expect(problem(await post({ startsAt: at('12:00') }))).toMatch(/^startsAt: fora do horário de atendimento/);
    // The service would end after closing.
    expect(problem(await post({ startsAt: at('17:45') }))).toMatch(
      /^startsAt: (fora do horário|escolha um dos horários)/,
    );
    expect(problem(await post({ startsAt: at('10:10') }))).toBe(
      'startsAt: escolha um dos horários da agenda: neste dia eles começam a cada 30 minutos, a partir das 09:00',
    );
    expect(problem(await post({ startsAt: at('10:00', nextWeekday(7)) }))).toBe(
      'startsAt: o estabelecimento não abre neste dia',
    );
    expect(problem(await post({ startsAt: at('10:00', nextWeekday(1, 35)) }))).toBe(
      'startsAt: no máximo 30 dias à frente',
    );
    const soon = new Date(Date.now() + 30 * 60_000).toISOString();
    expect(problem(await post({ startsAt: soon }))).toBe(
      'startsAt: precisa ser com pelo menos 2 horas de antecedência',
    );
    expect(problem(await post({ startsAt: new Date(Date.now() - 60_000).toISOString() }))).toBe(
      'startsAt: precisa estar no futuro',
    );
  });

  test('the catalogue decides the fields: legacy text is refused next to serviceId, and without one', async ({
    env,
    app,
  }) => {
    const { post, tenant } = await shop(app, env);
    expect(problem(await post({ startsAt: at('10:00'), service: 'Corte', durationMinutes: 45 }))).toBe(
      'service: não use junto com serviceId (o catálogo já diz) | durationMinutes: não use junto com serviceId (a duração vem do serviço)',
    );
    const legacy = await app.inject({
      method: 'POST',
      url: `/v1/tenants/${tenant.slug}/bookings`,
      payload: bookingBody(),
    });
    expect(problem(legacy)).toMatch(/^serviceId: escolha um serviço do catálogo/);
    expect(problem(await post({ startsAt: at('10:00'), serviceId: '00000000-0000-4000-8000-000000000000' }))).toMatch(
      /^serviceId: serviço não encontrado/,
    );
    // A tenant without a catalogue answers serviceId with the legacy hint.
    const other = await createTenant(env);
    const res = await app.inject({
      method: 'POST',
      url: `/v1/tenants/${other.slug}/bookings`,
      payload: { ...bookingBody(), service: undefined, serviceId: '00000000-0000-4000-8000-000000000000' },
    });
    expect(problem(res)).toMatch(/não tem catálogo/);
    const stray = await app.inject({
      method: 'POST',
      url: `/v1/tenants/${other.slug}/bookings`,
      payload: { ...bookingBody(), professionalId: '00000000-0000-4000-8000-000000000000' },
    });
    expect(problem(stray)).toBe('professionalId: só vale junto com serviceId (um serviço do catálogo)');
  });

  test('50 parallel bookings of one slot: one 201, 49 × 409 SLOT_UNAVAILABLE with the next free slots', async ({
    env,
    app,
  }) => {
    const { post, tenant, professionals } = await shop(app, env);
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        post({ customerPhone: phone(i), professionalId: professionals['Zé'], startsAt: at('10:00') }),
      ),
    );
    const statuses = responses.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    const lost = responses.find((r) => r.statusCode === 409)!.json().error;
    expect(lost.code).toBe('SLOT_UNAVAILABLE');
    expect(lost.details.nextSlots.slice(0, 3)).toEqual([
      { startsAt: at('10:30'), endsAt: at('11:00'), professionalId: professionals['Zé'] },
      { startsAt: at('11:00'), endsAt: at('11:30'), professionalId: professionals['Zé'] },
      { startsAt: at('11:30'), endsAt: at('12:00'), professionalId: professionals['Zé'] },
    ]);
    expect(lost.details.nextSlots).toHaveLength(5);
    const rows = await env.db.db.select().from(bookings).where(eq(bookings.tenantId, tenant.id));
    expect(rows).toHaveLength(1);
    expect(await env.db.db.select().from(notifications).where(eq(notifications.tenantId, tenant.id))).toHaveLength(2);
  });

  test('"qualquer um": 50 parallel bookings of one time fill both professionals, once each', async ({ env, app }) => {
    const { post, tenant, professionals } = await shop(app, env, {
      professionals: [
        { name: 'Zé', services: ['Corte'] },
        { name: 'Bia', services: ['Corte'] },
      ],
    });
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => post({ customerPhone: phone(i), startsAt: at('14:00') })),
    );
    const won = responses.filter((r) => r.statusCode === 201).map((r) => r.json().professionalId);
    expect(won.sort()).toEqual([professionals.Bia, professionals['Zé']].sort());
    expect(responses.filter((r) => r.statusCode === 409)).toHaveLength(48);
    const rows = await env.db.db.select().from(bookings).where(eq(bookings.tenantId, tenant.id));
    expect(rows.map((r) => r.professional).sort()).toEqual(['Bia', 'Zé']);
  });

  test('renaming a professional cannot open a double booking (the id constraint holds)', async ({ env, app }) => {
    const { post, professionals } = await shop(app, env);
    expect((await post({ startsAt: at('15:00') })).statusCode).toBe(201);
    await env.db.sql`update professionals set name = 'José' where id = ${professionals['Zé']!}`;
    const again = await post({ customerPhone: phone(1), professionalId: professionals['Zé'], startsAt: at('15:00') });
    expect(again.statusCode).toBe(409);
  });

  test('per phone: at most N future bookings (409) and M per hour (429 with Retry-After); per tenant: K per minute (429)', async ({
    env,
    app,
  }) => {
    const future = await shop(app, env, { settings: { maxFutureBookingsPerPhone: 2 } });
    expect((await future.post({ startsAt: at('09:00') })).statusCode).toBe(201);
    expect((await future.post({ startsAt: at('09:30') })).statusCode).toBe(201);
    const third = await future.post({ startsAt: at('10:00') });
    expect(third.statusCode).toBe(409);
    expect(third.json().error).toMatchObject({
      code: 'PHONE_FUTURE_LIMIT',
      message: expect.stringMatching(/já tem 2 agendamentos marcados/),
    });
    // A cancelled booking frees its place.
    const [first] = await env.db.sql<
      { id: string }[]
    >`select id from bookings where tenant_id = ${future.tenant.id} order by starts_at limit 1`;
    await app.inject({ method: 'POST', url: `/v1/tenants/${future.tenant.slug}/bookings/${first!.id}/cancel` });
    expect((await future.post({ startsAt: at('10:00') })).statusCode).toBe(201);

    const hourly = await shop(app, env, { settings: { maxBookingsPerPhonePerHour: 3 } });
    // Twenty at once from one phone: the limit holds under concurrency.
    const burst = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        hourly.post({ startsAt: at(`${String(9 + Math.floor(i / 2)).padStart(2, '0')}:${i % 2 ? '30' : '00'}`) }),
      ),
    );
    expect(burst.filter((r) => r.statusCode === 201)).toHaveLength(3);
    const refused = burst.find((r) => r.statusCode === 429)!;
    expect(refused.json().error.code).toBe('PHONE_HOURLY_LIMIT');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(3000);
    // Another phone is not affected.
    expect((await hourly.post({ customerPhone: phone(7), startsAt: at('16:00') })).statusCode).toBe(201);

    const busy = await shop(app, env, { settings: { maxBookingsPerMinute: 2 } });
    expect((await busy.post({ customerPhone: phone(1), startsAt: at('09:00') })).statusCode).toBe(201);
    expect((await busy.post({ customerPhone: phone(2), startsAt: at('09:30') })).statusCode).toBe(201);
    const third2 = await busy.post({ customerPhone: phone(3), startsAt: at('10:00') });
    expect(third2.statusCode).toBe(429);
    expect(third2.json().error).toMatchObject({
      code: 'TENANT_MINUTE_LIMIT',
      message: expect.stringMatching(/muitos agendamentos no último minuto/),
    });
    expect(Number(third2.headers['retry-after'])).toBeGreaterThan(0);
  });

  test('with an Idempotency-Key: one booking, the same answer replayed', async ({ env, app }) => {
    const { post, tenant } = await shop(app, env);
    const body = { startsAt: at('16:30') };
    const answers = await Promise.all(Array.from({ length: 5 }, () => post(body, { 'idempotency-key': 'cat-1' })));
    expect(answers.map((r) => r.statusCode)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(answers.map((r) => r.body)).size).toBe(1);
    expect(await env.db.db.select().from(bookings).where(eq(bookings.tenantId, tenant.id))).toHaveLength(1);
    const taken = await post({ customerPhone: phone(3), startsAt: at('16:30') }, { 'idempotency-key': 'cat-2' });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.details.nextSlots[0].startsAt).toBe(at('17:00'));
  });

  test('more keyed requests at once than the pool has connections: each one answers (they read on their own connection)', async ({
    env,
    app,
  }) => {
    const { post } = await shop(app, env);
    // The app's pool has 10 connections; each keyed request holds one for its lock.
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        post(
          { customerPhone: phone(100 + i), startsAt: at(i % 2 ? '13:00' : '13:30') },
          { 'idempotency-key': `many-${i}` },
        ),
      ),
    );
    expect(answers.filter((r) => r.statusCode === 201)).toHaveLength(2);
    expect(answers.filter((r) => r.statusCode === 409)).toHaveLength(28);
  });
});
