import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { call, sendText, startSim } from './helpers.ts';

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

const bad = (message: unknown) => ({ status: 400, body: { status: 400, error: 'Bad Request', response: { message } } });

describe('validation errors (doubly nested jsonschema messages)', () => {
  it.each([
    [{ number: '5511987654321' }, ['instance requires property "text"']],
    [{}, ['instance requires property "number"', 'instance requires property "text"']],
    [{ number: '5511987654321', text: 'oi', delay: 'soon' }, ['Enter a value in milliseconds']],
    [{ number: '5511987654321', text: 'oi', delay: 1.5 }, ['Enter a value in milliseconds']],
    [{ number: 5511987654321, text: 'oi' }, ['Invalid format']],
    [{ number: '5511987654321', text: 42 }, ['text is not of a type(s) string']],
    [[1, 2], ['instance is not of a type(s) object']],
  ])('%j → %j', async (body, messages) => {
    expect(await sendText(base, 'acme-01', body)).toMatchObject(bad([messages]));
    expect(sim.control.messages()).toHaveLength(0);
  });

  it('reads an empty JSON body as {} like Express does', async () => {
    const res = await fetch(`${base}/message/sendText/acme-01`, {
      method: 'POST',
      headers: { apikey: 'global-key', 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      response: { message: [['instance requires property "number"', 'instance requires property "text"']] },
    });
  });

  it('answers ["Text is required"] for empty or blank text', async () => {
    expect(await sendText(base, 'acme-01', { number: '5511987654321', text: '' })).toMatchObject(
      bad(['Text is required']),
    );
    expect(await sendText(base, 'acme-01', { number: '5511987654321', text: '  \n' })).toMatchObject(
      bad(['Text is required']),
    );
  });
});

describe('recipient and instance errors', () => {
  it('answers exists:false objects for unregistered numbers, matched in any form', async () => {
    sim.control.markUnregistered(['+55 11 99999-9999', '554187654321']);
    expect(await sendText(base, 'acme-01', { number: '5511999999999', text: 'oi' })).toMatchObject(
      bad([{ jid: '5511999999999@s.whatsapp.net', exists: false, number: '5511999999999' }]),
    );
    // The canonical (9-dropped) form is unregistered too, so the 13-digit number is refused.
    expect(await sendText(base, 'acme-01', { number: '5541987654321', text: 'oi' })).toMatchObject(
      bad([{ jid: '554187654321@s.whatsapp.net', exists: false, number: '5541987654321' }]),
    );
    expect(sim.control.messages()).toHaveLength(0);
  });

  it.each(['close', 'connecting'] as const)('fails with Connection Closed when the instance is %s', async (state) => {
    sim.control.setInstanceState('evo1', 'acme-01', state);
    // Uncached: Baileys' onWhatsApp query throws before the send's try/catch (see send-states.test.ts).
    expect(await sendText(base, 'acme-01', { number: '5511987654321', text: 'oi' })).toMatchObject({
      status: 500,
      body: { status: 500, error: 'Internal Server Error', response: { message: 'Connection Closed' } },
    });
  });

  it('fails every send of an "open" instance faulted to do so, in each variant', async () => {
    const send = () => sendText(base, 'acme-01', { number: '5511987654321', text: 'oi' });
    sim.control.setInstanceFaults('evo1', 'acme-01', { sendError: 'connection-closed' });
    expect(await send()).toMatchObject(bad(['Error: Connection Closed']));
    sim.control.setInstanceFaults('evo1', 'acme-01', { sendError: 'connection-closed-500' });
    expect(await send()).toEqual(
      expect.objectContaining({
        status: 500,
        body: { status: 500, error: 'Internal Server Error', response: { message: 'Connection Closed' } },
      }),
    );
    sim.control.setInstanceFaults('evo1', 'acme-01', { sendError: 'typeerror-500' });
    expect((await send()).body).toEqual({
      status: 500,
      error: 'Internal Server Error',
      response: { message: "Cannot read properties of undefined (reading 'textMessage')" },
    });
    // Other instances on the server are unaffected.
    expect((await sendText(base, 'acme-02', { number: '5511987654321', text: 'oi' })).status).toBe(201);
    sim.control.setInstanceFaults('evo1', 'acme-01', { sendError: 'none' });
    expect((await send()).status).toBe(201);
  });

  it('fails a delayed send whose instance closed during the delay', async () => {
    const pending = sendText(base, 'acme-01', { number: '5511987654321', text: 'oi', delay: 200 });
    await new Promise((r) => setTimeout(r, 50));
    sim.control.setInstanceState('evo1', 'acme-01', 'close');
    expect(await pending).toMatchObject(bad(['Error: Connection Closed']));
  });

  it('answers 403 when creating an instance whose name is in use', async () => {
    expect(
      await call(base, 'POST', '/instance/create', {
        body: { instanceName: 'acme-01', integration: 'WHATSAPP-BAILEYS' },
      }),
    ).toMatchObject({
      status: 403,
      body: { status: 403, error: 'Forbidden', response: { message: ['This name "acme-01" is already in use.'] } },
    });
  });

  it('validates the create body and the integration', async () => {
    // The name-in-use guard runs first, and Prisma's `where: {name: undefined}` matches every row.
    expect(await call(base, 'POST', '/instance/create', { body: { integration: 'WHATSAPP-BAILEYS' } })).toMatchObject({
      status: 403,
      body: { response: { message: ['This name "undefined" is already in use.'] } },
    });
    expect(
      await call(base, 'POST', '/instance/create', {
        body: { instanceName: 'z', qrcode: 'yes', integration: 'WHATSAPP-BAILEYS' },
      }),
    ).toMatchObject(bad([['qrcode is not of a type(s) boolean']]));
    expect(
      await call(base, 'POST', '/instance/create', { body: { instanceName: 'z', integration: 'TELEGRAM' } }),
    ).toMatchObject(bad(['Invalid integration']));
    expect(await call(base, 'POST', '/instance/create', { body: { instanceName: 'z' } })).toMatchObject(
      bad(['Invalid integration']),
    );
  });

  it('answers connect and restart failures with 200 {"error":true,"message":"[object Object]"}', async () => {
    const failure = { status: 200, body: { error: true, message: '[object Object]' } };
    sim.control.setInstanceState('evo1', 'acme-02', 'close');
    expect(await call(base, 'POST', '/instance/restart/acme-02')).toMatchObject(failure);
    sim.control.setInstanceFaults('evo1', 'acme-01', { connectError: true });
    expect(await call(base, 'GET', '/instance/connect/acme-01')).toMatchObject(failure);
    expect(await call(base, 'POST', '/instance/restart/acme-01')).toMatchObject(failure);
  });
});

describe('chat/whatsappNumbers', () => {
  it('answers [{exists, jid, number}] per number', async () => {
    sim.control.markUnregistered(['5511999999999']);
    const res = await call(base, 'POST', '/chat/whatsappNumbers/acme-01', {
      body: { numbers: ['5541987654321', '5511999999999'] },
    });
    expect(res).toEqual(
      expect.objectContaining({
        status: 200,
        body: [
          { exists: true, jid: '554187654321@s.whatsapp.net', number: '5541987654321' },
          { exists: false, jid: '5511999999999@s.whatsapp.net', number: '5511999999999' },
        ],
      }),
    );
  });

  it('answers its errors raw, outside the envelope: the validation object, {} and a Boom', async () => {
    const numbers = (body: unknown) => call(base, 'POST', '/chat/whatsappNumbers/acme-01', { body });
    expect(await numbers({ numbers: '551199' })).toEqual(
      expect.objectContaining({
        status: 400,
        body: { status: 400, error: 'Bad Request', message: [['numbers is not of a type(s) array']] },
      }),
    );
    expect((await numbers({ numbers: [5511] })).body).toMatchObject({
      message: [['"numbers" must be an array of numeric strings']],
    });
    expect((await numbers({ numbers: [] })).body).toMatchObject({
      message: [['numbers does not meet minimum length of 1']],
    });
    // `numbers` is not required: without it the controller's forEach throws a TypeError, which serializes as {}.
    expect(await numbers({})).toEqual(expect.objectContaining({ status: 400, body: {} }));
    sim.control.setInstanceState('evo1', 'acme-01', 'close');
    expect(await numbers({ numbers: ['5511987654321'] })).toEqual(
      expect.objectContaining({
        status: 400,
        body: {
          data: null,
          isBoom: true,
          isServer: false,
          output: {
            statusCode: 428,
            payload: { statusCode: 428, error: 'Precondition Required', message: 'Connection Closed' },
            headers: {},
          },
        },
      }),
    );
  });
});
