import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { startSimulator, type RunningSimulator } from '@bora/evolution-sim';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEvolutionClient, type EvolutionClient } from '../src/index.ts';
import { failure } from './helpers.ts';

// sendText against the Evolution simulator over real HTTP: success shapes, what goes on the wire,
// and every send failure of CONTRACT.md's error table.

let sim: RunningSimulator;
let evo: EvolutionClient;
const clients: EvolutionClient[] = [];

function client(options: { server?: string; apiKey?: string; timeoutMs?: number } = {}): EvolutionClient {
  const created = createEvolutionClient({
    baseUrl: sim.serverUrl(options.server ?? 'evo1'),
    apiKey: options.apiKey ?? 'k1',
    timeoutMs: options.timeoutMs ?? 3000,
  });
  clients.push(created);
  return created;
}

beforeAll(async () => {
  sim = await startSimulator({
    port: 0,
    servers: [
      {
        name: 'evo1',
        apiKey: 'k1',
        instances: [{ name: 'acme-01' }, { name: 'acme-02' }, { name: 'closed-01', state: 'close' }],
      },
      { name: 'legacy', apiKey: 'k9', version: 'v1', instances: [{ name: 'old-01' }] },
    ],
  });
  evo = client();
});

afterAll(async () => {
  for (const c of clients) c.close();
  await sim.close();
});

beforeEach(() => sim.control.reset());

const send = (c: EvolutionClient, overrides: Partial<Parameters<EvolutionClient['sendText']>[0]> = {}) =>
  c.sendText({ instance: 'acme-01', number: '5511987654321', text: 'Seu horário está confirmado', ...overrides });

