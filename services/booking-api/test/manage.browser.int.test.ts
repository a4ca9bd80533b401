import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manageLinkExpiry, signManageToken } from '@bora/bookings';
import type { AnyFastify } from '@bora/http';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect } from 'vitest';
import { bookingBody, createTenant, inHours } from './support/app.ts';
import { appTest } from './support/fixtures.ts';
import { nextWeekday, seedCatalogue } from './support/catalogue.ts';

const SECRET_KEY = 'manage-page-test-secret-0123456789abcdef';
/** Screenshots land here for a person to look at (see the README's "Looking at the pages"). */
const SHOTS = join(tmpdir(), 'bora-screenshots');

const test = appTest({ SECRET_KEY });

beforeAll(() => {
  mkdirSync(SHOTS, { recursive: true });
});

async function book(app: AnyFastify, baseUrl: string, slug: string, hours: number, phone = '(11) 98765-4321') {
  const res = await app.inject({
    method: 'POST',
    url: `/v1/tenants/${slug}/bookings`,
    payload: bookingBody({ startsAt: inHours(hours), customerPhone: phone }),
  });
  expect(res.statusCode, res.body).toBe(201);
  const booking = res.json() as { id: string; endsAt: string };
  const token = signManageToken(SECRET_KEY, booking.id, manageLinkExpiry(new Date(booking.endsAt)));
  return { id: booking.id, url: `${baseUrl}/${slug}/gerenciar/${token}` };
}

function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  return problems;
}

/** The business's wall clock `hours` from now, as the form's date and time fields take it (São Paulo, UTC−3). */
function wallClock(hours: number): { date: string; time: string } {
  const local = new Date(Math.floor((Date.now() + hours * 3_600_000) / 60_000) * 60_000 - 3 * 3_600_000).toISOString();
  return { date: local.slice(0, 10), time: local.slice(11, 16) };
}

for (const javaScriptEnabled of [false, true]) {
  const mode = javaScriptEnabled ? 'with JavaScript' : 'without JavaScript';
  describe(`the manage page ${mode}`, () => {
    test('confirm attendance, a taken time refused next to the form, reschedule to a free one, then cancel', async ({
      env,
      app,
      baseUrl,
      browser,
    }) => {
      const tenant = await createTenant(env, { name: 'Salão Beleza Pura', reminderOffsetsMinutes: [1440, 120] });
      const first = await book(app, baseUrl, tenant.slug, 50);
      await book(app, baseUrl, tenant.slug, 74, '(21) 99876-5432');
      const context = await browser.newContext({
        javaScriptEnabled,
        locale: 'pt-BR',
        viewport: { width: 390, height: 844 },
      });
      const page = await context.newPage();
      const problems = watchProblems(page);

      await page.goto(first.url);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Seu agendamento');
      // The page shows the number masked, never whole.
      expect(await page.locator('main').textContent()).toContain('5511•••••4321');
      expect(await page.locator('main').textContent()).not.toContain('98765');
      await page.screenshot({
        path: join(SHOTS, `manage-${javaScriptEnabled ? 'js' : 'nojs'}-open.png`),
        fullPage: true,
      });

      await page.getByRole('button', { name: 'Confirmar presença' }).click();
      await page.getByText('Presença confirmada. Obrigado por avisar!').waitFor();
      expect(await page.getByRole('button', { name: 'Confirmar presença' }).count()).toBe(0);
      const [confirmed] = await env.db.sql`select attendance_confirmed_via from bookings where id = ${first.id}`;
      expect(confirmed!.attendance_confirmed_via).toBe('manage-page');

      // The other customer's time: refused by the overlap rule, the booking untouched.
      const taken = wallClock(74);
      await page.getByLabel('Novo dia').fill(taken.date);
      await page.getByLabel('Novo horário').fill(taken.time);
      await page.getByRole('button', { name: 'Remarcar para este horário' }).click();
      await page.getByText('Este horário já está ocupado. Escolha outro.').waitFor();
      expect(await page.getByLabel('Novo dia').inputValue()).toBe(taken.date);
      await page.screenshot({
        path: join(SHOTS, `manage-${javaScriptEnabled ? 'js' : 'nojs'}-taken.png`),
        fullPage: true,
      });
      const [still] = await env.db.sql`select status from bookings where id = ${first.id}`;
      expect(still!.status).toBe('confirmed');

      const free = wallClock(98);
      await page.getByLabel('Novo dia').fill(free.date);
      await page.getByLabel('Novo horário').fill(free.time);
      await page.getByRole('button', { name: 'Remarcar para este horário' }).click();
      await page.getByText('Agendamento remarcado.', { exact: false }).waitFor();
      expect(page.url()).not.toBe(first.url);
      const rows = await env.db.sql<{ id: string; status: string; cancel_reason: string | null }[]>`
        select id, status, cancel_reason from bookings where tenant_id = ${tenant.id} and customer_phone = '5511987654321' order by created_at`;
      expect(rows.map((r) => [r.status, r.cancel_reason])).toEqual([
        ['cancelled', 'Remarcado pelo cliente'],
        ['confirmed', null],
      ]);
      // Moving is not leaving: no cancellation message; the old reminders cancelled, the new booking planned.
      const old = await env.db
        .sql`select kind, status from notifications where booking_id = ${first.id} order by kind, seq`;
      expect(old.filter((n) => n.kind === 'cancellation')).toEqual([]);
      expect(old.filter((n) => n.kind === 'reminder').every((n) => n.status === 'cancelled')).toBe(true);
      const moved = await env.db
        .sql`select kind from notifications where booking_id = ${rows[1]!.id} order by kind, seq`;
      expect(moved.map((n) => n.kind)).toEqual(['confirmation', 'reminder', 'reminder']);

      await page.getByRole('button', { name: 'Cancelar agendamento' }).click();
      await page.getByText('Agendamento cancelado. O horário foi liberado.').waitFor();
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Agendamento cancelado');
      expect(await page.getByRole('button').count()).toBe(0);
      await page.screenshot({
        path: join(SHOTS, `manage-${javaScriptEnabled ? 'js' : 'nojs'}-cancelled.png`),
        fullPage: true,
      });
      const [cancelled] = await env.db.sql`select status from bookings where id = ${rows[1]!.id}`;
      expect(cancelled!.status).toBe('cancelled');
      const cancellation = await env.db
        .sql`select 1 from notifications where booking_id = ${rows[1]!.id} and kind = 'cancellation'`;
      expect(cancellation).toHaveLength(1);
      expect(problems).toEqual([]);
      await context.close();
    });
  });
}

