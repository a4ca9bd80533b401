import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { call, sendText, startSim, until } from './helpers.ts';
import { startReceiver } from './receiver.ts';

// Customers who reply: messages.upsert exactly as Evolution 2.3.6 (Baileys 7 keys, prepareMessage).
let sim: Awaited<ReturnType<typeof startSim>>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let base: string;

const LID = /^\d{15}@lid$/;
const inbound = (body: Record<string, unknown>) =>
  call<{ keyId: string; data: Record<string, unknown>; accepted: boolean; posted: boolean }>(
    sim.url,
    'POST',
    '/__sim/servers/evo1/instances/acme-01/inbound',
    { body, key: null },
  );
const upserts = () =>
  receiver.received
    .filter((r) => r.body.event === 'messages.upsert')
    .map((r) => r.body.data as Record<string, unknown>);

beforeAll(async () => {
  receiver = await startReceiver();
  sim = await startSim({ webhook: { ackDelaysMs: [0, 0, 0] } });
  base = sim.serverUrl('evo1');
});
afterAll(async () => {
  await sim.close();
  await receiver.close();
});
beforeEach(async () => {
  sim.control.reset();
  sim.control.setInstanceState('evo1', 'acme-01', 'open');
  await call(base, 'POST', '/webhook/set/acme-01', {
    body: { webhook: { enabled: true, url: receiver.url, events: [] } },
  });
  receiver.clear();
});

