import { startSimulator, type RunningSimulator } from '@bora/evolution-sim';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { freePort, launchChromium, test } from '@bora/testing';
import { ADMIN_TOKEN, auth, resetData, startAdminApi } from './helpers.ts';

let browser: Browser;
let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({
    port: 0,
    servers: [
      { name: 'evo1', apiKey: 'browser-key' },
      { name: 'evo2', apiKey: 'browser-key-2' },
    ],
  });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await sim?.close();
});

describe('the fleet page and the queue dashboard in a real browser', () => {
  test(
    'log in, see usage bars, add an Evolution server through the form, open bull-board and see a job',
    { timeout: 90_000 },
    async ({ env }) => {
      await resetData(env);
      const port = await freePort();
      const t = await startAdminApi(env, { PUBLIC_URL: `http://127.0.0.1:${port}` });
      await t.app.listen({ port, host: '127.0.0.1' });
      const base = `http://127.0.0.1:${port}`;

      // A fleet like the seed's "Monitoramento" example: 3 of 4 registered, one connected and primary.
      const evo = (
        await t.app.inject({
          method: 'POST',
          url: '/v1/evolution-apis',
          headers: auth,
          payload: {
            name: 'Evolution API 1',
            url: sim.serverUrl('evo1'),
            apiKey: 'browser-key',
            capacity: 4,
            priority: 10,
          },
        })
      ).json();
      await t.app.inject({
        method: 'POST',
        url: '/v1/tenants',
        headers: auth,
        payload: { slug: 'meu-negocio', name: 'Meu Negócio' },
      });
      for (const [i, status] of (['connected', 'connecting', 'disconnected'] as const).entries()) {
        await t.app.inject({
          method: 'POST',
          url: '/v1/whatsapp-instances',
          headers: auth,
          payload: {
            evolutionApiId: evo.id,
            phoneNumber: `1198765432${i}`,
            displayName: `WhatsApp ${i + 1}`,
            status,
            tenantSlug: 'meu-negocio',
            isPrimary: i === 0,
          },
        });
      }
      const message = (
        await t.app.inject({
          method: 'POST',
          url: '/v1/messages',
          headers: auth,
          payload: { tenantSlug: 'meu-negocio', to: '11912345678', text: 'Olá do painel' },
        })
      ).json();

      // A customer's question the platform left for the business.
      await env.db.sql`
      insert into inbound_messages (tenant_id, evolution_api_id, message_key, customer_phone, push_name, text, intent, action)
      select id, ${evo.id}, '3AINBOX0001', '5511955554444', 'Joana', 'Vocês abrem no feriado? <b>', 'unknown', 'inbox' from tenants where slug = 'meu-negocio'`;

      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${base}/admin`);
      // Not logged in: the pt-BR login form.
      await page.waitForURL(/\/admin\/login/);
      await page.getByLabel('Token de administrador').fill('wrong');
      await page.getByRole('button', { name: 'Entrar' }).click();
      await page.getByText('Token inválido.').waitFor();
      await page.getByLabel('Token de administrador').fill(ADMIN_TOKEN);
      await page.getByRole('button', { name: 'Entrar' }).click();
      await page.waitForURL(`${base}/admin`);

      // The session lives in an HttpOnly cookie that scripts cannot read.
      expect(await page.evaluate('document.cookie')).toBe('');
      const [cookie] = await context.cookies();
      expect(cookie).toMatchObject({ name: 'bora_admin', httpOnly: true, sameSite: 'Strict' });

      const card = page.locator('li.server', { hasText: 'Evolution API 1' });
      await card.getByText('3/4 · 75%').waitFor();
      const bar = card.getByRole('progressbar');
      expect(await bar.getAttribute('value')).toBe('3');
      expect(await bar.getAttribute('max')).toBe('4');
      expect(await bar.getAttribute('aria-label')).toBe('Uso de Evolution API 1: 3/4 · 75%');
      await card.getByText('Prioridade: 10').waitFor();
      await page.locator('#instances tr', { hasText: 'WhatsApp 3' }).waitFor();
      expect(await page.locator('#instances tr').count()).toBe(3);
      await page.locator('#instances tr', { hasText: 'WhatsApp 1' }).getByText('Principal').waitFor();
      await page.locator('#instances tr', { hasText: 'WhatsApp 2' }).getByText('Conectando').waitFor();
      await page.locator('#instances tr', { hasText: 'WhatsApp 3' }).getByText('Desconectado').waitFor();
      // Numbers are partially masked on screen.
      expect(await page.locator('#instances').innerText()).not.toContain('11987654320');

      // The inbox shows the customer's text as text, the number masked; answered, it leaves the list.
      const question = page.locator('#inbox li', { hasText: 'Vocês abrem no feriado? <b>' });
      await question.waitFor();
      expect(await question.innerText()).toContain('Joana · 5511•••••4444');
      await question.getByRole('button', { name: 'Marcar como respondida' }).click();
      await page.locator('#inbox-empty').waitFor({ state: 'visible' });
      const [handled] = await env.db.sql`select handled_at is not null as done from inbound_messages`;
      expect(handled!.done).toBe(true);

      // Add a server through the form; the page checks it against the simulator right away.
      const form = page.getByRole('form', { name: 'Adicionar Evolution API' });
      await form.getByLabel('Nome').fill('Evolution API 2');
      await form.getByLabel('URL').fill(`${sim.serverUrl('evo2')}/message/sendText`);
      await form.getByLabel('API Key').fill('browser-key-2');
      await form.getByLabel('Capacidade').fill('20');
      await form.getByLabel('Prioridade (maior = mais usada)').fill('5');
      await form.getByRole('button', { name: 'Salvar servidor' }).click();
      await page.locator('#server-form-status', { hasText: 'Conexão OK' }).waitFor();
      await page.locator('li.server', { hasText: 'Evolution API 2' }).getByText('0/20 · 0%').waitFor();
      const stored = (await t.app.inject({ url: '/v1/evolution-apis', headers: auth }))
        .json()
        .items.find((s: { name: string }) => s.name === 'Evolution API 2');
      expect(stored).toMatchObject({ url: sim.serverUrl('evo2'), priority: 5, health: 'online' });

      // The queue dashboard, behind the same session, shows the pending job.
      await page.goto(`${base}/admin/queues/queue/notifications?status=waiting`);
      await page.getByText(message.id).first().waitFor({ timeout: 20_000 });
      expect(await page.content()).not.toContain('5511912345678');

      // Without the cookie, the dashboard is closed.
      const anonymous = await browser.newPage();
      await anonymous.goto(`${base}/admin/queues`);
      await anonymous.waitForURL(/\/admin\/login\?next=%2Fadmin%2Fqueues/);
      await anonymous.close();
      await context.close();
      await t.close();
    },
  );
});
