import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, sendText, startSim, until } from './helpers.ts';
import { startReceiver } from './receiver.ts';

let sim: Awaited<ReturnType<typeof startSim>>;

beforeAll(async () => {
  sim = await startSim();
});
afterAll(() => sim.close());

/** The control API takes no apikey. */
const control = (method: string, path: string, body?: unknown) =>
  call(sim.url, method, `/__sim${path}`, { body, key: null });

describe('/__sim control API', () => {
  it('adds a server and an instance, sets state and lists messages', async () => {
    expect(
      await control('POST', '/servers', { name: 'evo9', apiKey: 'k9', instances: [{ name: 'a-01' }] }),
    ).toMatchObject({ status: 201, body: { ok: true } });
    expect(
      (await control('POST', '/servers/evo9/instances', { name: 'a-02', state: 'close', token: 't2' })).status,
    ).toBe(201);
    const evo9 = sim.serverUrl('evo9');
    // Closed and the number never checked on evo9's database: Baileys' query throws outside the try.
    expect((await sendText(evo9, 'a-02', { number: '5511987654321', text: 'oi' }, 't2')).status).toBe(500);
    expect(await control('POST', '/servers/evo9/instances/a-02/state', { state: 'open' })).toMatchObject({
      status: 200,
      body: { ok: true },
    });
    expect((await sendText(evo9, 'a-02', { number: '5511987654321', text: 'oi' }, 't2')).status).toBe(201);
    expect((await sendText(evo9, 'a-01', { number: '5511987654321', text: 'tchau' }, 'k9')).status).toBe(201);

    const listed = await control('GET', '/messages?server=evo9&instance=a-02');
    expect(listed.body).toEqual([
      expect.objectContaining({ server: 'evo9', instance: 'a-02', text: 'oi', keyId: expect.stringMatching(/^3EB0/) }),
    ]);
    expect((await control('GET', '/messages?server=evo9')).body).toHaveLength(2);
    expect((await control('DELETE', '/messages')).status).toBe(200);
    expect((await control('GET', '/messages')).body).toEqual([]);
  });

  it('sets server and instance faults, unregistered numbers, and resets them', async () => {
    const base = sim.serverUrl('evo1');
    expect((await control('POST', '/servers/evo1/faults', { errorRate: 1, errorStatus: 502 })).status).toBe(200);
    expect((await sendText(base, 'acme-01', { number: '5511987654321', text: 'oi' })).status).toBe(502);
    await control('POST', '/servers/evo1/faults', { errorRate: 0 });
    await control('POST', '/servers/evo1/instances/acme-01/faults', { sendError: 'connection-closed-500' });
    expect((await sendText(base, 'acme-01', { number: '5511987654321', text: 'oi' })).status).toBe(500);
    await control('POST', '/unregistered', { numbers: ['5511999999999'] });
    expect((await sendText(base, 'acme-02', { number: '5511999999999', text: 'oi' })).body).toMatchObject({
      response: { message: [{ exists: false }] },
    });
    expect((await control('POST', '/reset')).status).toBe(200);
    expect((await sendText(base, 'acme-01', { number: '5511999999999', text: 'oi' })).status).toBe(201);
  });

  it('sets webhook options and lists deliveries', async () => {
    const receiver = await startReceiver();
    try {
      await control('POST', '/reset');
      expect(
        (await control('POST', '/webhook-options', { ackDelaysMs: [5, 10, 15], emitRead: false, duplicateRate: 0 }))
          .status,
      ).toBe(200);
      await call(sim.serverUrl('evo1'), 'POST', '/webhook/set/acme-02', {
        body: { webhook: { enabled: true, url: receiver.url, events: ['MESSAGES_UPDATE'] } },
      });
      await sendText(sim.serverUrl('evo1'), 'acme-02', { number: '5511987654321', text: 'oi' });
      await until(() => receiver.received.length >= 2);
      const deliveries = await control('GET', '/webhooks');
      expect(deliveries.body).toEqual([
        { url: receiver.url, event: 'messages.update', ok: true, attempt: 1 },
        { url: receiver.url, event: 'messages.update', ok: true, attempt: 1 },
      ]);
    } finally {
      await receiver.close();
    }
  });

  it("reads and fills a database's IsOnWhatsapp cache, floods connection updates, takes the new faults", async () => {
    await control('POST', '/reset');
    expect(await control('POST', '/databases/evo1/is-on-whatsapp', { numbers: ['5541987654321'] })).toMatchObject({
      status: 200,
      body: { ok: true },
    });
    expect((await control('GET', '/databases/evo1/is-on-whatsapp')).body).toEqual([
      {
        remoteJid: '554187654321@s.whatsapp.net',
        jidOptions: ['5541987654321@s.whatsapp.net', '554187654321@s.whatsapp.net'],
        lid: null,
        updatedAt: expect.any(String),
      },
    ]);
    expect(await control('GET', '/databases/nope/is-on-whatsapp')).toMatchObject({
      status: 404,
      body: { error: { code: 'DATABASE_NOT_FOUND' } },
    });
    expect((await control('POST', '/servers/evo1/instances/acme-02/connection-updates', { count: 3 })).status).toBe(
      200,
    );
    expect((await call(sim.serverUrl('evo1'), 'GET', '/instance/connectionState/acme-02')).body).toMatchObject({
      instance: { state: 'connecting' },
    });
    await control('POST', '/servers/evo1/instances/acme-02/state', { state: 'open' });
    const faults = {
      afterSend: 'no-key',
      receipts: 'never',
      reachoutLock: false,
      silentInbound: true,
      whatsappUnreachable: false,
      sendError: 'timed-out',
    };
    expect((await control('POST', '/servers/evo1/instances/acme-02/faults', faults)).status).toBe(200);
    expect(
      (await sendText(sim.serverUrl('evo1'), 'acme-02', { number: '5511987654321', text: 'oi' })).body,
    ).toMatchObject({ response: { message: ['Error: Timed Out'] } });
    expect((await control('POST', '/servers/evo1/instances/acme-02/faults', { afterSend: 'sometimes' })).status).toBe(
      400,
    );
    expect((await control('POST', '/servers/evo1/faults', { welcomeLatencyMs: 0, welcomeHang: false })).status).toBe(
      200,
    );
    expect((await control('POST', '/webhook-options', { retryMaxMs: 500, retryJitter: 0.2 })).status).toBe(200);
    await control('POST', '/reset');
  });

  it('validates bodies and reports unknown servers and conflicts', async () => {
    expect(await control('POST', '/servers', { name: 'x' })).toMatchObject({
      status: 400,
      body: { error: { code: 'VALIDATION_FAILED' } },
    });
    expect(await control('POST', '/servers/ghost/faults', { hang: true })).toMatchObject({
      status: 404,
      body: { error: { code: 'SERVER_NOT_FOUND' } },
    });
    expect(await control('POST', '/servers/evo1/instances/ghost/state', { state: 'open' })).toMatchObject({
      status: 404,
      body: { error: { code: 'INSTANCE_NOT_FOUND' } },
    });
    expect(await control('POST', '/servers/evo1/instances/acme-01/state', { state: 'weird' })).toMatchObject({
      status: 400,
    });
    expect(await control('POST', '/servers', { name: 'evo1', apiKey: 'x' })).toMatchObject({
      status: 409,
      body: { error: { code: 'SERVER_EXISTS' } },
    });
    expect(await control('POST', '/servers/evo1/faults', { errorRate: 2 })).toMatchObject({ status: 400 });
  });
});
