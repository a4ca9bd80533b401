import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, KEY, startSim } from './helpers.ts';

let sim: Awaited<ReturnType<typeof startSim>>;
let base: string;

beforeAll(async () => {
  sim = await startSim();
  base = sim.serverUrl('evo1');
});
afterAll(() => sim.close());

interface CreateBody {
  instance: { instanceName: string; instanceId: string; integration: string; status: string };
  hash: string;
  qrcode?: { pairingCode: string | null; code: string; base64: string; count: number };
}

describe('create → QR → scan → open', () => {
  it('creates with the global key only, answering 201 with a token and a QR', async () => {
    const res = await call<CreateBody>(base, 'POST', '/instance/create', {
      body: { instanceName: 'shop-01', integration: 'WHATSAPP-BAILEYS', qrcode: true, token: 'shop-token' },
    });
    expect(res.status).toBe(201);
    expect(res.body.instance).toMatchObject({
      instanceName: 'shop-01',
      integration: 'WHATSAPP-BAILEYS',
      status: 'connecting',
    });
    expect(res.body.hash).toBe('shop-token');
    expect(res.body.qrcode).toMatchObject({ pairingCode: null, count: 1 });
    expect(res.body.qrcode!.base64).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);
    expect(res.body.qrcode!.code).toMatch(/^2@/);

    expect((await call(base, 'GET', '/instance/connectionState/shop-01', { key: 'shop-token' })).body).toEqual({
      instance: { instanceName: 'shop-01', state: 'connecting' },
    });
    // While connecting, connect returns the current QR.
    const qr = await call<CreateBody['qrcode']>(base, 'GET', '/instance/connect/shop-01');
    expect(qr.status).toBe(200);
    expect(qr.body).toEqual(res.body.qrcode);

    sim.control.setInstanceState('evo1', 'shop-01', 'open');
    expect((await call(base, 'GET', '/instance/connect/shop-01')).body).toEqual({
      instance: { instanceName: 'shop-01', state: 'open' },
    });
    expect((await call(base, 'GET', '/instance/connectionState/shop-01')).body).toEqual({
      instance: { instanceName: 'shop-01', state: 'open' },
    });
  });

  it('creates closed without qrcode, generates a token, and connect starts a QR (with a pairing code for ?number=)', async () => {
    const res = await call<CreateBody>(base, 'POST', '/instance/create', {
      body: { instanceName: 'shop-02', integration: 'WHATSAPP-BAILEYS' },
    });
    expect(res.body.instance.status).toBe('close');
    expect(res.body.hash).toMatch(/^[0-9A-F-]{36}$/);
    expect(res.body.qrcode).toBeUndefined();
    const qr = await call<NonNullable<CreateBody['qrcode']>>(
      base,
      'GET',
      '/instance/connect/shop-02?number=5511987654321',
      { key: res.body.hash },
    );
    expect(qr.body.pairingCode).toMatch(/^[A-Z0-9]{8}$/);
    expect(qr.body.count).toBe(1);
    expect((await call(base, 'GET', '/instance/connectionState/shop-02')).body).toEqual({
      instance: { instanceName: 'shop-02', state: 'connecting' },
    });
  });
});

describe('fetchInstances', () => {
  it('lists DB-row objects, filters by name, and 404s an unknown name', async () => {
    const all = await call<Array<Record<string, unknown>>>(base, 'GET', '/instance/fetchInstances');
    expect(all.status).toBe(200);
    expect(all.body.map((r) => r.name)).toEqual(expect.arrayContaining(['acme-01', 'acme-02']));
    const one = await call<Array<Record<string, unknown>>>(
      base,
      'GET',
      '/instance/fetchInstances?instanceName=acme-01',
    );
    expect(one.body).toHaveLength(1);
    expect(one.body[0]).toMatchObject({
      name: 'acme-01',
      connectionStatus: 'open',
      ownerJid: '5511911112222@s.whatsapp.net',
      profileName: 'acme-01',
      token: 'acme-token',
      integration: 'WHATSAPP-BAILEYS',
    });
    expect(one.body[0]!.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await call(base, 'GET', '/instance/fetchInstances?instanceName=ghost')).toMatchObject({
      status: 404,
      body: { status: 404, error: 'Not Found', response: { message: ['Instance "ghost" not found'] } },
    });
  });

  it('shows an instance token only its own row, and refuses a wrong key', async () => {
    const res = await call<Array<{ name: string }>>(base, 'GET', '/instance/fetchInstances', { key: 'acme-token' });
    expect(res.body.map((r) => r.name)).toEqual(['acme-01']);
    expect((await call(base, 'GET', '/instance/fetchInstances', { key: 'nope' })).status).toBe(401);
  });
});

