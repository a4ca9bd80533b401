import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, sendText, startSim } from './helpers.ts';

// Two servers on one database: each sees the other's rows but hosts only its own instances.
let sim: Awaited<ReturnType<typeof startSim>>;
let a: string;
let b: string;
const failure = { error: true, message: '[object Object]' };

beforeAll(async () => {
  sim = await startSim({
    servers: [
      { name: 'evoA', apiKey: 'key-a', database: 'pg', instances: [{ name: 'mine', token: 'tok-mine' }] },
      {
        name: 'evoB',
        apiKey: 'key-b',
        database: 'pg',
        instances: [
          { name: 'theirs', token: 'tok-theirs' },
          { name: 'doomed', token: 'tok-doomed' },
        ],
      },
      { name: 'evoX', apiKey: 'key-x', database: 'pg', clientName: 'other_client', instances: [{ name: 'foreign' }] },
    ],
  });
  a = sim.serverUrl('evoA');
  b = sim.serverUrl('evoB');
});
afterAll(() => sim.close());

const onA = (method: string, path: string, body?: unknown, key = 'key-a') => call(a, method, path, { body, key });

describe('an instance known only from the shared database', () => {
  it('passes the guards (global key or its own token) and reads as not loaded', async () => {
    expect(await onA('GET', '/instance/connectionState/theirs')).toMatchObject({
      status: 200,
      body: { instance: { instanceName: 'theirs' } },
    });
    expect((await onA('GET', '/instance/connectionState/theirs')).body).toEqual({
      instance: { instanceName: 'theirs' },
    });
    expect((await onA('GET', '/instance/connectionState/theirs', undefined, 'tok-theirs')).status).toBe(200);
    expect((await onA('GET', '/instance/connectionState/theirs', undefined, 'tok-mine')).status).toBe(401);
    expect((await onA('GET', '/instance/connectionState/ghost')).status).toBe(404);
  });

  it('answers each route the way a server without the instance in memory does', async () => {
    expect(await onA('GET', '/instance/connect/theirs')).toMatchObject({ status: 200, body: failure });
    expect(await onA('POST', '/instance/restart/theirs')).toMatchObject({ status: 200, body: failure });
    expect(await onA('POST', '/chat/whatsappNumbers/theirs', { numbers: ['5511987654321'] })).toMatchObject({
      status: 400,
      body: {},
    });
    expect(await onA('POST', '/chat/findMessages/theirs', {})).toMatchObject({
      status: 500,
      body: { response: { message: "Cannot read properties of undefined (reading 'fetchMessages')" } },
    });
    expect(
      await onA('POST', '/webhook/set/theirs', { webhook: { enabled: true, url: 'http://x', events: [] } }),
    ).toMatchObject({
      status: 500,
      body: { response: { message: "Cannot read properties of undefined (reading 'instanceId')" } },
    });
    expect(await onA('GET', '/webhook/find/theirs')).toMatchObject({ status: 200, body: null });
  });

  it('logout answers 200 SUCCESS and does nothing', async () => {
    expect(await onA('DELETE', '/instance/logout/theirs')).toMatchObject({
      status: 200,
      body: { status: 'SUCCESS', error: false },
    });
    expect((await call(b, 'GET', '/instance/connectionState/theirs', { key: 'key-b' })).body).toEqual({
      instance: { instanceName: 'theirs', state: 'open' },
    });
  });

  it('create with its name is refused with the 403 "already in use"', async () => {
    expect(
      await onA('POST', '/instance/create', { instanceName: 'theirs', integration: 'WHATSAPP-BAILEYS' }),
    ).toMatchObject({
      status: 403,
      body: { status: 403, error: 'Forbidden', response: { message: ['This name "theirs" is already in use.'] } },
    });
  });

  it('delete answers 200 and deletes the row the other server still runs', async () => {
    expect(await onA('DELETE', '/instance/delete/doomed')).toMatchObject({
      status: 200,
      body: { status: 'SUCCESS', response: { message: 'Instance deleted' } },
    });
    // evoB still has it in memory: the global key sends, its token (read from the row) no longer works.
    expect((await sendText(b, 'doomed', { number: '5511987654321', text: 'oi' }, 'key-b')).status).toBe(201);
    expect((await sendText(b, 'doomed', { number: '5511987654321', text: 'oi' }, 'tok-doomed')).status).toBe(401);
    const rows = await call<Array<{ name: string }>>(b, 'GET', '/instance/fetchInstances', { key: 'key-b' });
    expect(rows.body.map((r) => r.name)).not.toContain('doomed');
    expect((await onA('GET', '/instance/connectionState/doomed')).status).toBe(404);
  });
});

describe('fetchInstances on a shared database', () => {
  it('lists every row with this client name, and 404s a name another server hosts', async () => {
    const rows = await call<Array<{ name: string; clientName: string }>>(a, 'GET', '/instance/fetchInstances', {
      key: 'key-a',
    });
    expect(rows.body.map((r) => r.name).sort()).toEqual(['mine', 'theirs']);
    expect(await onA('GET', '/instance/fetchInstances?instanceName=theirs')).toMatchObject({
      status: 404,
      body: { response: { message: ['Instance "theirs" not found'] } },
    });
    expect(
      (await call<unknown[]>(sim.serverUrl('evoX'), 'GET', '/instance/fetchInstances', { key: 'key-x' })).body,
    ).toHaveLength(1);
  });

  it('with an instance token: its own row, 401 for another name, 404 when another server hosts it', async () => {
    expect((await onA('GET', '/instance/fetchInstances', undefined, 'tok-mine')).body).toMatchObject([
      { name: 'mine' },
    ]);
    expect(await onA('GET', '/instance/fetchInstances?instanceName=theirs', undefined, 'tok-mine')).toMatchObject({
      status: 401,
    });
    expect(await onA('GET', '/instance/fetchInstances?instanceName=ghost', undefined, 'tok-mine')).toMatchObject({
      status: 401,
    });
    expect(await onA('GET', '/instance/fetchInstances', undefined, 'tok-theirs')).toMatchObject({ status: 404 });
  });
});