describe('manage links', () => {
  test('a tampered token is not found, an expired one says so; neither touches the booking', async ({
    env,
    app,
    baseUrl,
  }) => {
    const tenant = await createTenant(env);
    const { id, url } = await book(app, baseUrl, tenant.slug, 30);
    const path = new URL(url).pathname;
    const tampered = path.slice(0, -2) + (path.endsWith('AA') ? 'BB' : 'AA');
    expect((await app.inject({ url: tampered })).statusCode).toBe(404);
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    expect(
      (await app.inject({ method: 'POST', url: `${tampered}/cancelar`, headers: form, payload: 'reason=' })).statusCode,
    ).toBe(404);
    const expired = signManageToken(SECRET_KEY, id, new Date(Date.now() - 1000));
    const gone = await app.inject({ url: `/${tenant.slug}/gerenciar/${expired}` });
    expect(gone.statusCode).toBe(410);
    expect(gone.body).toContain('Este link expirou');
    // Another business's slug with a valid token: not found.
    const stranger = await createTenant(env);
    expect((await app.inject({ url: path.replace(tenant.slug, stranger.slug) })).statusCode).toBe(404);
    const [row] = await env.db.sql`select status from bookings where id = ${id}`;
    expect(row!.status).toBe('confirmed');
    expect((await app.inject({ url: path })).headers['referrer-policy']).toBe('no-referrer');
  });
});

describe('moving a catalogue booking', () => {
  test('is checked like a new one: a closed day and an off-grid time are refused with the reason; a free slot moves it, same service and professional', async ({
    env,
    app,
  }) => {
    const tenant = await createTenant(env, { name: 'Barbearia Catálogo' });
    const seeded = await seedCatalogue(env, tenant.id, {
      services: [{ name: 'Corte', durationMinutes: 30 }],
      professionals: [{ name: 'Zé', services: ['Corte'] }],
      weekly: { 1: [['09:00', '18:00']], 2: [['09:00', '18:00']] },
    });
    const monday = nextWeekday(1);
    const res = await app.inject({
      method: 'POST',
      url: `/v1/tenants/${tenant.slug}/bookings`,
      payload: {
        customerName: 'Maria',
        customerPhone: '(11) 98765-1111',
        serviceId: seeded.services.Corte,
        startsAt: `${monday}T10:00:00-03:00`,
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const booking = res.json() as { id: string; endsAt: string };
    const path = `/${tenant.slug}/gerenciar/${signManageToken(SECRET_KEY, booking.id, manageLinkExpiry(new Date(booking.endsAt)))}`;
    const move = (date: string, time: string) =>
      app.inject({
        method: 'POST',
        url: `${path}/remarcar`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ date, time }).toString(),
      });

    const sunday = nextWeekday(7);
    const closed = await move(sunday, '10:00');
    expect(closed.statusCode).toBe(400);
    expect(closed.body).toContain('Este horário não dá:');
    const offGrid = await move(monday, '10:10');
    expect(offGrid.statusCode).toBe(400);
    const [still] = await env.db.sql`select status from bookings where id = ${booking.id}`;
    expect(still!.status).toBe('confirmed');

    const tuesday = nextWeekday(2);
    const moved = await move(tuesday, '15:30');
    expect(moved.statusCode).toBe(303);
    const rows = await env.db
      .sql`select status, service_id, professional_id, to_char(starts_at at time zone 'America/Sao_Paulo', 'YYYY-MM-DD HH24:MI') as local from bookings where tenant_id = ${tenant.id} order by created_at`;
    expect(rows).toEqual([
      {
        status: 'cancelled',
        service_id: seeded.services.Corte,
        professional_id: seeded.professionals['Zé'],
        local: `${monday} 10:00`,
      },
      {
        status: 'confirmed',
        service_id: seeded.services.Corte,
        professional_id: seeded.professionals['Zé'],
        local: `${tuesday} 15:30`,
      },
    ]);
  });
});