describe('restart, logout, delete', () => {
  it('restart (POST) keeps an open instance open', async () => {
    const res = await call(base, 'POST', '/instance/restart/acme-02');
    expect(res).toMatchObject({ status: 200, body: { instance: { instanceName: 'acme-02', state: 'open' } } });
  });

  it('logout closes the session; a second logout is refused', async () => {
    await call(base, 'POST', '/instance/create', { body: { instanceName: 'bye-01', integration: 'WHATSAPP-BAILEYS' } });
    sim.control.setInstanceState('evo1', 'bye-01', 'open');
    expect(await call(base, 'DELETE', '/instance/logout/bye-01')).toMatchObject({
      status: 200,
      body: { status: 'SUCCESS', error: false, response: { message: 'Instance logged out' } },
    });
    expect((await call(base, 'GET', '/instance/connectionState/bye-01')).body).toEqual({
      instance: { instanceName: 'bye-01', state: 'close' },
    });
    expect(await call(base, 'DELETE', '/instance/logout/bye-01')).toMatchObject({
      status: 400,
      body: { response: { message: ['The "bye-01" instance is not connected'] } },
    });
  });

  it('delete removes the instance', async () => {
    await call(base, 'POST', '/instance/create', {
      body: { instanceName: 'del-01', integration: 'WHATSAPP-BAILEYS', qrcode: true },
    });
    expect(await call(base, 'DELETE', '/instance/delete/del-01', { key: KEY })).toMatchObject({
      status: 200,
      body: { status: 'SUCCESS', error: false, response: { message: 'Instance deleted' } },
    });
    expect((await call(base, 'GET', '/instance/connectionState/del-01')).status).toBe(404);
    // The name is free again.
    expect(
      (
        await call(base, 'POST', '/instance/create', {
          body: { instanceName: 'del-01', integration: 'WHATSAPP-BAILEYS' },
        })
      ).status,
    ).toBe(201);
  });
});

describe('v1 mode', () => {
  it('rejects a v2 body, accepts the v1 shape, restarts with PUT and returns hash as an object', async () => {
    sim.control.addServer({ name: 'old1', apiKey: 'old-key', version: 'v1', instances: [{ name: 'legacy-01' }] });
    const old = sim.serverUrl('old1');
    const opts = (body?: unknown) => ({ body, key: 'old-key' });
    expect(
      await call(old, 'POST', '/message/sendText/legacy-01', opts({ number: '5511987654321', text: 'oi' })),
    ).toMatchObject({
      status: 400,
      body: {
        status: 400,
        error: 'Bad Request',
        response: { message: [['instance requires property "textMessage"']] },
      },
    });
    const ok = await call<{ key: { id: string; remoteJid: string }; messageTimestamp: string; status: string }>(
      old,
      'POST',
      '/message/sendText/legacy-01',
      opts({ number: '5541987654321', textMessage: { text: 'oi' }, options: { delay: 10, linkPreview: false } }),
    );
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({
      key: { remoteJid: '554187654321@s.whatsapp.net' },
      status: 'PENDING',
      message: { extendedTextMessage: { text: 'oi' } },
    });
    expect(ok.body.key.id).toMatch(/^3EB0[0-9A-F]+$/);
    expect(ok.body.messageTimestamp).toMatch(/^\d+$/);
    expect(sim.control.messages({ server: 'old1' })).toEqual([
      expect.objectContaining({ text: 'oi', delay: 10, linkPreview: false }),
    ]);

    expect((await call(old, 'PUT', '/instance/restart/legacy-01', opts())).status).toBe(200);
    expect((await call(old, 'POST', '/instance/restart/legacy-01', opts())).body).toMatchObject({
      response: { message: ['Cannot POST /instance/restart/legacy-01'] },
    });
    const created = await call<{ hash: { apikey: string } }>(
      old,
      'POST',
      '/instance/create',
      opts({ instanceName: 'legacy-02' }),
    );
    expect(created.status).toBe(201);
    expect(created.body.hash.apikey).toMatch(/^[0-9A-F-]{36}$/);
  });
});

describe('welcome page', () => {
  it('answers GET / without a key, with the server version', async () => {
    expect(await call(base, 'GET', '/', { key: null })).toMatchObject({
      status: 200,
      body: {
        status: 200,
        message: 'Welcome to the Evolution API, it is working!',
        version: expect.stringMatching(/^2\./),
      },
    });
    sim.control.addServer({ name: 'old2', apiKey: 'x', version: 'v1' });
    expect((await call(sim.serverUrl('old2'), 'GET', '/', { key: null })).body).toMatchObject({
      version: expect.stringMatching(/^1\./),
    });
  });
});
