import type { AnyFastify } from '@bora/http';
import type { TestEnv } from '@bora/testing';
import { describe, expect } from 'vitest';
import { createTenant } from './support/app.ts';
import { appTest } from './support/fixtures.ts';
import { nextWeekday, phone, seedCatalogue } from './support/catalogue.ts';

// The catalogue mini-site's server-rendered steps (the browser test walks them in Chromium).
const test = appTest({ TENANT_CACHE_TTL_MS: '0' });

const MONDAY = nextWeekday(1);

async function shop(app: AnyFastify, env: TestEnv, settings = {}) {
  const tenant = await createTenant(env, { name: 'Salão & Cia' });
  const catalogue = await seedCatalogue(env, tenant.id, {
    services: [
      { name: 'Corte', durationMinutes: 30, priceCents: 4500 },
      { name: 'Escova', durationMinutes: 45 },
      { name: 'Ninguém faz', durationMinutes: 30 },
    ],
    professionals: [
      { name: 'Ana', services: ['Corte', 'Escova'] },
      { name: 'Bia', services: ['Corte'] },
    ],
    weekly: { 1: [['09:00', '12:00']] },
    settings: { maxBookingsPerMinute: 1000, ...settings },
  });
  const get = (query: Record<string, string> = {}) => app.inject(`/${tenant.slug}?${new URLSearchParams(query)}`);
  const submit = (fields: Record<string, string>) =>
    app.inject({
      method: 'POST',
      url: `/${tenant.slug}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(fields).toString(),
    });
  return { tenant, get, submit, ...catalogue };
}

const titleOf = (html: string) => /<h2 id="passo" tabindex="-1">([^<]*)<\/h2>/.exec(html)?.[1];

describe('catalogue steps (server-rendered)', () => {
  test('each step is a GET page; a stale choice goes back to its step with a note', async ({ env, app }) => {
    const { get, services, professionals } = await shop(app, env);
    const first = await get();
    expect(first.statusCode).toBe(200);
    expect(titleOf(first.body)).toBe('Escolha o serviço');
    expect(first.body).toContain('30 min · R$\u00a045,00');
    // A service nobody does cannot be chosen.
    expect(first.body).not.toContain('Ninguém faz');
    expect(first.body).toContain('<form class="step" method="get"');

    expect(titleOf((await get({ servico: services.Corte! })).body)).toBe('Com quem?');
    // One professional does Escova: that step is skipped.
    expect(titleOf((await get({ servico: services.Escova! })).body)).toBe('Escolha o dia');
    const days = await get({ servico: services.Corte!, profissional: 'qualquer' });
    expect(days.body).toMatch(
      new RegExp(`<input type="radio" name="dia" id="d-${MONDAY}" value="${MONDAY}" required>`),
    );
    const times = await get({ servico: services.Corte!, profissional: professionals.Bia!, dia: MONDAY });
    expect(titleOf(times.body)).toMatch(/^Horários livres — segunda-feira/);
    expect(times.body.match(/name="horario"/g)).toHaveLength(6);
    const horario = `${MONDAY}T09:30:00-03:00`;
    const details = await get({ servico: services.Corte!, profissional: professionals.Bia!, dia: MONDAY, horario });
    expect(titleOf(details.body)).toBe('Seus dados');
    expect(details.body).toContain(`<input type="hidden" name="startsAt" value="${horario}">`);
    expect(details.body).toContain(`<input type="hidden" name="professionalId" value="${professionals.Bia}">`);

    const gone = await get({ servico: '00000000-0000-4000-8000-000000000000' });
    expect(titleOf(gone.body)).toBe('Escolha o serviço');
    expect(gone.body).toContain('Esse serviço não está mais disponível');
    const offGrid = await get({
      servico: services.Corte!,
      profissional: 'qualquer',
      dia: MONDAY,
      horario: `${MONDAY}T09:10:00-03:00`,
    });
    expect(titleOf(offGrid.body)).toMatch(/^Horários livres/);
    expect(offGrid.body).toContain('Esse horário não está mais livre');
    const sunday = await get({ servico: services.Corte!, profissional: 'qualquer', dia: nextWeekday(7) });
    expect(titleOf(sunday.body)).toBe('Escolha o dia');
    expect(sunday.body).toContain('Não há horários livres nesse dia');
  });

  test('the last step books (303), shows what happens next, an .ics, the manage link and how to stop', async ({
    env,
    app,
  }) => {
    const { tenant, submit, services } = await shop(app, env);
    const res = await submit({
      serviceId: services.Corte!,
      professionalId: '',
      startsAt: `${MONDAY}T10:00:00-03:00`,
      customerName: 'Ana, Lima; "X"',
      customerPhone: phone(1),
      notes: '',
    });
    expect(res.statusCode, res.body).toBe(303);
    const confirmation = await app.inject(res.headers.location as string);
    expect(confirmation.body).toContain('O que acontece agora');
    expect(confirmation.body).toContain('Um lembrete chega 1 dia antes do horário.');
    expect(confirmation.body).toContain('<section class="next-steps" aria-labelledby="proximos">');
    expect(confirmation.body).toMatch(new RegExp(`href="/${tenant.slug}/gerenciar/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+"`));
    expect(confirmation.body).toContain('responda <strong>SAIR</strong>');
    const id = (res.headers.location as string).split('/').at(-1);
    const ics = await app.inject(`/${tenant.slug}/agendamentos/${id}/agendamento.ics`);
    expect(ics.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(ics.headers['content-disposition']).toBe('attachment; filename="agendamento.ics"');
    expect(ics.body).toContain(`UID:${id}@bora-agendar\r\n`);
    expect(ics.body).toContain('SUMMARY:Corte — Salão & Cia\r\n');
    expect(ics.body).toContain('DESCRIPTION:Com Ana\\nAgendado por Ana\\, Lima\\; "X"\r\n');
    expect(ics.body.split('\r\n').every((line) => Buffer.byteLength(line) <= 75)).toBe(true);
    expect(
      (await app.inject(`/${tenant.slug}/agendamentos/00000000-0000-4000-8000-000000000000/agendamento.ics`))
        .statusCode,
    ).toBe(404);
  });

  test('errors come back as pages: fields next to their inputs, limits with their reason and Retry-After', async ({
    env,
    app,
  }) => {
    const { submit, services } = await shop(app, env, { maxBookingsPerPhonePerHour: 1 });
    const base = {
      serviceId: services.Corte!,
      professionalId: '',
      startsAt: `${MONDAY}T11:00:00-03:00`,
      customerName: 'Bia',
      customerPhone: phone(2),
    };
    const bad = await submit({ ...base, customerPhone: '123', customerName: 'Bia\u0007' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('id="customerName-error">Este campo tinha caracteres invisíveis');
    const badPhone = await submit({ ...base, customerPhone: '123' });
    expect(badPhone.statusCode).toBe(400);
    expect(badPhone.body).toMatch(/id="customerPhone-error">Número de telefone inválido\./);
    expect(badPhone.body).toContain('value="Bia"');

    expect((await submit(base)).statusCode).toBe(303);
    const again = await submit({ ...base, startsAt: `${MONDAY}T11:30:00-03:00` });
    expect(again.statusCode).toBe(429);
    expect(Number(again.headers['retry-after'])).toBeGreaterThan(0);
    expect(again.body).toContain('Muitos agendamentos para este WhatsApp na última hora');
  });
});
