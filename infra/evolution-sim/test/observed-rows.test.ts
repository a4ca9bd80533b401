import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { call, KEY, sendText, startSim, until } from './helpers.ts';
import { startReceiver } from './receiver.ts';

// The "Other routes" rows of OBSERVED-2.3.6.md, each against the simulator.
let sim: Awaited<ReturnType<typeof startSim>>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let base: string;

beforeAll(async () => {
  receiver = await startReceiver();
  sim = await startSim({
    timing: { welcomeMs: 150, connectWaitMs: 0, createQrWaitMs: 0, firstQrMs: 0, pairingCodeMs: 0, reconnectMs: 0 },
  });
  sim.control.addServer({ name: 'old', apiKey: 'old-key', version: 'v1' });
  base = sim.serverUrl('evo1');
});
afterAll(async () => {
  await sim.close();
  await receiver.close();
});
beforeEach(() => {
  sim.control.reset();
  receiver.clear();
});

const send = () => sendText(base, 'acme-01', { number: '5511987654321', text: 'oi' });

describe('the catch-all 400: one String(error)', () => {
  it.each([
    ['timed-out', 'Error: Timed Out'],
    ['not-authenticated', 'Error: Not authenticated'],
    ['connection-closed', 'Error: Connection Closed'],
  ] as const)('sendError %s → 400 [%j]', async (fault, message) => {
    sim.control.setInstanceFaults('evo1', 'acme-01', { sendError: fault });
    expect(await send()).toMatchObject({
      status: 400,
      body: { status: 400, error: 'Bad Request', response: { message: [message] } },
    });
  });
});

describe('GET / and POST /verify-creds', () => {
  it('GET / takes its time fetching web.whatsapp.com, and can hang', async () => {
    const res = await call(base, 'GET', '/', { key: null });
    expect(res.ms).toBeGreaterThanOrEqual(140);
    expect(res.body).toMatchObject({
      status: 200,
      version: '2.3.6',
      clientName: 'evolution_exchange',
      whatsappWebVersion: expect.stringMatching(/^2\.3000\.\d+$/),
    });
    sim.control.setServerFaults('evo1', { welcomeHang: true });
    const hung = await fetch(`${base}/`, { signal: AbortSignal.timeout(300) }).catch((e: Error) => e);
    expect((hung as Error).name).toBe('TimeoutError');
  });

  it('verify-creds checks the global key without going outside', async () => {
    const ok = await call(base, 'POST', '/verify-creds');
    expect(ok).toMatchObject({ status: 200, body: { status: 200, message: 'Credentials are valid' } });
    expect(ok.ms).toBeLessThan(140);
    expect((await call(base, 'POST', '/verify-creds', { key: 'wrong' })).body).toEqual({
      status: 401,
      error: 'Unauthorized',
      response: { message: 'Unauthorized' },
    });
    expect((await call(base, 'POST', '/verify-creds', { key: 'acme-token' })).status).toBe(401);
    expect((await call(sim.serverUrl('old'), 'POST', '/verify-creds', { key: 'old-key' })).status).toBe(404);
  });
});

