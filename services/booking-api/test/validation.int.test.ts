import type { AnyFastify } from '@bora/http';
import { describe, expect } from 'vitest';
import { bookingBody, createTenant, dayAt, inHours, startApp } from './support/app.ts';
import { test as appTest } from './support/fixtures.ts';

/** One tenant for the file: every case below changes one field of a booking with it. */
const test = appTest.extend<{ slug: string }>({
  slug: [
    async ({ env }, use) => {
      await use((await createTenant(env)).slug);
    },
    { scope: 'file' },
  ],
});

async function post(app: AnyFastify, slug: string, payload: unknown, headers: Record<string, string> = {}) {
  return app.inject({ method: 'POST', url: `/v1/tenants/${slug}/bookings`, payload: payload as object, headers });
}

describe('booking validation', () => {
  test('a valid booking is accepted (the baseline each case below changes one field of)', async ({ app, slug }) => {
    expect((await post(app, slug, bookingBody())).statusCode).toBe(201);
  });

  const cases: [string, Record<string, unknown>, string, RegExp][] = [
    ['missing name', { customerName: undefined }, 'customerName', /obrigatório/],
    ['blank name', { customerName: '   ' }, 'customerName', /obrigatório/],
    ['name too long', { customerName: 'x'.repeat(121) }, 'customerName', /^deve ter no máximo 120 caracteres$/],
    ['landline', { customerPhone: '(11) 3456-7890' }, 'customerPhone', /celular/],
    ['impossible number', { customerPhone: '(11) 12345-678' }, 'customerPhone', /inválido/],
    ['letters in phone', { customerPhone: 'meu zap' }, 'customerPhone', /dígitos/],
    ['phone not a string', { customerPhone: { ddd: 11 } }, 'customerPhone', /^deve ser um texto$/],
    ['missing service', { service: undefined }, 'service', /obrigatório/],
    ['past start', { startsAt: inHours(-1) }, 'startsAt', /futuro/],
    ['start without offset', { startsAt: dayAt(5, '14:30').slice(0, 19) }, 'startsAt', /fuso/],
    ['start not a date', { startsAt: 'amanhã às 10' }, 'startsAt', /ISO 8601/],
    [
      'impossible date',
      { startsAt: `${new Date().getUTCFullYear() + 1}-02-30T10:00:00-03:00` },
      'startsAt',
      /inexistente/,
    ],
    ['start years ahead', { startsAt: '2099-01-01T10:00:00-03:00' }, 'startsAt', /366 dias/],
    ['end before start', { startsAt: dayAt(5, '14:30'), endsAt: dayAt(5, '14:00') }, 'endsAt', /depois/],
    ['end equal to start', { startsAt: dayAt(5, '14:30'), endsAt: dayAt(5, '14:30') }, 'endsAt', /depois/],
    ['end without offset', { startsAt: dayAt(5, '14:30'), endsAt: dayAt(5, '15:30').slice(0, 19) }, 'endsAt', /fuso/],
    ['duration over 12 h via endsAt', { startsAt: dayAt(5, '08:00'), endsAt: dayAt(5, '20:01') }, 'endsAt', /12 horas/],
    ['duration over 12 h', { durationMinutes: 721 }, 'durationMinutes', /^deve ser no máximo 720$/],
    ['duration zero', { durationMinutes: 0 }, 'durationMinutes', /^deve ser no mínimo 1$/],
    ['duration fractional', { durationMinutes: 30.5 }, 'durationMinutes', /^deve ser um número inteiro$/],
    ['both endsAt and duration', { durationMinutes: 30, endsAt: inHours(49) }, 'endsAt', /não os dois/],
    ['unknown field', { startAt: inHours(5) }, 'startAt', /não permitido/],
  ];

  test.for(cases)('%s → 400 naming the field', async ([, overrides, field, reason], { app, slug }) => {
    const body = bookingBody(overrides);
    const res = await post(app, slug, JSON.parse(JSON.stringify(body)));
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.code).toBe('VALIDATION_FAILED');
    const problem = error.details.find((d: { field: string }) => d.field === field);
    expect(problem, JSON.stringify(error.details)).toBeDefined();
    expect(problem.message).toMatch(reason);
  });

  test('several bad fields are reported together', async ({ app, slug }) => {
    const res = await post(app, slug, bookingBody({ customerPhone: '123', startsAt: inHours(-2), customerName: ' ' }));
    expect(res.statusCode).toBe(400);
    expect(
      res
        .json()
        .error.details.map((d: { field: string }) => d.field)
        .sort(),
    ).toEqual(['customerName', 'customerPhone', 'startsAt']);
  });

  test('the reasons a customer reads are Portuguese, never the validator’s English', async ({ app, slug }) => {
    const res = await post(app, slug, {
      customerName: 'x'.repeat(500),
      customerPhone: ['11', '98765'],
      service: { name: 'Corte' },
      startsAt: { at: 'amanhã' },
      durationMinutes: 1.5,
      endsAt: { at: 'depois' },
      professional: { name: 'Bia' },
      notes: { text: 'oi' },
      startAt: 'typo',
    });
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.details.length).toBeGreaterThanOrEqual(8);
    const english = /\b(must|should|have|property|properties|characters|string|integer|format|match|equal|allowed)\b/i;
    for (const { message } of error.details as { message: string }[]) expect(message).not.toMatch(english);
    expect(error.message.replace(/\b[a-z]+(\.[a-z]+)*:/gi, '')).not.toMatch(english);
  });

  test('malformed JSON → 400 INVALID_JSON', async ({ app, slug }) => {
    const res = await app.inject({
      method: 'POST',
      url: `/v1/tenants/${slug}/bookings`,
      headers: { 'content-type': 'application/json' },
      payload: '{"customerName": "Maria",',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('INVALID_JSON');
  });

  test('oversized body → 413', async ({ app, slug }) => {
    const res = await post(app, slug, bookingBody({ notes: 'x'.repeat(20_000) }));
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  test('unknown tenant → 404 TENANT_NOT_FOUND (valid and impossible slugs alike)', async ({ app }) => {
    for (const url of ['/v1/tenants/nao-existe/bookings', '/v1/tenants/Não Existe!/bookings']) {
      const res = await app.inject({ method: 'POST', url: encodeURI(url), payload: bookingBody() });
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('TENANT_NOT_FOUND');
    }
  });

  test('a malformed Idempotency-Key → 400 naming the header', async ({ app, slug }) => {
    const res = await post(app, slug, bookingBody(), { 'idempotency-key': 'x'.repeat(256) });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0]).toEqual({
      field: 'idempotency-key',
      message: expect.stringMatching(/^deve ter no máximo [0-9.]+ caracteres$/),
    });
  });
});

describe('rate limit', () => {
  test('the public routes answer 429 with Retry-After past the per-minute limit, per IP', async ({ env }) => {
    const limited = await startApp(env, { RATE_LIMIT_PER_MINUTE: '3' });
    const tenant = await createTenant(env);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await limited.inject(`/v1/tenants/${tenant.slug}`)).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const blocked = await limited.inject({
      method: 'POST',
      url: `/v1/tenants/${tenant.slug}/bookings`,
      payload: bookingBody(),
    });
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(blocked.json().error.code).toBe('RATE_LIMITED');
    // Another client is not affected, and health checks are never limited.
    expect((await limited.inject({ url: `/v1/tenants/${tenant.slug}`, remoteAddress: '10.0.0.9' })).statusCode).toBe(
      200,
    );
    expect((await limited.inject('/healthz')).statusCode).toBe(200);
    // The mini-site shows a page, not JSON, and keeps Retry-After.
    const page = await limited.inject(`/${tenant.slug}`);
    expect(page.statusCode).toBe(429);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.headers['retry-after']).toBeDefined();
    expect(page.body).toMatch(/Muitas tentativas/);
    await limited.close();
  });
});
