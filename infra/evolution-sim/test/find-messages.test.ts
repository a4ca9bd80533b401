import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { call, sendText, startSim, until } from './helpers.ts';
import { startReceiver } from './receiver.ts';

// POST /chat/findMessages/{i}: the instance's Message rows, Evolution's filters and paging.
let sim: Awaited<ReturnType<typeof startSim>>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let base: string;

interface Page {
  messages: {
    total: number;
    pages: number;
    currentPage: number;
    records: Array<
      Record<string, unknown> & {
        id: string;
        key: { id: string; fromMe: boolean; remoteJid: string };
        MessageUpdate: Array<{ status: string }>;
      }
    >;
  };
}
const find = (body: unknown, instance = 'acme-01') =>
  call<Page>(base, 'POST', `/chat/findMessages/${instance}`, { body });
const send = (number: string, text: string) => sendText(base, 'acme-01', { number, text });

beforeAll(async () => {
  receiver = await startReceiver();
  sim = await startSim({ webhook: { ackDelaysMs: [10, 20, 30] } });
  sim.control.addServer({
    name: 'nosave',
    apiKey: 'k-nosave',
    saveMessages: false,
    instances: [{ name: 'n-01', webhook: { url: receiver.url, events: ['SEND_MESSAGE', 'MESSAGES_UPDATE'] } }],
  });
  base = sim.serverUrl('evo1');
});
afterAll(async () => {
  await sim.close();
  await receiver.close();
});
beforeEach(() => {
  sim.control.reset();
  sim.control.setInstanceState('evo1', 'acme-01', 'open');
  receiver.clear();
});

