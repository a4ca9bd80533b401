import { FAST_TIMING, startSimulator, type RunningSimulator } from '@bora/evolution-sim';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEvolutionClient, type EvolutionClient } from '../src/index.ts';
import { failure } from './helpers.ts';
import { json, startLocalServer, type LocalServer } from './local-server.ts';

// Instance lifecycle and server checks against the Evolution simulator over real HTTP.

let sim: RunningSimulator;
let evo: EvolutionClient;
let hooks: LocalServer;
const clients: EvolutionClient[] = [];

function client(server = 'evo1', apiKey = 'k1'): EvolutionClient {
  const created = createEvolutionClient({ baseUrl: sim.serverUrl(server), apiKey, timeoutMs: 3000 });
  clients.push(created);
  return created;
}

beforeAll(async () => {
  // Webhook deliveries need somewhere to land, or the simulator keeps retrying them.
  hooks = await startLocalServer((_req, res) => json(res, 200, { ok: true }));
  // The real waits (connect ~2 s, create with a QR 5 s) are the simulator's default; these tests
  // check answers, not waits.
  sim = await startSimulator({
    port: 0,
    timing: FAST_TIMING,
    servers: [
      {
        name: 'evo1',
        apiKey: 'k1',
        instances: [
          { name: 'acme-01', ownerNumber: '5511912345678', profileName: 'Acme' },
          { name: 'idle-01', state: 'close' },
        ],
      },
      { name: 'legacy', apiKey: 'k9', version: 'v1', instances: [{ name: 'old-01' }] },
    ],
  });
  evo = client();
});

afterAll(async () => {
  for (const c of clients) c.close();
  await sim.close();
  await hooks.close();
});

beforeEach(() => sim.control.reset());

describe('instance routes', () => {
  it('connectionState reads open / connecting / close', async () => {
    expect(await evo.connectionState('acme-01')).toEqual({ instanceName: 'acme-01', state: 'open' });
    sim.control.setInstanceState('evo1', 'idle-01', 'connecting');
    expect((await evo.connectionState('idle-01')).state).toBe('connecting');
    sim.control.setInstanceState('evo1', 'idle-01', 'close');
    expect((await evo.connectionState('idle-01')).state).toBe('close');
  });

  it('fetchInstances lists rows; a filter on an unknown name gives []', async () => {
    const rows = await evo.fetchInstances();
    expect(rows.map((r) => r.name).sort()).toEqual(['acme-01', 'idle-01']);
    expect(rows.find((r) => r.name === 'acme-01')).toMatchObject({
      connectionStatus: 'open',
      ownerJid: '5511912345678@s.whatsapp.net',
      profileName: 'Acme',
      integration: 'WHATSAPP-BAILEYS',
    });
    expect(await evo.fetchInstances({ instanceName: 'idle-01' })).toHaveLength(1);
    expect(await evo.fetchInstances({ instanceName: 'ghost' })).toEqual([]);
  });

  it('createInstance returns the token (hash) and a QR when asked; a taken name is INSTANCE_NAME_IN_USE', async () => {
    const created = await evo.createInstance({ instanceName: 'new-01', qrcode: true, token: 'tok-new-01' });
    expect(created).toMatchObject({ instanceName: 'new-01', token: 'tok-new-01', status: expect.any(String) });
    expect(created.instanceId).toEqual(expect.any(String));
    expect(created.qrcode?.base64).toMatch(/^data:image\/png;base64,/);
    const plain = await evo.createInstance({ instanceName: 'new-02' });
    expect(plain.token).toEqual(expect.any(String));
    expect(plain.qrcode).toBeNull();

    const error = await failure(evo.createInstance({ instanceName: 'new-01' }));
    expect(error).toMatchObject({ code: 'INSTANCE_NAME_IN_USE', scope: 'request', retryable: false, httpStatus: 403 });
    expect(error.userMessage).toMatch(/"new-01" já está em uso/);
    // The instance token works on its own routes.
    expect(await client('evo1', 'tok-new-01').connectionState('new-01')).toMatchObject({ state: 'connecting' });
  });

  it('connect answers a QR while pairing, a pairing code for a number, and the state once open', async () => {
    await evo.createInstance({ instanceName: 'pair-01' });
    const qr = await evo.connect('pair-01');
    expect(qr.kind).toBe('qr');
    if (qr.kind === 'qr') expect(qr.base64).toMatch(/^data:image\/png;base64,/);

    await evo.createInstance({ instanceName: 'pair-02' });
    const byNumber = await evo.connect('pair-02', { number: '+55 11 91234-0000' });
    expect(byNumber.kind === 'qr' && byNumber.pairingCode).toEqual(expect.any(String));

    expect(await evo.connect('acme-01')).toEqual({ kind: 'state', instanceName: 'acme-01', state: 'open' });
  });

  it('connect / restart failures reported as 200 {error:true} become INSTANCE_ACTION_FAILED', async () => {
    sim.control.setInstanceFaults('evo1', 'acme-01', { connectError: true });
    const error = await failure(evo.connect('acme-01'));
    expect(error).toMatchObject({
      code: 'INSTANCE_ACTION_FAILED',
      scope: 'instance',
      retryable: true,
      httpStatus: 200,
    });
    sim.control.reset();
    sim.control.setInstanceState('evo1', 'idle-01', 'close');
    const restart = await failure(evo.restart('idle-01'));
    expect(restart).toMatchObject({ code: 'INSTANCE_ACTION_FAILED', scope: 'instance', retryable: true });
  });

  it('restart of an open instance, logout, then delete', async () => {
    await evo.createInstance({ instanceName: 'cycle-01' });
    sim.control.setInstanceState('evo1', 'cycle-01', 'open');
    expect(await evo.restart('cycle-01')).toMatchObject({ kind: 'state', state: 'open' });
    await evo.logout('cycle-01');
    expect((await evo.connectionState('cycle-01')).state).toBe('close');
    await evo.deleteInstance('cycle-01');
    expect(await failure(evo.connectionState('cycle-01'))).toMatchObject({
      code: 'INSTANCE_NOT_FOUND',
      httpStatus: 404,
    });
  });

  it('setWebhook sends the v2 nested body; unknown event names are INVALID_REQUEST', async () => {
    await evo.setWebhook('acme-01', {
      url: `${hooks.url}/webhooks/evolution/1`,
      events: ['CONNECTION_UPDATE', 'MESSAGES_UPDATE'],
      headers: { 'x-webhook-secret': 's3cr3t' },
    });
    const found = await fetch(`${sim.serverUrl('evo1')}/webhook/find/acme-01`, { headers: { apikey: 'k1' } });
    expect(await found.json()).toMatchObject({
      url: `${hooks.url}/webhooks/evolution/1`,
      enabled: true,
      events: ['CONNECTION_UPDATE', 'MESSAGES_UPDATE'],
      headers: { 'x-webhook-secret': 's3cr3t' },
      webhookByEvents: false,
      webhookBase64: false,
    });
    const error = await failure(evo.setWebhook('acme-01', { url: `${hooks.url}/x`, events: ['NOT_AN_EVENT'] }));
    expect(error).toMatchObject({ code: 'INVALID_REQUEST', scope: 'request', retryable: false, httpStatus: 400 });
  });

  it('checkNumbers reports exists and the canonical JID', async () => {
    sim.control.markUnregistered(['5511999999999']);
    const checks = await evo.checkNumbers('acme-01', ['+55 11 99999-9999', '+55 31 98765-4321']);
    expect(checks).toEqual([
      { number: '5511999999999', exists: false, jid: '5511999999999@s.whatsapp.net' },
      { number: '5531987654321', exists: true, jid: '553187654321@s.whatsapp.net' },
    ]);
  });
});

