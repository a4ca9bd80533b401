import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { test, waitFor } from '@bora/testing';
import { ADMIN_TOKEN } from './helpers.ts';
import { relinkWorld } from './relink-helpers.ts';

// Screenshots go where SCREENSHOT_DIR says (looked at by hand when the pages change).
const shots = process.env.SCREENSHOT_DIR;
let browser: Browser;
beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});
afterAll(async () => {
  await browser?.close();
});

const stats = (over: Record<string, unknown>) => ({
  judgedSends: 40,
  receipted: 39,
  stuckPending: 1,
  disconnectsLastHour: 0,
  sessionRefusals: 0,
  reachoutRefusals: 0,
  sendRefusals: 0,
  serverReceipts: true,
  usage: { sentLast24h: 12, newContactsLast24h: 5 },
  budget: { perMinute: 8, perHour: 200, perDay: 1500, newContactsPerDay: 40, today: 36, warmupDay: 2, warm: null },
  ...over,
});

describe('number safety in a real browser', () => {
  test(
    'the fleet page shows each number’s age, today’s budget and use, health with reasons, the reach-out lock and the re-link state',
    { timeout: 90_000 },
    async ({ env }) => {
      const w = await relinkWorld(env);
      try {
        // A second number, older and in trouble; the first one waits for its owner to re-link it.
        const other = (
          await w.inject('POST', '/v1/whatsapp-instances', {
            evolutionApiId: (await w.inject('GET', '/v1/evolution-apis')).json().items[0].id,
            phoneNumber: '11988880002',
            displayName: 'WhatsApp Recepção',
            tenantSlug: 'barbearia',
            status: 'connected',
          })
        ).json().instance;
        await env.db.sql`update whatsapp_instances set created_at = now() - interval '45 days' where id = ${other.id}`;
        await env.db
          .sql`update whatsapp_instances set reachout_locked_until = now() + interval '6 hours', reachout_locks = 1 where id = ${other.id}`;
        await env.db.sql`
        insert into whatsapp_instance_health (whatsapp_instance_id, score, state, reasons, stats) values
          (${w.instance.id}, 100, 'healthy', '[]'::jsonb, ${JSON.stringify(stats({}))}::jsonb),
          (${other.id}, 10, 'failing', ${JSON.stringify([
            {
              code: 'sends-vanish',
              text: '6 envios sem nenhuma confirmação de entrega em 10 min: as mensagens estão sumindo',
              penalty: 70,
            },
            {
              code: 'reachout-refused',
              text: 'Bloqueio de primeiro contato do WhatsApp (463) 1× nas últimas 24 h',
              penalty: 20,
            },
          ])}::jsonb, ${JSON.stringify(stats({ usage: { sentLast24h: 410, newContactsLast24h: 40 }, budget: { perMinute: 8, perHour: 200, perDay: 1500, newContactsPerDay: 40, today: 1500, warmupDay: null, warm: 'aged' } }))}::jsonb)`;
        w.sim.control.unlinkFromPhone('evo1', w.instance.instanceName);
        await waitFor(async () => (await w.alert()) !== undefined, { what: 'the owner alert' });

        const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
        const page = await context.newPage();
        await page.goto(`${w.base}/admin/login`);
        await page.getByLabel('Token de administrador').fill(ADMIN_TOKEN);
        await page.getByRole('button', { name: 'Entrar' }).click();
        await page.waitForURL(`${w.base}/admin`);
        const first = page.locator('#instances tr', { hasText: 'WhatsApp do Zé' });
        const second = page.locator('#instances tr', { hasText: 'WhatsApp Recepção' });
        await first.getByText('aquecimento dia 2 (36/dia)').waitFor();
        await first.getByText('12/36').waitFor();
        expect(await first.getByRole('progressbar').getAttribute('aria-label')).toBe('Envios hoje: 12 de 36');
        await first.getByText('novos contatos 5/40 · 8/min · 200/h').waitFor();
        await first.getByText('100 · Saudável').waitFor();
        await first
          .getByText(
            /Reconexão pendente desde \d\d:\d\d: sessão encerrada no celular; dono avisado às \d\d:\d\d \(na fila\)/,
          )
          .waitFor();
        const link = await first.getByRole('link', { name: 'Página de reconexão' }).getAttribute('href');
        expect(link).toMatch(/\/relink\/.+\?exp=\d+&sig=/);
        await second.getByText('45 dias').waitFor();
        await second.getByText('410/1500').waitFor();
        await second.getByText('10 · Fora de rotação').waitFor();
        await second
          .getByText('6 envios sem nenhuma confirmação de entrega em 10 min: as mensagens estão sumindo')
          .waitFor();
        await second.getByText(/Primeiros contatos pausados até \d\d:\d\d/).waitFor();
        if (shots) await page.screenshot({ path: `${shots}/fleet-number-safety.png`, fullPage: true });

        // "Already warm" from the page.
        await second.getByRole('button', { name: 'Já está aquecido' }).click();
        await second.getByRole('button', { name: 'Reiniciar aquecimento' }).waitFor();
        expect((await w.inject('GET', `/v1/whatsapp-instances/${other.id}`)).json().safety.markedWarmAt).not.toBeNull();
        await context.close();
      } finally {
        await w.close();
      }
    },
  );

  test(
    'the re-link page on a phone: the live QR and pairing code with JavaScript, then “Conectado” after the scan; without JavaScript it still shows the QR and reloads itself',
    { timeout: 90_000 },
    async ({ env }) => {
      const w = await relinkWorld(env, { qrTtlMs: 1_000 });
      try {
        w.sim.control.unlinkFromPhone('evo1', w.instance.instanceName);
        await waitFor(async () => (await w.alert()) !== undefined, { what: 'the owner alert' });
        const link = (await w.alert())!.link;
        const phone = {
          viewport: { width: 390, height: 844 },
          deviceScaleFactor: 2,
          isMobile: true,
          hasTouch: true,
          locale: 'pt-BR',
        };

        const plain = await browser.newContext({ ...phone, javaScriptEnabled: false });
        const noJs = await plain.newPage();
        await noJs.goto(link);
        await noJs.getByRole('heading', { name: 'Reconectar o WhatsApp' }).waitFor();
        // The first load asked Evolution for the QR; the reload the page asks for shows it.
        expect(await noJs.locator('noscript').innerHTML()).toContain('http-equiv="refresh"');
        await waitFor(
          async () => {
            await noJs.reload();
            return noJs.locator('#qr-box').isVisible();
          },
          { what: 'the QR without JavaScript', intervalMs: 300 },
        );
        expect(await noJs.locator('#qr').getAttribute('src')).toMatch(/^data:image\/png;base64,/);
        await noJs.getByText(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/).waitFor();
        await noJs.getByRole('heading', { name: 'Se o WhatsApp pedir sua chave de acesso' }).waitFor();
        if (shots) await noJs.screenshot({ path: `${shots}/relink-no-js.png`, fullPage: true });
        await plain.close();

        const context = await browser.newContext(phone);
        const page = await context.newPage();
        await page.goto(link);
        await page.locator('#qr-box').waitFor({ state: 'visible' });
        const code = page.locator('#pairing-code');
        const firstCode = await code.textContent();
        expect(firstCode).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
        // Rotating with qrcode.updated: a new pairing code comes with the next QR, no reload.
        await waitFor(async () => (await code.textContent()) !== firstCode, {
          what: 'the next pairing code',
          timeoutMs: 15_000,
        });
        expect(await page.locator('#status').textContent()).toBe('Aguardando a leitura do QR code…');
        if (shots) await page.screenshot({ path: `${shots}/relink-qr.png`, fullPage: true });
        w.sim.control.setInstanceState('evo1', w.instance.instanceName, 'open');
        await page
          .getByText('✅ Conectado! As mensagens voltam a sair por este número. Pode fechar esta página.')
          .waitFor({ timeout: 15_000 });
        expect(await page.locator('#qr-box').isHidden()).toBe(true);
        if (shots) await page.screenshot({ path: `${shots}/relink-connected.png`, fullPage: true });
        await context.close();
      } finally {
        await w.close();
      }
    },
  );
});
