import { bookings } from '@bora/db';
import { eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import { createTenant } from './support/app.ts';
import { test } from './support/fixtures.ts';

function localDate(days: number): string {
  return new Date(Date.now() - 3 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Console errors (CSP violations among them) and script errors: the page must run clean under
 * its own policy. Chromium also logs every 4xx answer as "Failed to load resource"; the 400 of
 * the bad-phone attempt is expected, so those are left out.
 */
function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
      problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  return problems;
}

async function fillForm(page: Page, phone: string, time: string) {
  await page.getByLabel('Seu nome').fill('Maria Souza');
  await page.getByLabel('Seu WhatsApp').fill(phone);
  await page.getByLabel('Serviço').fill('Corte feminino');
  await page.getByLabel('Profissional (opcional)').fill('Bia');
  await page.getByLabel('Dia').fill(localDate(4));
  await page.getByLabel('Horário').fill(time);
}

describe('mini-site in a real browser', () => {
  test('with JavaScript: a bad phone shows its error next to the field, then the booking confirms without a reload', async ({
    env,
    baseUrl,
    browser,
  }) => {
    const tenant = await createTenant(env, { name: 'Salão Beleza Pura' });

    const context = await browser.newContext({ locale: 'pt-BR', viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto(`${baseUrl}/${tenant.slug}`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Salão Beleza Pura');
    // A marker that survives only if the page is never reloaded.
    await page.evaluate(() => ((globalThis as unknown as { marker: string }).marker = 'same-page'));

    await fillForm(page, '(11) 3456-7890', '10:00');
    await page.getByRole('button', { name: 'Agendar' }).click();
    const phoneError = page.locator('#customerPhone-error');
    await phoneError.waitFor();
    expect(await phoneError.textContent()).toMatch(/celular com WhatsApp/);
    const phone = page.getByLabel('Seu WhatsApp');
    expect(await phone.getAttribute('aria-invalid')).toBe('true');
    expect(await phone.getAttribute('aria-describedby')).toContain('customerPhone-error');
    expect(await phone.inputValue()).toBe('(11) 3456-7890');
    expect(await page.getByLabel('Seu nome').inputValue()).toBe('Maria Souza');

    await phone.fill('(11) 98765-4321');
    await page.getByRole('button', { name: 'Agendar' }).click();
    await page.getByRole('heading', { name: 'Agendamento confirmado!' }).waitFor();
    expect(await page.evaluate(() => (globalThis as unknown as { marker?: string }).marker)).toBe('same-page');
    expect(page.url()).toMatch(new RegExp(`/${tenant.slug}/agendamentos/[0-9a-f-]{36}$`));
    expect(await page.locator('main').textContent()).toMatch(/Corte feminino[\s\S]*10:00[\s\S]*Bia[\s\S]*4321/);

    const rows = await env.db.db.select().from(bookings).where(eq(bookings.tenantId, tenant.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]?.startsAt.toISOString()).toBe(`${localDate(4)}T13:00:00.000Z`);
    expect(problems).toEqual([]);
    await context.close();
  });

  test('without JavaScript: the form posts, errors come back next to the field, then the confirmation page', async ({
    env,
    baseUrl,
    browser,
  }) => {
    const tenant = await createTenant(env, { name: 'Barbearia Sem JS' });
    const context = await browser.newContext({ javaScriptEnabled: false, locale: 'pt-BR' });
    const page = await context.newPage();
    await page.goto(`${baseUrl}/${tenant.slug}`);

    await fillForm(page, '123', '11:00');
    await Promise.all([
      page.waitForURL(`${baseUrl}/${tenant.slug}`),
      page.getByRole('button', { name: 'Agendar' }).click(),
    ]);
    expect(await page.locator('#customerPhone-error').textContent()).toMatch(/inválido/);
    expect(await page.getByLabel('Seu WhatsApp').getAttribute('aria-describedby')).toContain('customerPhone-error');
    expect(await page.getByLabel('Serviço').inputValue()).toBe('Corte feminino');

    await page.getByLabel('Seu WhatsApp').fill('+55 11 98765-4321');
    await Promise.all([page.waitForURL(/\/agendamentos\//), page.getByRole('button', { name: 'Agendar' }).click()]);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Agendamento confirmado!');
    expect(await page.locator('.confirmation').textContent()).toMatch(/11:00/);
    const rows = await env.db.db.select().from(bookings).where(eq(bookings.tenantId, tenant.id));
    expect(rows.map((r) => r.customerPhone)).toEqual(['5511987654321']);
    await context.close();
  });
});
