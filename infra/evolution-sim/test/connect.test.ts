import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { call, startSim, until } from './helpers.ts';
import { startReceiver } from './receiver.ts';

// connect / restart / create with the real server's waits, scaled down: connect waits 200 ms.
let sim: Awaited<ReturnType<typeof startSim>>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let base: string;
let n = 0;

interface QrBody {
  pairingCode?: string | null;
  code?: string;
  base64?: string;
  count: number;
}

beforeAll(async () => {
  receiver = await startReceiver();
  sim = await startSim({
    timing: {
      welcomeMs: 0,
      connectWaitMs: 200,
      createQrWaitMs: 150,
      firstQrMs: 50,
      pairingCodeMs: 50,
      reconnectMs: 50,
    },
  });
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

/** A fresh instance with our webhook on every event, created without a QR (never connected). */
async function fresh(options: { session?: 'paired'; state?: 'close' } = {}) {
  const name = `c-${++n}`;
  sim.control.addInstance('evo1', {
    name,
    state: options.state ?? 'close',
    session: options.session ?? 'none',
    webhook: { url: receiver.url },
  });
  return name;
}
const connect = (name: string, query = '') => call<QrBody>(base, 'GET', `/instance/connect/${name}${query}`);
const stateOf = async (name: string) =>
  (await call<{ instance: { state?: string } }>(base, 'GET', `/instance/connectionState/${name}`)).body.instance.state;

describe('GET /instance/connect', () => {
  it('waits its fixed time on a closed instance, then answers the QR that came meanwhile', async () => {
    const name = await fresh();
    const res = await connect(name);
    expect(res.ms).toBeGreaterThanOrEqual(190);
    expect(res.body).toEqual({
      pairingCode: null,
      code: expect.stringMatching(/^2@/),
      base64: expect.stringMatching(/^data:image\/png;base64,/),
      count: 1,
    });
    // While connecting it answers the stored QR object at once.
    const again = await connect(name);
    expect(again.ms).toBeLessThan(150);
    expect(again.body).toEqual(res.body);
  });

  it('answers {"count":0} when no QR came in time (WhatsApp unreachable)', async () => {
    const name = await fresh();
    sim.control.setInstanceFaults('evo1', name, { whatsappUnreachable: true });
    expect((await connect(name)).body).toEqual({ count: 0 });
    expect(await stateOf(name)).toBe('connecting');
    expect(receiver.events(name)).toEqual(['connection.update']);
  });

  it('answers without a QR for a paired instance that only reconnects, which then opens by itself', async () => {
    const name = await fresh({ session: 'paired' });
    expect((await connect(name)).body).toEqual({ count: 0 });
    await until(() => receiver.events(name).length >= 2);
    expect(
      receiver.received.filter((r) => r.body.instance === name).map((r) => (r.body.data as { state: string }).state),
    ).toEqual(['connecting', 'open']);
    expect(await stateOf(name)).toBe('open');
  });

  it("?number= gives each QR a pairing code (Baileys' 8-character alphabet), also in qrcode.updated", async () => {
    const name = await fresh();
    const res = await connect(name, '?number=5511987654321');
    expect(res.body).toMatchObject({ pairingCode: expect.stringMatching(/^[1-9A-HJ-NP-TV-Z]{8}$/), count: 1 });
    await until(() => receiver.events(name).includes('qrcode.updated'));
    const qr = receiver.received.find((r) => r.body.event === 'qrcode.updated')!;
    expect(qr.body.data).toEqual({
      qrcode: { instance: name, pairingCode: res.body.pairingCode, code: res.body.code, base64: res.body.base64 },
    });
    // A number given while connecting is ignored: the stored object comes back.
    expect((await connect(name, '?number=5511900000000')).body).toEqual(res.body);
  });
});

describe('POST /instance/restart', () => {
  it('open: answers the state at once, then the socket reconnects (connecting → open)', async () => {
    const name = await fresh({ session: 'paired' });
    sim.control.setInstanceState('evo1', name, 'open');
    await until(() => receiver.events(name).length >= 1);
    receiver.clear();
    expect((await call(base, 'POST', `/instance/restart/${name}`)).body).toEqual({
      instance: { instanceName: name, state: 'open' },
    });
    await until(() => receiver.events(name).length >= 2);
    expect(receiver.received.map((r) => (r.body.data as { state: string }).state)).toEqual(['connecting', 'open']);
    expect(await stateOf(name)).toBe('open');
  });

  it('connecting: answers the current QR object, then a new socket shows the next code', async () => {
    const name = await fresh();
    const first = await connect(name);
    const restarted = await call<QrBody>(base, 'POST', `/instance/restart/${name}`);
    expect(restarted.body).toEqual(first.body);
    await until(() => receiver.events(name).filter((e) => e === 'qrcode.updated').length >= 2);
    expect((await connect(name)).body.count).toBe(2);
  });

  it('close: 200 {"error":true,"message":"[object Object]"}', async () => {
    const name = await fresh();
    expect(await call(base, 'POST', `/instance/restart/${name}`)).toMatchObject({
      status: 200,
      body: { error: true, message: '[object Object]' },
    });
  });
});

describe('POST /instance/create with qrcode:true', () => {
  it('waits before answering, with the QR and status connecting', async () => {
    const res = await call<{ instance: { status: string }; qrcode: QrBody }>(base, 'POST', '/instance/create', {
      body: { instanceName: 'slow-qr', integration: 'WHATSAPP-BAILEYS', qrcode: true },
    });
    expect(res.ms).toBeGreaterThanOrEqual(140);
    expect(res.body.instance.status).toBe('connecting');
    expect(res.body.qrcode).toMatchObject({ pairingCode: null, count: 1 });
  });
});

describe('connection.update floods', () => {
  it('emits N identical connecting events on demand', async () => {
    const name = await fresh({ session: 'paired' });
    sim.control.emitConnectionUpdates('evo1', name, 43);
    await until(() => receiver.received.length >= 43);
    expect(new Set(receiver.received.map((r) => JSON.stringify(r.body.data)))).toEqual(
      new Set([JSON.stringify({ instance: name, state: 'connecting', statusReason: 200 })]),
    );
    expect(await stateOf(name)).toBe('connecting');
  });
});