describe('checkServer', () => {
  it('returns the version and instance count for a good URL and key', async () => {
    expect(await evo.checkServer()).toEqual({
      version: expect.stringMatching(/^2\./),
      instanceCount: expect.any(Number),
    });
  });

  it('reports a wrong key as UNAUTHORIZED and a v1 server as UNSUPPORTED_VERSION', async () => {
    expect(await failure(client('evo1', 'wrong').checkServer())).toMatchObject({ code: 'UNAUTHORIZED', scope: 'auth' });
    const v1 = await failure(client('legacy', 'k9').checkServer());
    expect(v1).toMatchObject({ code: 'UNSUPPORTED_VERSION', scope: 'server', retryable: false });
    expect(v1.userMessage).toBe('Este servidor parece ser Evolution v1; o sistema requer v2');
  });

  it('accepts a pasted sendText URL as the base URL', async () => {
    const pasted = createEvolutionClient({
      baseUrl: `${sim.serverUrl('evo1')}/message/sendText/acme-01/`,
      apiKey: 'k1',
    });
    clients.push(pasted);
    expect(pasted.baseUrl).toBe(sim.serverUrl('evo1'));
    expect((await pasted.connectionState('acme-01')).state).toBe('open');
  });
});

describe('checkServer without GET /', () => {
  it('proves the key with POST /verify-creds and never waits on a welcome page that hangs', async () => {
    sim.control.setServerFaults('evo1', { welcomeHang: true });
    try {
      expect(await evo.checkServer()).toEqual({ version: null, instanceCount: expect.any(Number) });
      expect(await failure(client('evo1', 'wrong').checkServer())).toMatchObject({ code: 'UNAUTHORIZED' });
    } finally {
      sim.control.setServerFaults('evo1', { welcomeHang: false });
    }
  });
});

describe('findMessages', () => {
  it("finds our own sends by chat and time, with the server's key and text", async () => {
    const sent = await evo.sendText({
      instance: 'acme-01',
      number: '5511987650001',
      text: 'Seu horário está confirmado',
    });
    const found = await evo.findMessages('acme-01', {
      remoteJid: sent.remoteJid!,
      fromMe: true,
      between: { from: new Date(Date.now() - 60_000), to: new Date(Date.now() + 60_000) },
    });
    expect(found).toContainEqual(
      expect.objectContaining({ keyId: sent.keyId, fromMe: true, text: 'Seu horário está confirmado' }),
    );
    expect(await evo.findMessages('acme-01', { remoteJid: '5511900000000@s.whatsapp.net', fromMe: true })).toEqual([]);
    expect(await evo.findMessages('acme-01', { keyId: sent.keyId! })).toHaveLength(1);
  });
});
