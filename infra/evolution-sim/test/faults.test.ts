import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { call, sendText, startSim } from './helpers.ts';

let sim: Awaited<ReturnType<typeof startSim>>;
let base: string;
const send = (server = base) => sendText(server, 'acme-01', { number: '5511987654321', text: 'oi' });

beforeAll(async () => {
  sim = await startSim();
  sim.control.addServer({ name: 'evo2', apiKey: 'k2', instances: [{ name: 'acme-01' }] });
  base = sim.serverUrl('evo1');
});
afterAll(() => sim.close());
beforeEach(() => sim.control.reset());

describe('server faults', () => {
  it('answers every request with errorStatus at errorRate 1, before routing and auth', async () => {
    sim.control.setServerFaults('evo1', { errorRate: 1, errorStatus: 503 });
    expect(await send()).toMatchObject({
      status: 503,
      body: { status: 503, error: 'Service Unavailable', response: { message: 'Service Unavailable' } },
    });
    expect((await call(base, 'GET', '/instance/connectionState/ghost', { key: 'wrong' })).status).toBe(503);
    expect(sim.control.messages()).toHaveLength(0);
    // Other virtual servers in the process stay healthy.
    expect(
      (await sendText(sim.serverUrl('evo2'), 'acme-01', { number: '5511987654321', text: 'oi' }, 'k2')).status,
    ).toBe(201);
  });

  it('fails about errorRate of the requests (default status 500)', async () => {
    sim.control.setServerFaults('evo1', { errorRate: 0.5 });
    const statuses = await Promise.all(Array.from({ length: 200 }, () => send().then((r) => r.status)));
    const failed = statuses.filter((s) => s === 500).length;
    expect(failed).toBeGreaterThan(60);
    expect(failed).toBeLessThan(140);
    expect(statuses.filter((s) => s !== 500).every((s) => s === 201)).toBe(true);
    expect(sim.control.messages()).toHaveLength(200 - failed);
  });

  it('adds latency to every request', async () => {
    sim.control.setServerFaults('evo1', { latencyMs: 250 });
    const res = await send();
    expect(res.status).toBe(201);
    expect(res.ms).toBeGreaterThanOrEqual(240);
  });

  it('hangs without answering, so the client must time out', async () => {
    sim.control.setServerFaults('evo1', { hang: true });
    const started = Date.now();
    const err = await fetch(`${base}/message/sendText/acme-01`, {
      method: 'POST',
      headers: { apikey: 'global-key', 'content-type': 'application/json' },
      body: JSON.stringify({ number: '5511987654321', text: 'oi' }),
      signal: AbortSignal.timeout(300),
    }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).toBe('TimeoutError');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(sim.control.messages()).toHaveLength(0);
  });

  it('resets the connection without an answer', async () => {
    sim.control.setServerFaults('evo1', { reset: true });
    const err = await send().catch((e: Error & { cause?: { code?: string } }) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect((err as TypeError & { cause?: { code?: string } }).cause?.code).toMatch(/ECONNRESET|UND_ERR_SOCKET/);
  });

  it('reset() clears server and instance faults and unregistered numbers', async () => {
    sim.control.setServerFaults('evo1', { errorRate: 1 });
    sim.control.setInstanceFaults('evo1', 'acme-01', { sendError: 'connection-closed' });
    sim.control.markUnregistered(['5511987654321']);
    sim.control.reset();
    expect((await send()).status).toBe(201);
  });
});

describe('instance faults', () => {
  const sendAs = (instance: string) => sendText(base, instance, { number: '5511987654321', text: 'oi' });

  it('answer errorStatus on the routes naming that instance only', async () => {
    sim.control.setInstanceFaults('evo1', 'acme-01', { errorRate: 1, errorStatus: 502 });
    expect(await sendAs('acme-01')).toMatchObject({ status: 502, body: { status: 502, error: 'Bad Gateway' } });
    expect((await call(base, 'GET', '/instance/connectionState/acme-01')).status).toBe(502);
    expect((await sendAs('acme-02')).status).toBe(201);
    expect((await call(base, 'GET', '/instance/fetchInstances')).status).toBe(200);
    expect(sim.control.messages().map((m) => m.instance)).toEqual(['acme-02']);
  });

  it('add latency to one instance, and can hang it while its neighbours answer', async () => {
    sim.control.setInstanceFaults('evo1', 'acme-01', { latencyMs: 250 });
    const slow = await sendAs('acme-01');
    expect(slow.status).toBe(201);
    expect(slow.ms).toBeGreaterThanOrEqual(240);
    expect((await sendAs('acme-02')).ms).toBeLessThan(240);

    sim.control.setInstanceFaults('evo1', 'acme-01', { latencyMs: 0, hang: true });
    const hung = await fetch(`${base}/message/sendText/acme-01`, {
      method: 'POST',
      headers: { apikey: 'global-key', 'content-type': 'application/json' },
      body: JSON.stringify({ number: '5511987654321', text: 'oi' }),
      signal: AbortSignal.timeout(300),
    }).catch((e: Error) => e);
    expect((hung as Error).name).toBe('TimeoutError');
    expect((await sendAs('acme-02')).status).toBe(201);
  });
});

describe('control errors', () => {
  it('throws on unknown servers and instances, and on duplicates', () => {
    expect(() => sim.control.setServerFaults('nope', { hang: true })).toThrow(/unknown server "nope"/);
    expect(() => sim.control.setInstanceState('evo1', 'ghost', 'open')).toThrow(/unknown instance "ghost"/);
    expect(() => sim.control.addServer({ name: 'evo1', apiKey: 'x' })).toThrow(/already exists/);
    expect(() => sim.control.addInstance('evo1', { name: 'acme-01' })).toThrow(/already exists/);
    expect(() => sim.control.addServer({ name: 'bad name', apiKey: 'x' })).toThrow(/URL-safe/);
  });
});
