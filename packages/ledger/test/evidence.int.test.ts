import { describe, expect } from 'vitest';
import { numbersOfJid } from '../src/index.ts';
import { rowOf, seedRow, test } from './fixtures.ts';

describe('evidence from the server settles unconfirmed sends', () => {
  test("send.message with the same instance, chat and text settles the unconfirmed row as sent, with the server's key", async ({
    world,
  }) => {
    const id = await seedRow(world, { status: 'unconfirmed', recipient: '5511987654321', text: 'Olá, Ana!' });
    const evidence = {
      keyId: '3EB0SETTLED',
      remoteJid: '5511987654321@s.whatsapp.net',
      instanceName: world.instanceName,
      text: 'Olá, Ana!',
    };
    expect(await world.ledger.receipts.applySendEvidence(world.serverId, evidence)).toBe('updated');
    expect(await rowOf(world, id)).toMatchObject({ status: 'sent', message_id: '3EB0SETTLED', reconcile_at: null });
    expect(await world.ledger.receipts.applySendEvidence(world.serverId, evidence)).toBe('unchanged');
  });

  test('send.message for another text or another instance settles nothing', async ({ world }) => {
    const id = await seedRow(world, { status: 'unconfirmed', recipient: '5511987654322', text: 'Olá, Ana!' });
    const base = { keyId: '3EB0OTHER', remoteJid: '5511987654322@s.whatsapp.net', instanceName: world.instanceName };
    expect(await world.ledger.receipts.applySendEvidence(world.serverId, { ...base, text: 'outra' })).toBe('unmatched');
    expect(
      await world.ledger.receipts.applySendEvidence(world.serverId, {
        ...base,
        text: 'Olá, Ana!',
        instanceName: 'nope',
      }),
    ).toBe('unmatched');
    expect((await rowOf(world, id)).status).toBe('unconfirmed');
  });

  test("a delivery receipt for a chat whose send is unconfirmed (9th digit dropped in the JID) is that send's proof", async ({
    world,
  }) => {
    const id = await seedRow(world, { status: 'unconfirmed', recipient: '5531987654321' });
    const result = await world.ledger.receipts.applyReceipt(world.serverId, {
      keyId: '3EB0RECEIPT',
      status: 'delivered',
      remoteJid: '553187654321@s.whatsapp.net',
      instanceName: world.instanceName,
    });
    expect(result).toBe('updated');
    expect(await rowOf(world, id)).toMatchObject({ status: 'delivered', message_id: '3EB0RECEIPT' });
  });

  test('a receipt for a send still in flight is too early (Evolution posts it again later)', async ({ world }) => {
    await seedRow(world, { status: 'sending', recipient: '5511987654323' });
    const result = await world.ledger.receipts.applyReceipt(world.serverId, {
      keyId: '3EB0EARLY',
      status: 'delivered',
      remoteJid: '5511987654323@s.whatsapp.net',
    });
    expect(result).toBe('too-early');
  });

  test('receipts only move forward: a late DELIVERY_ACK after READ changes nothing', async ({ world }) => {
    const id = await seedRow(world, { status: 'sent', messageId: '3EB0FWD' });
    expect(await world.ledger.receipts.applyReceipt(world.serverId, { keyId: '3EB0FWD', status: 'read' })).toBe(
      'updated',
    );
    expect(await world.ledger.receipts.applyReceipt(world.serverId, { keyId: '3EB0FWD', status: 'delivered' })).toBe(
      'unchanged',
    );
    expect((await rowOf(world, id)).status).toBe('read');
  });

  test('numbersOfJid: Brazil 9th digit both ways; not a phone JID gives nothing', () => {
    expect(numbersOfJid('553187654321@s.whatsapp.net')).toEqual(['553187654321', '5531987654321']);
    expect(numbersOfJid('5511987654321@s.whatsapp.net')).toEqual(['5511987654321']);
    expect(numbersOfJid('123@lid')).toEqual([]);
    expect(numbersOfJid('1203630@g.us')).toEqual([]);
  });
});
