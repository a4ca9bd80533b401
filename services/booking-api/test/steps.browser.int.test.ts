import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { bookings } from '@bora/db';
import type { TestEnv } from '@bora/testing';
import { eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect } from 'vitest';
import { createTenant } from './support/app.ts';
import { appTest } from './support/fixtures.ts';
import { nextWeekday, seedCatalogue } from './support/catalogue.ts';

// The catalogue mini-site in real Chromium, with and without JavaScript: service → professional
// (or "qualquer um") → day → free time → name and WhatsApp → confirmation with its .ics.
// Screenshots of every step land in SCREENSHOTS (a temp folder unless set), for a person to look at.
const SCREENSHOTS = process.env.SCREENSHOTS ?? join(tmpdir(), 'bora-steps-screenshots');
const test = appTest({ TENANT_CACHE_TTL_MS: '0' });

beforeAll(() => {
  mkdirSync(SCREENSHOTS, { recursive: true });
});

/** A barbershop like the demo one: two services, two professionals, Mon–Sat hours, Sunday closed. */
async function barbershop(env: TestEnv) {
  const tenant = await createTenant(env, { name: 'Barbearia do Zé' });
  const catalogue = await seedCatalogue(env, tenant.id, {
    services: [
      { name: 'Corte de cabelo', durationMinutes: 30, priceCents: 4000 },
      { name: 'Barba', durationMinutes: 30, priceCents: 3000 },
      { name: 'Corte + barba', durationMinutes: 60, priceCents: 6000 },
    ],
    professionals: [
      { name: 'Zé', services: ['Corte de cabelo', 'Barba', 'Corte + barba'] },
      { name: 'Bia', services: ['Corte de cabelo', 'Corte + barba'] },
    ],
    weekly: Object.fromEntries(
      [1, 2, 3, 4, 5]
        .map((d) => [
          d,
          [
            ['09:00', '12:00'],
            ['13:00', '19:00'],
          ],
        ])
        .concat([[6, [['09:00', '14:00']]]]),
    ),
    settings: { maxBookingsPerMinute: 1000 },
  });
  return { tenant, ...catalogue };
}

function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
      problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  return problems;
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
const MONDAY = nextWeekday(1);
const mondayLabel = new Intl.DateTimeFormat('pt-BR', {
  timeZone: 'UTC',
  weekday: 'short',
  day: '2-digit',
  month: '2-digit',
}).format(new Date(`${MONDAY}T12:00:00Z`));

