import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { call, KEY, sendText, startSim } from './helpers.ts';

let sim: Awaited<ReturnType<typeof startSim>>;
let base: string;

beforeAll(async () => {
  sim = await startSim();
  base = sim.serverUrl('evo1');
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.control.reset();
  sim.control.setInstanceState('evo1', 'acme-01', 'open');
});

describe('sendText success', () => {
  it('answers 201 with the 2.3.x shape and records the message', async () => {
    const before = Math.floor(Date.now() / 1000);
    const res = await sendText(base, 'acme-01', { number: '5511987654321', text: 'Olá!', linkPreview: false });
    expect(res.status).toBe(201);
    const body = res.body;
    expect(body).toMatchObject({
      key: { remoteJid: '5511987654321@s.whatsapp.net', fromMe: true },
      pushName: 'Você',
      status: 'PENDING',
      message: { conversation: 'Olá!' },
      contextInfo: { mentionedJid: [], groupMentions: [], disappearingMode: { initiator: 0 } },
      messageType: 'conversation',
      source: 'web',
    });
    // Baileys 7.0.0-rc.6's generateMessageIDV2: 3EB0 + 18 hex, which getDevice reads as `web`.
    expect(body.key.id).toMatch(/^3EB0[0-9A-F]{18}$/);
    expect(body.messageTimestamp).toBeGreaterThanOrEqual(before);
    expect(body.messageTimestamp).toBeLessThan(before + 5);
    expect(body.instanceId).toMatch(/^[0-9a-f-]{36}$/);
    expect(sim.control.messages({ server: 'evo1', instance: 'acme-01' })).toEqual([
      expect.objectContaining({
        number: '5511987654321',
        text: 'Olá!',
        keyId: body.key.id,
        linkPreview: false,
        remoteJid: '5511987654321@s.whatsapp.net',
      }),
    ]);
  });

  it('gives every message a distinct key id', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 20; i++)
      ids.add((await sendText(base, 'acme-01', { number: '5511987654321', text: `m${i}` })).body.key.id);
    expect(ids.size).toBe(20);
  });

  it.each([
    ['5511987654321', '5511987654321@s.whatsapp.net', 'DDD 11 < 31 keeps the 9'],
    ['5541987654321', '554187654321@s.whatsapp.net', 'DDD 41, first of last 8 is 8: drops the 9'],
    ['5541967654321', '5541967654321@s.whatsapp.net', 'DDD 41, first of last 8 is 6 < 7: keeps the 9'],
    ['5531977654321', '553177654321@s.whatsapp.net', 'DDD 31 (not < 31), first 7: drops'],
    ['5530997654321', '5530997654321@s.whatsapp.net', 'DDD 30 < 31 keeps'],
    ['554187654321', '554187654321@s.whatsapp.net', '12 digits left alone'],
    ['+5541987654321', '5541987654321@s.whatsapp.net', 'a + skips the logic'],
    ['14155550123', '14155550123@s.whatsapp.net', 'non-Brazilian untouched'],
    ['5541987654321@s.whatsapp.net', '5541987654321@s.whatsapp.net', 'a full JID passes through'],
  ])('%s → %s (%s)', async (number, jid) => {
    const res = await sendText(base, 'acme-01', { number, text: 'oi' });
    expect(res.status).toBe(201);
    expect(res.body.key.remoteJid).toBe(jid);
  });

  it('holds the response for `delay` ms', async () => {
    const res = await sendText(base, 'acme-01', { number: '5511987654321', text: 'oi', delay: 400 });
    expect(res.status).toBe(201);
    expect(res.ms).toBeGreaterThanOrEqual(380);
    expect(sim.control.messages()[0]).toMatchObject({ delay: 400 });
  });
});

describe('guards', () => {
  it('answers 404 for an unknown instance before looking at the key', async () => {
    for (const key of [KEY, 'wrong', null]) {
      const res = await sendText(base, 'ghost', { number: '5511987654321', text: 'oi' }, key);
      expect(res).toMatchObject({
        status: 404,
        body: { status: 404, error: 'Not Found', response: { message: ['The "ghost" instance does not exist'] } },
      });
    }
  });

  it('answers the exact 401 body for a missing or wrong key', async () => {
    for (const key of ['wrong', null, '']) {
      const res = await sendText(base, 'acme-01', { number: '5511987654321', text: 'oi' }, key);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ status: 401, error: 'Unauthorized', response: { message: 'Unauthorized' } });
    }
  });

  it('takes the header name in any case', async () => {
    const res = await call(base, 'POST', '/message/sendText/acme-01', {
      body: { number: '5511987654321', text: 'oi' },
      headerName: 'APIKEY',
    });
    expect(res.status).toBe(201);
  });

  it('accepts an instance token only on that instance', async () => {
    expect((await sendText(base, 'acme-01', { number: '5511987654321', text: 'oi' }, 'acme-token')).status).toBe(201);
    expect((await sendText(base, 'acme-02', { number: '5511987654321', text: 'oi' }, 'acme-token')).status).toBe(401);
    expect(
      (await call(base, 'POST', '/instance/create', { body: { instanceName: 'x' }, key: 'acme-token' })).status,
    ).toBe(401);
  });

  it('answers Express-style 404s for unknown routes and methods', async () => {
    expect(await call(base, 'PUT', '/instance/restart/x')).toMatchObject({
      status: 404,
      body: { status: 404, error: 'Not Found', response: { message: ['Cannot PUT /instance/restart/x'] } },
    });
    expect((await call(base, 'GET', '/message/sendText/acme-01')).body).toMatchObject({
      response: { message: ['Cannot GET /message/sendText/acme-01'] },
    });
    expect((await call(base, 'POST', '/nope?x=1')).body).toMatchObject({
      response: { message: ['Cannot POST /nope?x=1'] },
    });
  });
});