describe('sendText success', () => {
  it('returns the typed result and sends digits only with linkPreview:false', async () => {
    const before = Math.floor(Date.now() / 1000);
    const result = await send(evo, { number: '+55 (11) 98765-4321' });
    expect(result.keyId).toMatch(/^3EB0[0-9A-F]{18,36}$/);
    expect(result).toMatchObject({ remoteJid: '5511987654321@s.whatsapp.net', status: 'PENDING' });
    expect(result.messageTimestamp).toBeGreaterThanOrEqual(before);
    expect(result.instanceId).toEqual(expect.any(String));
    const [message] = sim.control.messages({ server: 'evo1', instance: 'acme-01' });
    expect(message).toMatchObject({
      number: '5511987654321',
      text: 'Seu horário está confirmado',
      keyId: result.keyId,
      linkPreview: false,
    });
    expect(message?.delay).toBeUndefined();
  });

  it('gets back a remoteJid without the 9th digit for an old-style Brazilian line', async () => {
    // DDD 31 and a first digit ≥ 7: the server drops the 9. Sent with "+", the server would not.
    const result = await send(evo, { number: '+55 31 98765-4321' });
    expect(result.remoteJid).toBe('553187654321@s.whatsapp.net');
    expect(sim.control.messages()[0]?.number).toBe('5531987654321');
  });

  it('passes a full JID through and honours an explicit linkPreview', async () => {
    const result = await send(evo, { number: '5521912345678@s.whatsapp.net', linkPreview: true });
    expect(result.remoteJid).toBe('5521912345678@s.whatsapp.net');
    expect(sim.control.messages()[0]).toMatchObject({ number: '5521912345678@s.whatsapp.net', linkPreview: true });
  });

  it('lets a delay longer than the timeout finish (timeout = configured + delay)', async () => {
    const started = Date.now();
    const result = await send(client({ timeoutMs: 300 }), { delay: 800 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(790);
    expect(result.keyId).toMatch(/^3EB0/);
    expect(sim.control.messages()[0]?.delay).toBe(800);
  });

  it('reuses one keep-alive socket across consecutive calls', async () => {
    const fresh = client();
    let opened = 0;
    const onSocket = () => {
      opened += 1;
    };
    subscribe('net.client.socket', onSocket);
    try {
      await send(fresh);
      await send(fresh);
      await fresh.connectionState('acme-01');
    } finally {
      unsubscribe('net.client.socket', onSocket);
    }
    expect(opened).toBe(1);
    expect(sim.control.messages()).toHaveLength(2);
  });
});

describe('sendText failures', () => {
  it('NUMBER_NOT_ON_WHATSAPP for an unregistered number (recipient, not retryable)', async () => {
    sim.control.markUnregistered(['5511999999999']);
    const error = await failure(send(evo, { number: '+55 11 99999-9999' }));
    expect(error).toMatchObject({
      code: 'NUMBER_NOT_ON_WHATSAPP',
      scope: 'recipient',
      retryable: false,
      httpStatus: 400,
    });
    expect(error.userMessage).toBe('O número 5511…9999 não tem WhatsApp');
  });

  it('EMPTY_TEXT for a blank text (request)', async () => {
    const error = await failure(send(evo, { text: '   ' }));
    expect(error).toMatchObject({ code: 'EMPTY_TEXT', scope: 'request', retryable: false, httpStatus: 400 });
  });

  it('INSTANCE_NOT_FOUND for an unknown instance, even with a wrong key (404 comes first)', async () => {
    for (const c of [evo, client({ apiKey: 'wrong' })]) {
      const error = await failure(send(c, { instance: 'ghost-01' }));
      expect(error).toMatchObject({ code: 'INSTANCE_NOT_FOUND', scope: 'instance', retryable: false, httpStatus: 404 });
      expect(error.userMessage).toBe('A instância "ghost-01" não existe neste servidor Evolution');
    }
  });

  it('UNAUTHORIZED for a wrong key (auth, not retryable)', async () => {
    const error = await failure(send(client({ apiKey: 'wrong' })));
    expect(error).toMatchObject({ code: 'UNAUTHORIZED', scope: 'auth', retryable: false, httpStatus: 401 });
    expect(error.userMessage).toBe('Chave de API (apikey) incorreta para este servidor');
  });

  it('INSTANCE_NOT_CONNECTED for a closed instance (instance, retryable): 500 for a number the server never saw', async () => {
    const error = await failure(send(evo, { instance: 'closed-01' }));
    // OBSERVED-2.3.6: a closed session answers 500 "Connection Closed" unless the number is in
    // the shared IsOnWhatsapp cache (then 400 ["Error: Connection Closed"]).
    expect(error).toMatchObject({
      code: 'INSTANCE_NOT_CONNECTED',
      scope: 'instance',
      retryable: true,
      httpStatus: 500,
    });
  });

  it.each([
    ['connection-closed', 'INSTANCE_NOT_CONNECTED', 400],
    ['connection-closed-500', 'INSTANCE_NOT_CONNECTED', 500],
    ['typeerror-500', 'INSTANCE_UNAVAILABLE', 500],
  ] as const)('an "open" instance failing with %s → %s', async (fault, code, status) => {
    sim.control.setInstanceFaults('evo1', 'acme-02', { sendError: fault });
    const error = await failure(send(evo, { instance: 'acme-02' }));
    expect(error).toMatchObject({ code, scope: 'instance', retryable: true, httpStatus: status });
  });

  it('UNSUPPORTED_VERSION from a v1 server (server, not retryable)', async () => {
    const error = await failure(send(client({ server: 'legacy', apiKey: 'k9' }), { instance: 'old-01' }));
    expect(error).toMatchObject({ code: 'UNSUPPORTED_VERSION', scope: 'server', retryable: false, httpStatus: 400 });
    expect(error.message).toMatch(/v1 server/);
    expect(error.userMessage).toBe('Este servidor parece ser Evolution v1; o sistema requer v2');
  });

  it('SERVER_ERROR for a 5xx, sent once (no hidden retry)', async () => {
    sim.control.setServerFaults('evo1', { errorRate: 1, errorStatus: 503 });
    const error = await failure(send(evo));
    expect(error).toMatchObject({ code: 'SERVER_ERROR', scope: 'server', retryable: true, httpStatus: 503 });
    sim.control.setServerFaults('evo1', { errorRate: 0 });
    expect(sim.control.messages()).toHaveLength(0);
  });

  it('TIMEOUT for a hung server and for one slower than the timeout', async () => {
    const quick = client({ timeoutMs: 250 });
    sim.control.setServerFaults('evo1', { hang: true });
    expect(await failure(send(quick))).toMatchObject({ code: 'TIMEOUT', scope: 'server', retryable: true });
    sim.control.setServerFaults('evo1', { hang: false, latencyMs: 600 });
    expect(await failure(send(quick))).toMatchObject({ code: 'TIMEOUT', scope: 'server', retryable: true });
  });

  it('CONNECTION_RESET (outcome unknown) for a connection reset after the request was written', async () => {
    sim.control.setServerFaults('evo1', { reset: true });
    const error = await failure(send(evo));
    expect(error).toMatchObject({
      code: 'CONNECTION_RESET',
      scope: 'server',
      retryable: true,
      httpStatus: undefined,
      outcome: 'unknown',
    });
    expect(error.userMessage).toMatch(/pode ter sido enviada/);
  });

  it('ROUTE_NOT_FOUND when the base URL points at no Evolution server', async () => {
    const error = await failure(send(client({ server: 'nowhere' })));
    expect(error).toMatchObject({ code: 'ROUTE_NOT_FOUND', scope: 'server', retryable: false, httpStatus: 404 });
  });

  it('refuses a number with no digits before any request (recipient)', async () => {
    const error = await failure(send(evo, { number: 'não sei' }));
    expect(error).toMatchObject({ code: 'INVALID_NUMBER', scope: 'recipient', retryable: false });
    expect(sim.control.messages()).toHaveLength(0);
  });
});
