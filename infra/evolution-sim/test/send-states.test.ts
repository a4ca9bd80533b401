import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { call, sendText, startSim } from './helpers.ts';

// OBSERVED-2.3.6's table: a send's answer depends on the session and on the database's shared
// IsOnWhatsapp cache. evoA and evoB share database `shared`; evoC has its own.
let sim: Awaited<ReturnType<typeof startSim>>;
const url = (server: string) => sim.serverUrl(server);
const send = (server: string, instance: string, number = '5511987654321') =>
  sendText(url(server), instance, { number, text: 'oi' }, `key-${server}`);
const check = (server: string, instance: string, numbers: string[]) =>
  call(url(server), 'POST', `/chat/whatsappNumbers/${instance}`, { body: { numbers }, key: `key-${server}` });

const internal = (message: string) => ({
  status: 500,
  body: { status: 500, error: 'Internal Server Error', response: { message } },
});
const bad = (message: unknown) => ({ status: 400, body: { status: 400, error: 'Bad Request', response: { message } } });

beforeAll(async () => {
  sim = await startSim({
    servers: [
      {
        name: 'evoA',
        apiKey: 'key-evoA',
        database: 'shared',
        instances: [
          { name: 'fresh', state: 'close', session: 'none' },
          { name: 'offline', state: 'close', session: 'paired' },
          { name: 'reconnecting', state: 'connecting', session: 'paired' },
          { name: 'qr', state: 'connecting', session: 'unpaired' },
          { name: 'live' },
        ],
      },
      { name: 'evoB', apiKey: 'key-evoB', database: 'shared', instances: [{ name: 'live-b' }, { name: 'elsewhere' }] },
      { name: 'evoC', apiKey: 'key-evoC', instances: [{ name: 'live-c' }] },
    ],
  });
});
afterAll(() => sim.close());
beforeEach(() => sim.control.reset());

describe('sendText by instance state (OBSERVED table, one test per row)', () => {
  it('created, never connected: 500 reading onWhatsApp, cached or not', async () => {
    const expected = internal("Cannot read properties of undefined (reading 'onWhatsApp')");
    expect(await send('evoA', 'fresh')).toMatchObject(expected);
    sim.control.cacheNumbers('shared', ['5511987654321']);
    expect(await send('evoA', 'fresh')).toMatchObject(expected);
  });

  it('a never-connected instance forced to connecting has a socket: it fails like the QR stage', async () => {
    sim.control.addInstance('evoA', { name: 'forced', state: 'close', session: 'none' });
    sim.control.setInstanceState('evoA', 'forced', 'connecting');
    expect(await send('evoA', 'forced')).toMatchObject(internal('Connection Closed'));
    sim.control.cacheNumbers('shared', ['5511987654321']);
    expect(await send('evoA', 'forced')).toMatchObject(
      bad(["TypeError: Cannot read properties of undefined (reading 'id')"]),
    );
  });

  it.each(['offline', 'reconnecting', 'qr'])(
    'connecting / closed (%s), number not cached: 500 "Connection Closed"',
    async (instance) => {
      expect(await send('evoA', instance)).toMatchObject(internal('Connection Closed'));
    },
  );

  it.each(['offline', 'reconnecting'])(
    'paired, session offline (%s), number cached: 400 ["Error: Connection Closed"]',
    async (instance) => {
      sim.control.cacheNumbers('shared', ['5511987654321']);
      expect(await send('evoA', instance)).toMatchObject(bad(['Error: Connection Closed']));
    },
  );

  it('unpaired (QR stage), number cached: 400 ["TypeError: Cannot read properties of undefined (reading \'id\')"]', async () => {
    sim.control.cacheNumbers('shared', ['5511987654321']);
    expect(await send('evoA', 'qr')).toMatchObject(
      bad(["TypeError: Cannot read properties of undefined (reading 'id')"]),
    );
  });

  it('known only in the shared database (hosted by evoB): 500 reading textMessage, cached or not', async () => {
    const expected = internal("Cannot read properties of undefined (reading 'textMessage')");
    expect(await send('evoA', 'elsewhere')).toMatchObject(expected);
    sim.control.cacheNumbers('shared', ['5511987654321']);
    expect(await send('evoA', 'elsewhere')).toMatchObject(expected);
    // Validation still runs first, in the router.
    expect(await sendText(url('evoA'), 'elsewhere', { number: '5511987654321' }, 'key-evoA')).toMatchObject(
      bad([['instance requires property "text"']]),
    );
    expect(sim.control.messages()).toHaveLength(0);
  });
});

