import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { call, KEY, startSim, until } from './helpers.ts';
import { startReceiver } from './receiver.ts';

// The customer got the message; the client cannot tell. Each case is recorded as delivered and
// still posts send.message (Evolution starts that webhook just before it returns the 201).
let sim: Awaited<ReturnType<typeof startSim>>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let base: string;

beforeAll(async () => {
  receiver = await startReceiver();
  sim = await startSim();
  base = sim.serverUrl('evo1');
});
afterAll(async () => {
  await sim.close();
  await receiver.close();
});
beforeEach(async () => {
  sim.control.reset();
  receiver.clear();
  await call(base, 'POST', '/webhook/set/acme-01', {
    body: { webhook: { enabled: true, url: receiver.url, events: ['SEND_MESSAGE'] } },
  });
});

const post = (timeoutMs = 5_000) =>
  fetch(`${base}/message/sendText/acme-01`, {
    method: 'POST',
    headers: { apikey: KEY, 'content-type': 'application/json' },
    body: JSON.stringify({ number: '5511987654321', text: 'oi' }),
    signal: AbortSignal.timeout(timeoutMs),
  });

async function expectDeliveredAndPosted(afterSend: string) {
  await until(() => receiver.received.length >= 1);
  const [message] = sim.control.messages();
  expect(message).toMatchObject({ text: 'oi', afterSend });
  expect(message!.swallowed).toBeUndefined();
  expect(receiver.received[0]!.body.data).toMatchObject({ key: { id: message!.keyId }, status: 'PENDING' });
}

describe('afterSend faults', () => {
  it('delay: the 201 comes after the client gave up', async () => {
    sim.control.setInstanceFaults('evo1', 'acme-01', { afterSend: 'delay', afterSendDelayMs: 600 });
    const err = await post(200).catch((e: Error) => e);
    expect((err as Error).name).toBe('TimeoutError');
    await expectDeliveredAndPosted('delay');
    const started = Date.now();
    const late = await post();
    expect(late.status).toBe(201);
    expect(Date.now() - started).toBeGreaterThanOrEqual(580);
  });

  it('reset: the socket dies after the message left', async () => {
    sim.control.setInstanceFaults('evo1', 'acme-01', { afterSend: 'reset' });
    const err = await post().catch((e: Error & { cause?: { code?: string } }) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect((err as TypeError & { cause?: { code?: string } }).cause?.code).toMatch(/ECONNRESET|UND_ERR_SOCKET/);
    await expectDeliveredAndPosted('reset');
  });

  it('garbage: a 201 whose body is cut-off JSON', async () => {
    sim.control.setInstanceFaults('evo1', 'acme-01', { afterSend: 'garbage' });
    const res = await post();
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const text = await res.text();
    expect(text.startsWith('{"key":')).toBe(true);
    expect(() => JSON.parse(text)).toThrow();
    await expectDeliveredAndPosted('garbage');
  });

  it('no-key: a 201 JSON without key.id', async () => {
    sim.control.setInstanceFaults('evo1', 'acme-01', { afterSend: 'no-key' });
    const res = await post();
    expect(res.status).toBe(201);
    const body = (await res.json()) as { key: Record<string, unknown>; status: string };
    expect(body.key).toEqual({ remoteJid: '5511987654321@s.whatsapp.net', fromMe: true });
    expect(body.status).toBe('PENDING');
    await expectDeliveredAndPosted('no-key');
  });

  it('bad-jid and fixed-key: a mangling gateway answers a NUL in the JID, or one replayed key id for every send', async () => {
    sim.control.setInstanceFaults('evo1', 'acme-01', { afterSend: 'bad-jid' });
    const mangled = (await (await post()).json()) as { key: { remoteJid: string } };
    expect(mangled.key.remoteJid).toBe('5511987654321\u0000@s.whatsapp.net');
    await expectDeliveredAndPosted('bad-jid');
    sim.control.setInstanceFaults('evo1', 'acme-01', { afterSend: 'fixed-key' });
    const first = (await (await post()).json()) as { key: { id: string } };
    const second = (await (await post()).json()) as { key: { id: string } };
    expect(first.key.id).toBe(second.key.id);
    // The customer got two distinct messages all the same.
    const ids = sim.control
      .messages()
      .slice(-2)
      .map((m) => m.keyId);
    expect(new Set(ids).size).toBe(2);
  });
});