describe('catalogue mini-site in a real browser', () => {
  test('with JavaScript: a tap on each choice moves on without a reload; back works; the booking confirms with an .ics', async ({
    env,
    baseUrl: base,
    browser,
  }) => {
    const { tenant, professionals } = await barbershop(env);
    const context = await browser.newContext({
      locale: 'pt-BR',
      viewport: { width: 390, height: 844 },
      acceptDownloads: true,
    });
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto(`${base}/${tenant.slug}`);
    await page.evaluate(() => ((globalThis as unknown as { marker: string }).marker = 'same-page'));
    await page.getByRole('heading', { name: 'Escolha o serviço' }).waitFor();
    await shot(page, 'js-1-service');

    await page.getByText('Corte + barba').click();
    await page.getByRole('heading', { name: 'Com quem?' }).waitFor();
    expect(page.url()).toMatch(/\?servico=[0-9a-f-]{36}$/);
    // Focus moved to the new question, for screen readers.
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('passo');
    await shot(page, 'js-2-professional');

    // Keyboard: arrows browse the group without leaving the step; Enter moves on.
    await page.getByLabel('Qualquer profissional').focus();
    await page.keyboard.press('Space');
    await page.keyboard.press('ArrowDown');
    expect(await page.getByLabel('Bia').isChecked()).toBe(true);
    await page.keyboard.press('ArrowUp');
    expect(await page.getByLabel('Qualquer profissional').isChecked()).toBe(true);
    expect(await page.getByRole('heading', { name: 'Com quem?' }).count()).toBe(1);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Escolha o dia' }).waitFor();
    await shot(page, 'js-3-day');
    expect(await page.locator('.summary').innerText()).toMatch(/Corte \+ barba[\s\S]*Qualquer profissional/);

    // Back returns to the previous step (fetched, still the same page).
    await page.goBack();
    await page.getByRole('heading', { name: 'Com quem?' }).waitFor();
    await page.goForward();
    await page.getByRole('heading', { name: 'Escolha o dia' }).waitFor();

    await page.locator('label', { hasText: new RegExp(mondayLabel.replace(/[.]/g, '\\.'), 'i') }).click();
    await page.getByRole('heading', { name: /Horários livres/ }).waitFor();
    await shot(page, 'js-4-time');
    // 09:00–12:00 and 13:00–19:00 with a 60-minute service: 3 + 6 starts on the hour.
    expect(await page.locator('.times input').count()).toBe(9);

    await page.getByLabel('10:00').click({ force: true });
    await page.getByRole('heading', { name: 'Seus dados' }).waitFor();
    await page.getByLabel('Seu nome').fill('Maria Souza');
    await page.getByLabel('Seu WhatsApp').fill('(11) 3456-7890');
    await page.getByRole('button', { name: 'Confirmar agendamento' }).click();
    await page.locator('#customerPhone-error').waitFor();
    expect(await page.getByLabel('Seu WhatsApp').getAttribute('aria-invalid')).toBe('true');
    await shot(page, 'js-5-details-error');
    await page.getByLabel('Seu WhatsApp').fill('(11) 98765-4321');
    await page.getByLabel('Observações (opcional)').fill('Primeira vez');
    await page.getByRole('button', { name: 'Confirmar agendamento' }).click();
    await page.getByRole('heading', { name: 'Agendamento confirmado!' }).waitFor();
    await shot(page, 'js-6-confirmed');

    expect(await page.evaluate(() => (globalThis as unknown as { marker?: string }).marker)).toBe('same-page');
    expect(page.url()).toMatch(new RegExp(`/${tenant.slug}/agendamentos/[0-9a-f-]{36}$`));
    expect(await page.locator('main').innerText()).toMatch(
      /Corte \+ barba[\s\S]*10:00[\s\S]*(Zé|Bia)[\s\S]*O que acontece agora[\s\S]*4321/,
    );
    expect(await page.locator('section.next-steps').count()).toBe(1);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: /Adicionar à minha agenda/ }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('agendamento.ics');

    const rows = await env.db.db.select().from(bookings).where(eq(bookings.tenantId, tenant.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ service: 'Corte + barba', notes: 'Primeira vez', customerPhone: '5511987654321' });
    expect([professionals['Zé'], professionals.Bia]).toContain(rows[0]!.professionalId);
    expect(rows[0]!.startsAt.toISOString()).toBe(new Date(`${MONDAY}T10:00:00-03:00`).toISOString());
    expect(problems).toEqual([]);
    await context.close();
  });

  test('without JavaScript: each step is a page; a taken time sends you back to the times; the booking confirms', async ({
    env,
    app,
    baseUrl: base,
    browser,
  }) => {
    const { tenant, services, professionals } = await barbershop(env);
    const context = await browser.newContext({
      javaScriptEnabled: false,
      locale: 'pt-BR',
      viewport: { width: 390, height: 844 },
    });
    const page = await context.newPage();
    await page.goto(`${base}/${tenant.slug}`);

    await page.getByLabel(/Corte de cabelo/).check();
    await Promise.all([page.waitForURL(/servico=/), page.getByRole('button', { name: 'Continuar' }).click()]);
    await page.getByLabel('Bia').check();
    await Promise.all([page.waitForURL(/profissional=/), page.getByRole('button', { name: 'Continuar' }).click()]);
    // Sunday is closed: its day is there, disabled.
    const sunday = nextWeekday(7);
    expect(await page.locator(`#d-${sunday}`).isDisabled()).toBe(true);
    await shot(page, 'nojs-3-day');
    await page.locator(`#d-${MONDAY}`).check();
    await Promise.all([page.waitForURL(/dia=/), page.getByRole('button', { name: 'Continuar' }).click()]);
    expect(await page.locator('.times input').count()).toBe(18);
    await shot(page, 'nojs-4-time');
    await page.getByLabel('14:30').check();
    await Promise.all([page.waitForURL(/horario=/), page.getByRole('button', { name: 'Continuar' }).click()]);
    await page.getByLabel('Seu nome').fill('João da Silva');
    await page.getByLabel('Seu WhatsApp').fill('+55 11 98765-4321');
    await shot(page, 'nojs-5-details');

    // Meanwhile someone else takes 14:30 with Bia.
    const taken = await app.inject({
      method: 'POST',
      url: `/v1/tenants/${tenant.slug}/bookings`,
      payload: {
        customerName: 'Outra',
        customerPhone: '(21) 99876-5432',
        serviceId: services['Corte de cabelo'],
        professionalId: professionals.Bia,
        startsAt: `${MONDAY}T14:30:00-03:00`,
      },
    });
    expect(taken.statusCode).toBe(201);
    await page.getByRole('button', { name: 'Confirmar agendamento' }).click();
    await page.getByText('Esse horário acabou de ser reservado. Escolha outro.').waitFor();
    expect(await page.getByRole('heading', { name: /Horários livres/ }).count()).toBe(1);
    expect(await page.locator('.times input').count()).toBe(17);
    await shot(page, 'nojs-6-taken');

    await page.getByLabel('15:00').check();
    await Promise.all([page.waitForURL(/horario=/), page.getByRole('button', { name: 'Continuar' }).click()]);
    await page.getByLabel('Seu nome').fill('João da Silva');
    await page.getByLabel('Seu WhatsApp').fill('+55 11 98765-4321');
    await Promise.all([
      page.waitForURL(/\/agendamentos\//),
      page.getByRole('button', { name: 'Confirmar agendamento' }).click(),
    ]);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Agendamento confirmado!');
    await shot(page, 'nojs-7-confirmed');
    expect(await page.locator('main').innerText()).toMatch(/Corte de cabelo[\s\S]*15:00[\s\S]*Bia/);

    const ics = await page.request.get(
      await page
        .getByRole('link', { name: /Adicionar à minha agenda/ })
        .getAttribute('href')
        .then((h) => `${base}${h}`),
    );
    expect(ics.headers()['content-type']).toMatch(/^text\/calendar/);
    const body = await ics.text();
    expect(body).toMatch(/^BEGIN:VCALENDAR\r\n/);
    expect(body).toContain(`DTSTART:${MONDAY.replace(/-/g, '')}T180000Z\r\n`);
    expect(body).toContain('SUMMARY:Corte de cabelo — Barbearia do Zé\r\n');
    const rows = await env.db.db.select().from(bookings).where(eq(bookings.tenantId, tenant.id));
    expect(rows.map((r) => r.customerName).sort()).toEqual(['João da Silva', 'Outra']);
    await context.close();
  });
});
