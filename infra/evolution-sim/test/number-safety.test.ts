import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { call, sendText, startSim, until } from './helpers.ts';
import { startReceiver } from './receiver.ts';

// What a number-safety feature will watch: number age, WhatsApp's reach-out lock, lost messages.
let sim: Awaited<ReturnType<typeof startSim>>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let base: string;

beforeAll(async () => {
  receiver = await startReceiver();
  sim = await startSim({ webhook: { ackDelaysMs: [5, 10, 15] } });
  sim.control.addInstance('evo1', { name: 'old-01', createdAt: '2023-05-01T12:00:00.000Z' });
  sim.control.addInstance('evo1', { name: 'witness', webhook: { url: receiver.url, events: ['MESSAGES_UPDATE'] } });
  base = sim.serverUrl('evo1');
});
afterAll(async () => {
  await sim.close();
  await receiver.close();
});
beforeEach(async () => {
  sim.control.reset();
  await call(base, 'POST', '/webhook/set/acme-01', {
    body: { webhook: { enabled: true, url: receiver.url, events: ['SEND_MESSAGE', 'MESSAGES_UPDATE'] } },
  });
  receiver.clear();
});

const send = (number: string, instance = 'acme-01') =>
  sendText(base, instance, { number, text: 'Lembrete do seu horário' });
const updates = (keyId: string) =>
  receiver.received
    .filter((r) => r.body.event === 'messages.update' && r.body.data?.keyId === keyId)
    .map((r) => r.body.data);
/** A witness message on another instance: once its READ is in, an earlier message's receipts would be too. */
async function afterWitness() {
  const w = await send('5511900000000', 'witness');
  await until(() => updates(w.body.key.id).length >= 3);
}

describe('number age', () => {
  it("is the row's createdAt, settable at creation, by the control API and over HTTP", async () => {
    const createdAt = async (name: string) =>
      (await call<Array<{ createdAt: string }>>(base, 'GET', `/instance/fetchInstances?instanceName=${name}`)).body[0]!
        .createdAt;
    expect(await createdAt('old-01')).toBe('2023-05-01T12:00:00.000Z');
    sim.control.setInstanceCreatedAt('evo1', 'old-01', '2024-01-02T03:04:05Z');
    expect(await createdAt('old-01')).toBe('2024-01-02T03:04:05.000Z');
    expect(
      (
        await call(sim.url, 'POST', '/__sim/servers/evo1/instances/old-01/created-at', {
          body: { createdAt: '2025-06-07T08:09:10.000Z' },
          key: null,
        })
      ).status,
    ).toBe(200);
    expect(await createdAt('old-01')).toBe('2025-06-07T08:09:10.000Z');
    expect(() => sim.control.setInstanceCreatedAt('evo1', 'old-01', 'yesterday')).toThrow(/not a date/);
  });
});

describe('reachoutLock (WhatsApp error 463)', () => {
  it('a stranger gets 201 PENDING, then messages.update ERROR without any code, and never the message', async () => {
    sim.control.setInstanceFaults('evo1', 'acme-01', { reachoutLock: true });
    const res = await send('5511987650001');
    expect(res).toMatchObject({ status: 201, body: { status: 'PENDING' } });
    await until(() => updates(res.body.key.id).length >= 1);
    await afterWitness();
    expect(updates(res.body.key.id)).toEqual([
      {
        keyId: res.body.key.id,
        remoteJid: '5511987650001@s.whatsapp.net',
        fromMe: true,
        status: 'ERROR',
        instanceId: res.body.instanceId,
        messageId: expect.stringMatching(/^cm/),
      },
    ]);
    expect(sim.control.messages({ instance: 'acme-01' })).toEqual([
      expect.objectContaining({ keyId: res.body.key.id, swallowed: 'reachout-lock' }),
    ]);
    const found = await call<{ messages: { records: Array<{ MessageUpdate: unknown[] }> } }>(
      base,
      'POST',
      '/chat/findMessages/acme-01',
      { body: {} },
    );
    expect(found.body.messages.records[0]!.MessageUpdate).toEqual([{ status: 'ERROR' }]);
  });

  it('spares customers the instance already chatted with: they wrote first, or got a message before the lock', async () => {
    await send('5511987650002');
    sim.control.inbound('evo1', 'acme-01', { from: '5511987650003' });
    sim.control.setInstanceFaults('evo1', 'acme-01', { reachoutLock: true });
    receiver.clear();
    const before = await send('5511987650002');
    const replied = await send('5511987650003');
    await until(() => updates(before.body.key.id).length >= 3 && updates(replied.body.key.id).length >= 3);
    expect(updates(replied.body.key.id).map((d) => d!.status)).toEqual(['SERVER_ACK', 'DELIVERY_ACK', 'READ']);
    expect(sim.control.messages().filter((m) => m.swallowed)).toEqual([]);
  });
});

describe('receipts faults: "open" instances that lose every message', () => {
  it('never: 201 PENDING and send.message, then no receipt at all; recorded as swallowed', async () => {
    sim.control.setInstanceFaults('evo1', 'acme-01', { receipts: 'never' });
    const res = await send('5511987650004');
    expect(res).toMatchObject({ status: 201, body: { status: 'PENDING' } });
    await afterWitness();
    expect(receiver.events('acme-01')).toEqual(['send.message']);
    expect(sim.control.messages({ instance: 'acme-01' })).toEqual([
      expect.objectContaining({ swallowed: 'no-receipts' }),
    ]);
  });

  it('server-ack-only: SERVER_ACK and never DELIVERY_ACK', async () => {
    sim.control.setInstanceFaults('evo1', 'acme-01', { receipts: 'server-ack-only' });
    const res = await send('5511987650005');
    await afterWitness();
    expect(updates(res.body.key.id).map((d) => d!.status)).toEqual(['SERVER_ACK']);
    expect(sim.control.messages({ instance: 'acme-01' })[0]).toMatchObject({ swallowed: 'no-receipts' });
  });
});

describe('unlinkFromPhone: the owner removes the linked device (a 401 from WhatsApp)', () => {
  it('posts status.instance 401, logout.instance and connection.update close 401; the session then needs a new scan', async () => {
    sim.control.addInstance('evo1', {
      name: 'linked-01',
      webhook: {
        url: receiver.url,
        events: ['STATUS_INSTANCE', 'LOGOUT_INSTANCE', 'CONNECTION_UPDATE', 'QRCODE_UPDATED'],
      },
    });
    sim.control.unlinkFromPhone('evo1', 'linked-01');
    await until(() => receiver.events('linked-01').length >= 3);
    expect(receiver.events('linked-01')).toEqual(['status.instance', 'logout.instance', 'connection.update']);
    const bodies = receiver.received.filter((r) => r.body.instance === 'linked-01').map((r) => r.body.data);
    expect(bodies[0]).toMatchObject({ status: 'closed', disconnectionReasonCode: 401 });
    expect(bodies[2]).toMatchObject({ state: 'close', statusReason: 401 });
    // Not paired any more: connecting shows QR codes instead of reconnecting by itself.
    const connect = await call<{ code?: string }>(base, 'GET', '/instance/connect/linked-01?number=5511911112222');
    expect(connect.status).toBe(200);
    await until(() => receiver.events('linked-01').includes('qrcode.updated'));
    // Twice is a conflict: nothing is linked any more (also over HTTP).
    expect(() => sim.control.unlinkFromPhone('evo1', 'linked-01')).toThrow(/no linked session/);
    expect((await call(sim.url, 'POST', '/__sim/servers/evo1/instances/linked-01/unlink', { key: null })).status).toBe(
      409,
    );
  });
});