describe('the IsOnWhatsapp cache is shared by the database, not by the instance', () => {
  it("a send by another server of the same database changes this instance's answer", async () => {
    expect(await send('evoA', 'offline')).toMatchObject(internal('Connection Closed'));
    expect((await send('evoB', 'live-b')).status).toBe(201);
    expect(await send('evoA', 'offline')).toMatchObject(bad(['Error: Connection Closed']));
    // evoC has its own database: it learned nothing.
    sim.control.setInstanceState('evoC', 'live-c', 'close');
    expect(await send('evoC', 'live-c')).toMatchObject(internal('Connection Closed'));
    sim.control.setInstanceState('evoC', 'live-c', 'open');
  });

  it('is filled by a number check, under both Brazilian forms, and then answers exists:true while down', async () => {
    expect((await check('evoA', 'live', ['5541987654321'])).body).toEqual([
      { jid: '554187654321@s.whatsapp.net', exists: true, number: '5541987654321' },
    ]);
    expect(sim.control.onWhatsappCache('shared')).toEqual([
      {
        remoteJid: '554187654321@s.whatsapp.net',
        jidOptions: ['5541987654321@s.whatsapp.net', '554187654321@s.whatsapp.net'],
        lid: null,
        updatedAt: expect.any(String),
      },
    ]);
    expect(await check('evoA', 'offline', ['5541987654321'])).toMatchObject({
      status: 200,
      body: [{ exists: true, jid: '554187654321@s.whatsapp.net' }],
    });
    expect((await check('evoA', 'offline', ['5541987654321', '5511912340000'])).body).toMatchObject({
      isBoom: true,
      output: { statusCode: 428 },
    });
    expect(await check('evoA', 'fresh', ['5511912340000'])).toMatchObject({ status: 400, body: {} });
    // A send with the `+` form (no 9th-digit logic) still finds the cached JID.
    const sent = await sendText(url('evoA'), 'live', { number: '+5541987654321', text: 'oi' }, 'key-evoA');
    expect(sent.body.key.remoteJid).toBe('554187654321@s.whatsapp.net');
  });

  it('never caches a number that is not on WhatsApp, and markUnregistered evicts one', async () => {
    sim.control.markUnregistered(['5511999999999']);
    expect((await send('evoA', 'live', '5511999999999')).body).toMatchObject({
      response: { message: [{ exists: false }] },
    });
    expect(sim.control.onWhatsappCache('shared')).toEqual([]);
    await send('evoA', 'live', '5511988887777');
    sim.control.markUnregistered(['5511988887777']);
    expect(sim.control.onWhatsappCache('evoA')).toEqual([]);
    expect((await send('evoA', 'live', '5511988887777')).status).toBe(400);
  });

  it('forgets entries older than isOnWhatsappTtlMs (7 days on a real server)', async () => {
    const short = await startSim({
      isOnWhatsappTtlMs: 50,
      servers: [{ name: 'evo1', apiKey: 'k', instances: [{ name: 'a' }, { name: 'b', state: 'close' }] }],
    });
    try {
      await sendText(short.serverUrl('evo1'), 'a', { number: '5511987654321', text: 'oi' }, 'k');
      expect((await sendText(short.serverUrl('evo1'), 'b', { number: '5511987654321', text: 'oi' }, 'k')).status).toBe(
        400,
      );
      await new Promise((resolve) => setTimeout(resolve, 80));
      expect((await sendText(short.serverUrl('evo1'), 'b', { number: '5511987654321', text: 'oi' }, 'k')).status).toBe(
        500,
      );
    } finally {
      await short.close();
    }
  });
});
