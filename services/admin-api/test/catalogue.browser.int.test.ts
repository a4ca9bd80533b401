import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, test } from '@bora/testing';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { ADMIN_TOKEN, auth, resetData, startAdminApi } from './helpers.ts';

// The fleet page's catalogue editor in real Chromium: an operator sets up a business's services,
// professionals, hours and rules without touching the API by hand. Screenshots go to SCREENSHOTS.
const SCREENSHOTS = process.env.SCREENSHOTS ?? join(tmpdir(), 'bora-admin-screenshots');
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});
afterAll(async () => {
  await browser?.close();
});

describe('the catalogue editor on the fleet page', () => {
  test(
    'add a service and a professional, set hours with a holiday and the rules; a bad range says why',
    { timeout: 90_000 },
    async ({ env }) => {
      await resetData(env);
      const port = await freePort();
      const t = await startAdminApi(env, { PUBLIC_URL: `http://127.0.0.1:${port}` });
      await t.app.listen({ port, host: '127.0.0.1' });
      const base = `http://127.0.0.1:${port}`;
      await t.app.inject({
        method: 'POST',
        url: '/v1/tenants',
        headers: auth,
        payload: { slug: 'salao-bela', name: 'Salão Bela' },
      });
      const api = async (path: string) =>
        (await t.app.inject({ url: `/v1/tenants/salao-bela${path}`, headers: auth })).json();

      const context = await browser.newContext({ locale: 'pt-BR', viewport: { width: 1200, height: 900 } });
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('dialog', (dialog) => void dialog.accept());
      await page.goto(`${base}/admin`);
      await page.getByLabel('Token de administrador').fill(ADMIN_TOKEN);
      await page.getByRole('button', { name: 'Entrar' }).click();
      await page.waitForURL(`${base}/admin`);

      await page.getByLabel('Negócio', { exact: true }).selectOption('salao-bela');
      await page.getByRole('heading', { name: 'Serviços' }).waitFor();
      const addService = page.getByRole('form', { name: 'Adicionar serviço' });
      await addService.getByLabel('Novo serviço').fill('Escova');
      await addService.getByLabel('Duração (min)').fill('45');
      await addService.getByLabel('Preço (R$, opcional)').fill('55,90');
      await addService.getByRole('button', { name: 'Adicionar serviço' }).click();
      await page.locator('#c-status', { hasText: 'Serviço cadastrado.' }).waitFor();
      await page.getByLabel('Nome do serviço Escova').waitFor();
      expect((await api('/services')).items).toMatchObject([
        { name: 'Escova', durationMinutes: 45, price: 55.9, active: true },
      ]);

      await page.getByRole('form', { name: 'Adicionar profissional' }).getByLabel('Novo profissional').fill('Carla');
      await page.getByRole('button', { name: 'Adicionar profissional' }).click();
      await page.locator('#c-status', { hasText: 'Profissional cadastrado' }).waitFor();
      await page.getByLabel('Nome do profissional Carla').waitFor();
      const [escova] = (await api('/services')).items;
      expect((await api('/professionals')).items).toMatchObject([{ name: 'Carla', serviceIds: [escova.id] }]);

      // A range that ends before it starts: the API's pt-BR reason shows, nothing is saved.
      await page.getByLabel('Segunda').fill('18:00-09:00');
      await page.getByRole('button', { name: 'Salvar horários' }).click();
      await page
        .locator('#c-status.error', { hasText: 'weekly.monday[0]: o fim (09:00) precisa ser depois do início (18:00)' })
        .waitFor();

      await page.getByLabel('Segunda').fill('09:00-12:00, 13:00-18:00');
      await page.getByLabel('Sábado').fill('08:00-13:00');
      await page.getByRole('button', { name: 'Adicionar exceção' }).click();
      await page.getByLabel('Data da exceção').fill('2030-12-25');
      await page.getByLabel('Motivo').fill('Natal');
      await page.getByRole('button', { name: 'Salvar horários' }).click();
      await page.locator('#c-status', { hasText: 'Horários salvos.' }).waitFor();
      const hours = await api('/opening-hours');
      expect(hours.weekly.monday).toEqual([
        { start: '09:00', end: '12:00' },
        { start: '13:00', end: '18:00' },
      ]);
      expect(hours.weekly.saturday).toEqual([{ start: '08:00', end: '13:00' }]);
      expect(hours.exceptions).toEqual([{ date: '2030-12-25', ranges: [], note: 'Natal' }]);

      await page.getByLabel('Antecedência mínima (min)').fill('120');
      await page.getByLabel('Intervalo entre horários (min; vazio = duração do serviço)').fill('15');
      await page.getByRole('button', { name: 'Salvar regras' }).click();
      await page.locator('#c-status', { hasText: 'Regras salvas.' }).waitFor();
      expect(await api('/booking-settings')).toMatchObject({
        minNoticeMinutes: 120,
        slotStepMinutes: 15,
        maxDaysAhead: 60,
      });
      await page.locator('#catalogue-title').scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(SCREENSHOTS, 'admin-catalogue.png'), fullPage: true });

      // Edit a row in place: the service's price goes, it stays active.
      await page.getByLabel('Preço de Escova em reais').fill('');
      await page
        .locator('tr', { has: page.getByLabel('Nome do serviço Escova') })
        .getByRole('button', { name: 'Salvar' })
        .click();
      await page.locator('#c-status', { hasText: 'Serviço salvo.' }).waitFor();
      expect((await api('/services')).items[0]).toMatchObject({ price: null, active: true });
      expect(problems).toEqual([]);
      await context.close();
      await t.close();
    },
  );
});