describe('instance/create', () => {
  it('a webhook object without `events` → 400 TypeError text, and the half-made instance is gone', async () => {
    const res = await call(base, 'POST', '/instance/create', {
      body: { instanceName: 'half-01', integration: 'WHATSAPP-BAILEYS', webhook: { url: receiver.url } },
    });
    expect(res).toMatchObject({
      status: 400,
      body: {
        status: 400,
        error: 'Bad Request',
        response: { message: ["Cannot read properties of undefined (reading 'length')"] },
      },
    });
    expect((await call(base, 'GET', '/instance/connectionState/half-01')).status).toBe(404);
    expect(
      (
        await call(base, 'POST', '/instance/create', {
          body: { instanceName: 'half-01', integration: 'WHATSAPP-BAILEYS' },
        })
      ).status,
    ).toBe(201);
  });

  it('stores webhook.enabled:false as enabled, keeps unknown event names and never fires them', async () => {
    const created = await call(base, 'POST', '/instance/create', {
      body: {
        instanceName: 'hook-01',
        integration: 'WHATSAPP-BAILEYS',
        webhook: {
          url: receiver.url,
          enabled: false,
          events: ['CONNECTION_UPDATE', 'NOT_AN_EVENT', 'INSTANCE_CREATE'],
        },
      },
    });
    expect(created.status).toBe(201);
    expect((await call(base, 'GET', '/webhook/find/hook-01')).body).toMatchObject({
      enabled: true,
      events: ['CONNECTION_UPDATE', 'NOT_AN_EVENT', 'INSTANCE_CREATE'],
    });
    await until(() => receiver.received.length >= 1);
    expect(receiver.received[0]!.body).toMatchObject({ event: 'instance.create', data: { instanceName: 'hook-01' } });
    sim.control.setInstanceState('evo1', 'hook-01', 'open');
    await until(() => receiver.received.length >= 2);
    expect(receiver.events('hook-01')).toEqual(['instance.create', 'connection.update']);
  });
});

describe('webhook/set', () => {
  it('stores any string as url and never posts to it', async () => {
    const res = await call(base, 'POST', '/webhook/set/acme-01', {
      body: { webhook: { enabled: true, url: 'ftp:/nowhere', events: ['SEND_MESSAGE'] } },
    });
    expect(res).toMatchObject({ status: 201, body: { url: 'ftp:/nowhere', enabled: true, events: ['SEND_MESSAGE'] } });
    await send();
    // A second send once the URL is real: only that one is ever posted.
    await call(base, 'POST', '/webhook/set/acme-01', {
      body: { webhook: { enabled: true, url: receiver.url, events: ['SEND_MESSAGE'] } },
    });
    const second = await send();
    await until(() => sim.control.webhookDeliveries().length >= 1);
    expect(receiver.received.map((r) => (r.body.data as { key: { id: string } }).key.id)).toEqual([second.body.key.id]);
    expect(sim.control.webhookDeliveries()).toEqual([
      { url: receiver.url, event: 'send.message', ok: true, attempt: 1 },
    ]);
  });

  it('without events → 500 TypeError; enabled:false clears the events', async () => {
    expect(
      await call(base, 'POST', '/webhook/set/acme-01', { body: { webhook: { enabled: true, url: receiver.url } } }),
    ).toMatchObject({
      status: 500,
      body: {
        status: 500,
        error: 'Internal Server Error',
        response: { message: "Cannot read properties of undefined (reading 'length')" },
      },
    });
    const off = await call(base, 'POST', '/webhook/set/acme-01', {
      body: { webhook: { enabled: false, url: receiver.url, events: ['SEND_MESSAGE'] } },
    });
    expect(off).toMatchObject({ status: 201, body: { enabled: false, events: [] } });
    const all = await call<{ events: string[] }>(base, 'POST', '/webhook/set/acme-01', {
      body: { webhook: { enabled: true, url: receiver.url, events: [] } },
    });
    expect(all.body.events).toContain('MESSAGES_UPSERT');
    expect(all.body.events).toHaveLength(31);
  });
});

describe('fetchInstances keys and names', () => {
  it("another instance's name with an instance token → 401; an unknown name with the global key → 404", async () => {
    expect(
      (await call(base, 'GET', '/instance/fetchInstances?instanceName=acme-02', { key: 'acme-token' })).status,
    ).toBe(401);
    expect(await call(base, 'GET', '/instance/fetchInstances?instanceName=ghost', { key: KEY })).toMatchObject({
      status: 404,
      body: { status: 404, error: 'Not Found', response: { message: ['Instance "ghost" not found'] } },
    });
  });
});

describe('malformed JSON', () => {
  it('answers 400 with "error":"Internal Server Error" in the envelope', async () => {
    const res = await fetch(`${base}/message/sendText/acme-01`, {
      method: 'POST',
      headers: { apikey: KEY, 'content-type': 'application/json' },
      body: '{"number": "55',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      status: 400,
      error: 'Internal Server Error',
      response: { message: expect.stringMatching(/JSON/) },
    });
  });
});