describe('findMessages', () => {
  it('answers sent and received messages, newest first, in the paged envelope', async () => {
    const a = await send('5511987654321', 'primeira');
    const b = await send('5541987654321', 'segunda');
    const inbound = sim.control.inbound('evo1', 'acme-01', {
      from: '5511987654321',
      text: 'oi de volta',
      pushName: 'Maria',
    });
    const res = await find({});
    expect(res.status).toBe(200);
    expect(res.body.messages).toMatchObject({ total: 3, pages: 1, currentPage: 1 });
    expect(res.body.messages.records.map((r) => r.key.id)).toEqual([inbound.keyId, b.body.key.id, a.body.key.id]);
    const sent = res.body.messages.records[2]!;
    expect(Object.keys(sent).sort()).toEqual(
      [
        'MessageUpdate',
        'contextInfo',
        'id',
        'instanceId',
        'key',
        'message',
        'messageTimestamp',
        'messageType',
        'pushName',
        'source',
      ].sort(),
    );
    expect(sent).toMatchObject({
      id: expect.stringMatching(/^cm/),
      key: { remoteJid: '5511987654321@s.whatsapp.net', fromMe: true, id: a.body.key.id },
      pushName: 'Você',
      messageType: 'conversation',
      message: { conversation: 'primeira' },
      messageTimestamp: a.body.messageTimestamp,
      instanceId: a.body.instanceId,
      source: 'web',
    });
    expect(res.body.messages.records[0]).toMatchObject({
      key: { fromMe: false },
      pushName: 'Maria',
      message: { conversation: 'oi de volta' },
      contextInfo: null,
      MessageUpdate: [],
    });
  });

  it('collects the receipts of a sent message as MessageUpdate rows, whose messageId is the row id', async () => {
    await call(base, 'POST', '/webhook/set/acme-01', {
      body: { webhook: { enabled: true, url: receiver.url, events: ['MESSAGES_UPDATE'] } },
    });
    const sent = await send('5511987654321', 'oi');
    await until(() => receiver.received.length >= 3);
    const [record] = (await find({ where: { key: { id: sent.body.key.id } } })).body.messages.records;
    expect(record!.MessageUpdate).toEqual([{ status: 'SERVER_ACK' }, { status: 'DELIVERY_ACK' }, { status: 'READ' }]);
    expect(receiver.received.map((r) => r.body.data?.messageId)).toEqual([record!.id, record!.id, record!.id]);
    expect((await find({ where: { id: record!.id } })).body.messages.total).toBe(1);
  });

  it('filters like the Prisma query: exact remoteJid, fromMe only when true, timestamps only with both ends', async () => {
    await send('5541987654321', 'a');
    await send('5511987654321', 'b');
    sim.control.inbound('evo1', 'acme-01', { from: '5511987654321' });
    const total = async (where: unknown) => (await find({ where })).body.messages.total;
    expect(await total({ key: { remoteJid: '554187654321@s.whatsapp.net' } })).toBe(1);
    // No JID normalisation: the 13-digit form is not the stored one.
    expect(await total({ key: { remoteJid: '5541987654321@s.whatsapp.net' } })).toBe(0);
    expect(await total({ key: { fromMe: true } })).toBe(2);
    expect(await total({ key: { fromMe: false } })).toBe(3);
    expect(await total({ messageType: 'conversation', source: 'web' })).toBe(2);
    const now = Date.now();
    expect(await total({ messageTimestamp: { gte: new Date(now + 60_000).toISOString() } })).toBe(3);
    expect(
      await total({
        messageTimestamp: { gte: new Date(now + 60_000).toISOString(), lte: new Date(now + 120_000).toISOString() },
      }),
    ).toBe(0);
    expect(await total({ messageTimestamp: { gte: now - 60_000, lte: now + 60_000 } })).toBe(3);
  });

  it('pages by offset (page size, default 50) and page; `limit` is ignored', async () => {
    for (let i = 0; i < 5; i++) await send('5511987654321', `m${i}`);
    const page2 = (await find({ offset: 2, page: 2, limit: 1 })).body.messages;
    expect(page2).toMatchObject({ total: 5, pages: 3, currentPage: 2 });
    expect(page2.records.map((r) => (r.message as { conversation: string }).conversation)).toEqual(['m2', 'm1']);
    expect((await find({ limit: 1 })).body.messages.records).toHaveLength(5);
  });

  it('is scoped to the instance, answers while it is closed, and validates like Evolution', async () => {
    await send('5511987654321', 'só do acme-01');
    expect((await find({}, 'acme-02')).body.messages).toEqual({ total: 0, pages: 0, currentPage: 1, records: [] });
    sim.control.setInstanceState('evo1', 'acme-01', 'close');
    expect((await find({})).body.messages.total).toBe(1);
    const bad = (message: string[]) => ({
      status: 400,
      body: { status: 400, error: 'Bad Request', response: { message: [message] } },
    });
    expect(await find({ where: 'x' })).toMatchObject(bad(['where is not of a type(s) object']));
    expect(await find({ limit: 1.5 })).toMatchObject(bad(['limit is not of a type(s) integer']));
    expect(await find({ where: { key: { fromMe: 'yes' } } })).toMatchObject(
      bad(['where.key.fromMe is not of a type(s) boolean']),
    );
    expect(await find({ where: { key: { remoteJid: '' } } })).toMatchObject(bad(['The property cannot be empty']));
  });
});

describe('a server that saves no messages (DATABASE_SAVE_DATA_NEW_MESSAGE=false)', () => {
  it('finds nothing and never sends a receipt', async () => {
    await call(base, 'POST', '/webhook/set/acme-01', {
      body: { webhook: { enabled: true, url: receiver.url, events: ['MESSAGES_UPDATE'] } },
    });
    const lost = await sendText(sim.serverUrl('nosave'), 'n-01', { number: '5511987654321', text: 'oi' }, 'k-nosave');
    expect(lost.status).toBe(201);
    // A message sent later on a saving server gets all its receipts; the earlier one none.
    await send('5511987654321', 'oi');
    await until(() => receiver.received.filter((r) => r.body.event === 'messages.update').length >= 3);
    expect(receiver.events('n-01')).toEqual(['send.message']);
    const res = await call<Page>(sim.serverUrl('nosave'), 'POST', '/chat/findMessages/n-01', {
      body: {},
      key: 'k-nosave',
    });
    expect(res.body.messages.total).toBe(0);
    expect(sim.control.messages({ server: 'nosave' })).toHaveLength(1);
  });
});