describe('inbound messages.upsert payloads', () => {
  it('text: conversation, the PN chat with its LID alternative, fromMe false, a fresh Android id', async () => {
    const res = await inbound({ from: '5541987654321', text: 'Oi, confirmo!', pushName: 'Maria' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ accepted: true, posted: true });
    await until(() => upserts().length >= 1);
    const data = upserts()[0]!;
    expect(data).toEqual({
      key: {
        remoteJid: '554187654321@s.whatsapp.net',
        remoteJidAlt: expect.stringMatching(LID),
        fromMe: false,
        id: res.body.keyId,
        addressingMode: 'pn',
      },
      pushName: 'Maria',
      status: 'DELIVERY_ACK',
      message: {
        conversation: 'Oi, confirmo!',
        messageContextInfo: expect.objectContaining({ deviceListMetadataVersion: 2 }),
      },
      messageType: 'conversation',
      messageTimestamp: expect.any(Number),
      instanceId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      source: 'android',
    });
    expect(res.body.keyId).toMatch(/^[0-9A-F]{32}$/);
    expect(data).toEqual(res.body.data);
    // A PN chat's LID alternative joins the cache entry's options.
    expect(sim.control.onWhatsappCache('evo1')).toEqual([
      expect.objectContaining({
        remoteJid: '554187654321@s.whatsapp.net',
        lid: null,
        jidOptions: expect.arrayContaining([(data.key as { remoteJidAlt: string }).remoteJidAlt]),
      }),
    ]);
  });

  it('extended (a reply): flattened to conversation, the quote in the top-level contextInfo', async () => {
    const sent = await sendText(base, 'acme-01', { number: '5511987654321', text: 'Seu horário é amanhã' });
    const res = await inbound({ from: '5511987654321', kind: 'extended', text: 'Pode ser às 10?' });
    expect(res.body.data).toMatchObject({
      messageType: 'conversation',
      message: { conversation: 'Pode ser às 10?' },
      contextInfo: {
        stanzaId: sent.body.key.id,
        participant: '5511911112222@s.whatsapp.net',
        quotedMessage: { conversation: 'Seu horário é amanhã' },
      },
    });
    expect(res.body.data.message).not.toHaveProperty('extendedTextMessage');
  });

  it('reaction: reactionMessage pointing at our message', async () => {
    const sent = await sendText(base, 'acme-01', { number: '5511987654321', text: 'Confirmado?' });
    const res = await inbound({ from: '5511987654321', kind: 'reaction', text: '❤️', device: 'ios' });
    expect(res.body.keyId).toMatch(/^3A[0-9A-F]{18}$/);
    expect(res.body.data).toMatchObject({
      messageType: 'reactionMessage',
      source: 'ios',
      message: {
        reactionMessage: {
          key: { remoteJid: '5511987654321@s.whatsapp.net', fromMe: true, id: sent.body.key.id },
          text: '❤️',
          senderTimestampMs: { low: expect.any(Number), high: expect.any(Number), unsigned: false },
        },
      },
    });
  });

  it('image with and without a caption', async () => {
    const plain = (await inbound({ from: '5511987654321', kind: 'image' })).body.data as {
      messageType: string;
      message: { imageMessage: Record<string, unknown> };
    };
    expect(plain.messageType).toBe('imageMessage');
    expect(plain.message.imageMessage).toMatchObject({
      mimetype: 'image/jpeg',
      url: expect.stringMatching(/^https:\/\/mmg\.whatsapp\.net\//),
    });
    expect(plain.message.imageMessage).not.toHaveProperty('caption');
    const captioned = (await inbound({ from: '5511987654321', kind: 'image-caption', text: 'comprovante' })).body.data;
    expect(captioned).toMatchObject({
      messageType: 'imageMessage',
      message: { imageMessage: { caption: 'comprovante' } },
    });
  });

  it('group: the @g.us chat, the sender as participant (LID) with its phone number as participantAlt', async () => {
    const res = await inbound({ from: '5511987654321', kind: 'group', text: 'bom dia grupo' });
    expect(res.body.data.key).toEqual({
      remoteJid: expect.stringMatching(/@g\.us$/),
      fromMe: false,
      id: res.body.keyId,
      participant: expect.stringMatching(LID),
      participantAlt: '5511987654321@s.whatsapp.net',
      addressingMode: 'lid',
    });
  });

  it('lid: a chat addressed by the LID, the phone number as remoteJidAlt, learned by the cache', async () => {
    const res = await inbound({ from: '5511987654321', kind: 'lid' });
    expect(res.body.data.key).toEqual({
      remoteJid: expect.stringMatching(LID),
      remoteJidAlt: '5511987654321@s.whatsapp.net',
      fromMe: false,
      id: res.body.keyId,
      addressingMode: 'lid',
    });
    // saveOnWhatsappCache gets the phone number and the `lid` flag (its alt is the PN, so no LID option).
    expect(sim.control.onWhatsappCache('evo1')).toEqual([
      expect.objectContaining({
        remoteJid: '5511987654321@s.whatsapp.net',
        lid: 'lid',
        jidOptions: ['5511987654321@s.whatsapp.net', '551187654321@s.whatsapp.net'],
      }),
    ]);
  });

  it('status: dropped by the socket unless readStatus is on', async () => {
    const dropped = await inbound({ from: '5511987654321', kind: 'status' });
    expect(dropped.body).toMatchObject({ accepted: false, posted: false });
    sim.control.addInstance('evo1', { name: 'reader', settings: { readStatus: true }, webhook: { url: receiver.url } });
    const read = await call<{ data: { key: Record<string, unknown> } }>(
      sim.url,
      'POST',
      '/__sim/servers/evo1/instances/reader/inbound',
      { body: { from: '5511987654321', kind: 'status' }, key: null },
    );
    expect(read.body.data.key).toMatchObject({
      remoteJid: 'status@broadcast',
      participant: '5511987654321@s.whatsapp.net',
      fromMe: false,
    });
  });
});

describe('inbound side effects', () => {
  it('is stored for findMessages, fills the shared cache, and posts contacts.upsert then contacts.update', async () => {
    await inbound({ from: '5511987654321', pushName: 'Maria' });
    await inbound({ from: '5511987654321', pushName: 'Maria' });
    await until(() => receiver.received.length >= 4);
    expect(receiver.events()).toEqual(['messages.upsert', 'contacts.upsert', 'messages.upsert', 'contacts.update']);
    expect(receiver.received[1]!.body.data).toEqual({
      remoteJid: '5511987654321@s.whatsapp.net',
      pushName: 'Maria',
      profilePicUrl: null,
      instanceId: expect.any(String),
    });
    // The number is now cached: a closed paired instance fails inside the send (400), not in the query (500).
    sim.control.setInstanceState('evo1', 'acme-02', 'close');
    expect((await sendText(base, 'acme-02', { number: '5511987654321', text: 'oi' })).status).toBe(400);
    sim.control.setInstanceState('evo1', 'acme-02', 'open');
    const numbers = await call(base, 'POST', '/chat/whatsappNumbers/acme-01', { body: { numbers: ['5511987654321'] } });
    expect(numbers.body).toEqual([
      { jid: '5511987654321@s.whatsapp.net', exists: true, number: '5511987654321', name: 'Maria' },
    ]);
  });

  it('our own sends produce send.message only, never messages.upsert (emitOwnEvents: false)', async () => {
    await sendText(base, 'acme-01', { number: '5511987654321', text: 'oi' });
    await until(() => receiver.events().includes('messages.update:READ'));
    expect(receiver.events()).toEqual([
      'send.message',
      'messages.update:SERVER_ACK',
      'messages.update:DELIVERY_ACK',
      'messages.update:READ',
    ]);
  });

  it('goes silent with silentInbound while the message is still stored and findable', async () => {
    sim.control.setInstanceFaults('evo1', 'acme-01', { silentInbound: true });
    const res = await inbound({ from: '5511987654321', text: 'alguém aí?' });
    expect(res.body.posted).toBe(false);
    expect((await call(base, 'GET', '/instance/connectionState/acme-01')).body).toEqual({
      instance: { instanceName: 'acme-01', state: 'open' },
    });
    const found = await call<{ messages: { records: Array<{ key: { id: string } }> } }>(
      base,
      'POST',
      '/chat/findMessages/acme-01',
      { body: { where: { key: { id: res.body.keyId } } } },
    );
    expect(found.body.messages.records).toHaveLength(1);
    // A send still posts: only inbound went quiet.
    await sendText(base, 'acme-01', { number: '5511987654321', text: 'oi' });
    await until(() => receiver.received.length >= 1);
    expect(receiver.events().filter((e) => e === 'messages.upsert')).toEqual([]);
  });

  it('is refused (409) while the instance is not open', async () => {
    sim.control.setInstanceState('evo1', 'acme-01', 'close');
    expect(await inbound({ from: '5511987654321' })).toMatchObject({
      status: 409,
      body: { error: { code: 'INSTANCE_NOT_OPEN' } },
    });
  });
});
