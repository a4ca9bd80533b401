import { FAST_TIMING, startSimulator, type RunningSimulator } from '@bora/evolution-sim';
import { createLogger } from '@bora/logger';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { freePort, test, waitFor } from '@bora/testing';
import { pollFleetHealth } from '../src/evolution-apis/health-poll.ts';
import { auth, resetData, startAdminApi, type TestApp } from './helpers.ts';

const SIM_KEY = 'sim-global-key-7Hq2-DO-NOT-LEAK';

let sim: RunningSimulator;
beforeAll(async () => {
  // The real waits (create with a QR takes 5 s) are the simulator's default; these tests check answers.
  sim = await startSimulator({
    port: 0,
    timing: FAST_TIMING,
    servers: [
      {
        name: 'evo1',
        apiKey: SIM_KEY,
        instances: [
          { name: 'demo-01', state: 'open', ownerNumber: '5511900000001' },
          { name: 'demo-02', state: 'connecting' },
        ],
      },
      { name: 'old', apiKey: SIM_KEY, version: 'v1' },
    ],
    webhook: { ackDelaysMs: [10, 20, 30] },
  });
});
afterAll(() => sim.close());

/** Every response body the test saw, to prove none carries the Evolution key. */
const bodies: string[] = [];
async function call(
  t: TestApp,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  payload?: Record<string, unknown>,
) {
  const res = await t.app.inject({ method, url, headers: auth, payload });
  bodies.push(res.body);
  return res;
}

async function addServer(t: TestApp, name: string, url: string, apiKey = SIM_KEY) {
  const res = await call(t, 'POST', '/v1/evolution-apis', { name, url, apiKey, priority: 10 });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string };
}

