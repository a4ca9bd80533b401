import { FAST_TIMING, startSimulator } from '@bora/evolution-sim';
import { freePort, waitFor, type TestEnv } from '@bora/testing';
import { expect } from 'vitest';
import { auth, resetData, startAdminApi } from './helpers.ts';

export const SIM_KEY = 'relink-sim-key';
export const OWNER_PHONE = '5511977776666';

/**
 * A business with its own number on a simulated Evolution server whose webhooks reach a listening
 * admin-api: created on the server through the API, scanned (open), so Evolution reports to us as it
 * would in production. QR codes rotate every `qrTtlMs`.
 */
export async function relinkWorld(
  env: TestEnv,
  options: { qrTtlMs?: number; ownerPhone?: string | null; adminEnv?: Record<string, string> } = {},
) {
  await resetData(env);
  const sim = await startSimulator({
    port: 0,
    timing: FAST_TIMING,
    qr: { ttlMs: options.qrTtlMs ?? 400, maxCodes: 30 },
    servers: [{ name: 'evo1', apiKey: SIM_KEY }],
  });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const t = await startAdminApi(env, { PUBLIC_URL: base, ...options.adminEnv });
  await t.app.listen({ port, host: '127.0.0.1' });
  const inject = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: Record<string, unknown>) =>
    t.app.inject({ method, url, headers: auth, payload });
  const server = (
    await inject('POST', '/v1/evolution-apis', { name: 'Evolution API 1', url: sim.serverUrl('evo1'), apiKey: SIM_KEY })
  ).json();
  await inject('POST', '/v1/tenants', { slug: 'barbearia', name: 'Barbearia do Zé', allowSharedSender: true });
  if (options.ownerPhone !== null)
    await inject('PATCH', '/v1/tenants/barbearia', { ownerPhone: options.ownerPhone ?? OWNER_PHONE });
  const created = await inject('POST', '/v1/whatsapp-instances', {
    evolutionApiId: server.id,
    phoneNumber: '11988880001',
    displayName: 'WhatsApp do Zé',
    tenantSlug: 'barbearia',
    isPrimary: true,
    createOnServer: true,
  });
  expect(created.statusCode, created.body).toBe(201);
  const instance = created.json().instance as { id: string; instanceName: string };
  sim.control.setInstanceState('evo1', instance.instanceName, 'open');
  await waitFor(
    async () => (await inject('GET', `/v1/whatsapp-instances/${instance.id}`)).json().status === 'connected',
    { what: 'connected' },
  );
  return {
    sim,
    t,
    base,
    instance,
    inject,
    async close() {
      await t.close();
      await sim.close();
    },
    /** The open case and the link the owner got (read from the alert's text). */
    async alert() {
      const [row] = await env.db.sql<
        { id: string; text: string; recipient: string; kind: string }[]
      >`select id, text, recipient, kind from notifications where kind = 'owner_alert' order by created_at desc limit 1`;
      const link = row ? /https?:\/\/\S+\/relink\/\S+/.exec(row.text)?.[0] : undefined;
      return row ? { ...row, link: link! } : undefined;
    },
  };
}