describe('admin-api against the Evolution simulator over HTTP', () => {
  test('/check says plainly what is right or wrong, and records the health', async ({ env }) => {
    await resetData(env);
    const t = await startAdminApi(env);
    const ok = await addServer(t, 'Evolution API 1', `${sim.serverUrl('evo1')}/message/sendText`);
    const okCheck = (await call(t, 'POST', `/v1/evolution-apis/${ok.id}/check`)).json();
    expect(okCheck).toMatchObject({ ok: true, health: 'online', instanceCount: 2 });
    expect(okCheck.message).toMatch(/^Conexão OK/);

    const wrongKey = await addServer(t, 'Chave errada', sim.serverUrl('evo1'), 'not-the-key');
    const wrong = (await call(t, 'POST', `/v1/evolution-apis/${wrongKey.id}/check`)).json();
    expect(wrong).toMatchObject({ ok: false, health: 'unauthorized', code: 'UNAUTHORIZED' });
    expect(wrong.message).toContain('Chave de API (apikey) incorreta');
    expect(wrong.message).toContain('401');

    const port = await freePort();
    const down = await addServer(t, 'Fora do ar', `http://127.0.0.1:${port}`);
    const unreachable = (await call(t, 'POST', `/v1/evolution-apis/${down.id}/check`)).json();
    expect(unreachable).toMatchObject({ ok: false, health: 'unreachable', code: 'UNREACHABLE' });
    expect(unreachable.message).toContain('inacessível');
    expect(unreachable.message).toContain(`http://127.0.0.1:${port}`);

    const v1 = await addServer(t, 'Velha', sim.serverUrl('old'));
    const old = (await call(t, 'POST', `/v1/evolution-apis/${v1.id}/check`)).json();
    expect(old).toMatchObject({ ok: false, health: 'incompatible', code: 'UNSUPPORTED_VERSION' });
    expect(old.message).toContain('v1');

    const stats = (await call(t, 'GET', '/v1/stats/usage')).json();
    const status = Object.fromEntries(stats.instances.map((s: { name: string; status: string }) => [s.name, s.status]));
    expect(status).toEqual({
      'Evolution API 1': '✅ Online',
      'Chave errada': '🔑 Chave inválida',
      'Fora do ar': '⚠️ Inacessível',
      Velha: '⚠️ Incompatível',
    });
    const server = (await call(t, 'GET', `/v1/evolution-apis/${wrongKey.id}`)).json();
    expect(server.lastError).toContain('401');
    expect(server.lastCheckedAt).not.toBeNull();
    await t.close();
  });

  test('createOnServer: instance created with our webhook and secret; QR shown; webhooks then drive the status', async ({
    env,
  }) => {
    await resetData(env);
    const port = await freePort();
    const t = await startAdminApi(env, { PUBLIC_URL: `http://127.0.0.1:${port}` });
    await t.app.listen({ port, host: '127.0.0.1' });
    const server = await addServer(t, 'Evolution API 1', sim.serverUrl('evo1'));
    await call(t, 'POST', '/v1/tenants', { slug: 'acme', name: 'Acme' });

    const res = await call(t, 'POST', '/v1/whatsapp-instances', {
      phoneNumber: '11987654321',
      displayName: 'Acme',
      tenantSlug: 'acme',
      isPrimary: true,
      createOnServer: true,
    });
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json();
    expect(created).toMatchObject({ createdOnServer: true, placement: { chosenBy: 'balancer' } });
    expect(created.instance).toMatchObject({ evolutionApiId: server.id, status: 'connecting' });
    expect(created.qr.base64).toMatch(/^data:image\/png;base64,/);
    const name = created.instance.instanceName as string;

    const qr = (await call(t, 'GET', `/v1/whatsapp-instances/${created.instance.id}/qr`)).json();
    expect(qr.base64).toMatch(/^data:image\/png;base64,/);

    // The operator scans: Evolution reports `open` to our webhook with the secret we configured.
    sim.control.setInstanceState('evo1', name, 'open');
    await waitFor(
      async () => (await call(t, 'GET', `/v1/whatsapp-instances/${created.instance.id}`)).json().status === 'connected',
      { what: 'connected via webhook' },
    );
    expect((await call(t, 'GET', `/v1/whatsapp-instances/${created.instance.id}/qr`)).json()).toEqual({
      state: 'open',
    });
    const connected = (await call(t, 'GET', '/v1/whatsapp-instances?status=connected')).json();
    expect(connected.items.map((i: { instanceName: string }) => i.instanceName)).toEqual([name]);

    sim.control.setInstanceState('evo1', name, 'close');
    await waitFor(
      async () =>
        (await call(t, 'GET', `/v1/whatsapp-instances/${created.instance.id}`)).json().status === 'disconnected',
      { what: 'disconnected via webhook' },
    );
    expect(
      sim.control
        .webhookDeliveries()
        .filter((d) => d.event === 'connection.update')
        .every((d) => d.ok),
    ).toBe(true);

    // A name already taken on the server: clear 409, and no half-registered row is left behind.
    const clash = await call(t, 'POST', '/v1/whatsapp-instances', {
      instanceName: 'demo-01',
      phoneNumber: '11987650001',
      displayName: 'X',
      createOnServer: true,
    });
    expect(clash.statusCode).toBe(409);
    expect(clash.json().error.message).toContain('já está em uso');
    expect((await call(t, 'GET', '/v1/whatsapp-instances')).json().items).toHaveLength(1);

    const removed = await call(t, 'DELETE', `/v1/whatsapp-instances/${created.instance.id}?deleteOnServer=true`);
    expect(removed.statusCode).toBe(204);
    expect(
      (
        await call(t, 'POST', '/v1/whatsapp-instances', {
          instanceName: name,
          phoneNumber: '11987654321',
          displayName: 'again',
          createOnServer: true,
        })
      ).statusCode,
    ).toBe(201);
    await t.close();
  });

  test('the health poll syncs instance status from connectionState and marks unreachable / unauthorized servers', async ({
    env,
  }) => {
    await resetData(env);
    const t = await startAdminApi(env);
    const good = await addServer(t, 'evo1', sim.serverUrl('evo1'));
    const badKey = await addServer(t, 'wrong key', sim.serverUrl('evo1'), 'nope');
    const gone = await addServer(t, 'gone', `http://127.0.0.1:${await freePort()}`);
    const register = (instanceName: string, phoneNumber: string, status: string) =>
      call(t, 'POST', '/v1/whatsapp-instances', {
        evolutionApiId: good.id,
        instanceName,
        phoneNumber,
        displayName: instanceName,
        status,
      });
    const open = (await register('demo-01', '11900000001', 'disconnected')).json().instance;
    const pairing = (await register('demo-02', '11900000002', 'connected')).json().instance;
    const missing = (await register('not-on-server', '11900000003', 'connected')).json().instance;

    const logger = createLogger({ name: 'poll', level: 'silent' });
    const report = await pollFleetHealth({ db: env.db, config: t.config, logger });
    expect(report.instancesChanged).toBe(3);
    const health = Object.fromEntries(report.servers.map((s) => [s.evolutionApiId, s.health]));
    expect(health).toEqual({ [good.id]: 'online', [badKey.id]: 'unauthorized', [gone.id]: 'unreachable' });
    const statusOf = async (id: string) => (await call(t, 'GET', `/v1/whatsapp-instances/${id}`)).json().status;
    expect(await statusOf(open.id)).toBe('connected');
    expect(await statusOf(pairing.id)).toBe('connecting');
    expect(await statusOf(missing.id)).toBe('disconnected');

    const stats = (await call(t, 'GET', '/v1/stats/usage')).json();
    expect(
      Object.fromEntries(stats.instances.map((s: { name: string; status: string }) => [s.name, s.status])),
    ).toEqual({
      evo1: '✅ Online',
      'wrong key': '🔑 Chave inválida',
      gone: '⚠️ Inacessível',
    });

    // Nothing changed → nothing written; a failing server turns unreachable and recovers.
    expect((await pollFleetHealth({ db: env.db, config: t.config, logger })).instancesChanged).toBe(0);
    sim.control.setServerFaults('evo1', { errorRate: 1, errorStatus: 503 });
    const failing = await pollFleetHealth({ db: env.db, config: t.config, logger });
    expect(failing.servers.find((s) => s.evolutionApiId === good.id)?.health).toBe('unreachable');
    expect(await statusOf(open.id)).toBe('connected');
    sim.control.reset();
    expect(
      (await pollFleetHealth({ db: env.db, config: t.config, logger })).servers.find(
        (s) => s.evolutionApiId === good.id,
      )?.health,
    ).toBe('online');
    await t.close();
  });

  test('the poller plugin runs rounds by itself once the app is ready, and stops on close', async ({ env }) => {
    await resetData(env);
    const t = await startAdminApi(env, { HEALTH_POLL_INTERVAL_MS: '100' }, { healthPoll: true });
    const server = await addServer(t, 'polled', sim.serverUrl('evo1'));
    const wa = (
      await call(t, 'POST', '/v1/whatsapp-instances', {
        evolutionApiId: server.id,
        instanceName: 'demo-01',
        phoneNumber: '11900000001',
        displayName: 'd',
      })
    ).json().instance;
    await t.app.ready();
    await waitFor(async () => (await call(t, 'GET', `/v1/whatsapp-instances/${wa.id}`)).json().status === 'connected', {
      what: 'the poller to connect demo-01',
    });
    // A round writes instance statuses, then server health: wait for the round to finish.
    await waitFor(async () => (await call(t, 'GET', `/v1/evolution-apis/${server.id}`)).json().health === 'online', {
      what: 'the poller to mark the server online',
    });
    await t.close();
    await env.db.sql`update whatsapp_instances set status = 'disconnected' where id = ${wa.id}`;
    await new Promise((resolve) => setTimeout(resolve, 300));
    const [row] = await env.db.sql`select status from whatsapp_instances where id = ${wa.id}`;
    expect(row!.status).toBe('disconnected');
  });

  test('no response body, log line or job payload ever contains the Evolution API key', async ({ env }) => {
    const t = await startAdminApi(env);
    const server = await addServer(t, 'leak check', sim.serverUrl('evo1'));
    await call(t, 'POST', `/v1/evolution-apis/${server.id}/check`);
    await call(t, 'PATCH', `/v1/evolution-apis/${server.id}`, { apiKey: SIM_KEY, priority: 3 });
    await call(t, 'GET', '/v1/evolution-apis');
    await call(t, 'GET', `/v1/evolution-apis/${server.id}/webhook`);
    await call(t, 'POST', '/v1/tenants', { slug: 'leak', name: 'Leak' });
    await call(t, 'POST', '/v1/messages', {
      tenantSlug: 'leak',
      to: '11987654321',
      text: 'oi',
      evolutionApiId: server.id,
    });
    await call(t, 'GET', '/v1/notifications');
    await call(t, 'GET', '/openapi.json');
    const qrFail = await call(
      t,
      'GET',
      `/v1/whatsapp-instances/${(await call(t, 'POST', '/v1/whatsapp-instances', { evolutionApiId: server.id, instanceName: 'nowhere', phoneNumber: '11911112222', displayName: 'x' })).json().instance.id}/qr`,
    );
    expect(qrFail.statusCode).toBe(404);
    // A validation failure must not echo the key back either.
    await call(t, 'POST', '/v1/evolution-apis', { name: 'bad', url: 'ftp://x', apiKey: SIM_KEY });
    await pollFleetHealth({ db: env.db, config: t.config, logger: t.app.log as never });

    expect(bodies.length).toBeGreaterThan(20);
    for (const body of bodies) expect(body).not.toContain(SIM_KEY);
    expect(t.logs.length).toBeGreaterThan(10);
    expect(t.logs.join('\n')).not.toContain(SIM_KEY);
    const jobs = await env.redis.keys(`${env.queuePrefix}*`);
    for (const key of jobs) {
      const type = await env.redis.type(key);
      const dump =
        type === 'hash'
          ? JSON.stringify(await env.redis.hgetall(key))
          : type === 'string'
            ? String(await env.redis.get(key))
            : '';
      expect(dump).not.toContain(SIM_KEY);
    }
    await t.close();
  });
});
