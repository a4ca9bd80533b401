import { describe, expect } from 'vitest';
import type { AttemptRecord } from '../src/index.ts';
import { OPTIONS, rowOf, seedRow, statusOf, test, type World } from './fixtures.ts';

const attempt = (w: World, over: Partial<AttemptRecord> = {}): AttemptRecord => ({
  attempt: 1,
  evolutionApiId: w.serverId,
  whatsappInstanceId: w.instanceId,
  outcome: 'sent',
  errorCode: null,
  errorScope: null,
  errorMessage: null,
  httpStatus: 201,
  latencyMs: 12,
  possibleDuplicate: false,
  ...over,
});

const sent = (w: World, keyId: string | null, remoteJid: string | null = '5511987654321@s.whatsapp.net') => ({
  text: 'Olá!',
  serverId: w.serverId,
  instanceId: w.instanceId,
  keyId,
  remoteJid,
});

async function attemptsOf(w: World, id: string) {
  return w.sql`select outcome, error_code, error_message, possible_duplicate from delivery_attempts where notification_id = ${id} order by id`;
}

describe('a send is recorded whatever the server answered (never sent twice for a field Postgres refuses)', () => {
  test('a NUL byte in remoteJid: sent without it, noted, and the attempt kept', async ({ world }) => {
    const id = await seedRow(world, { status: 'sending' });
    expect(
      await world.ledger.recordSent(id, sent(world, '3EB0AAAA', '5511\u0000@s.whatsapp.net'), [attempt(world)]),
    ).toBe(true);
    const row = await rowOf(world, id);
    expect(row).toMatchObject({
      status: 'sent',
      message_id: '3EB0AAAA',
      remote_jid: null,
      record_note: 'REMOTE_JID_UNUSABLE',
    });
    expect(await attemptsOf(world, id)).toHaveLength(1);
  });

  test('a key id another row already holds: sent without it (flagged), attempts kept', async ({ world }) => {
    const other = await seedRow(world, { status: 'sent', messageId: '3EB0TAKEN' });
    const id = await seedRow(world, { status: 'sending' });
    expect(await world.ledger.recordSent(id, sent(world, '3EB0TAKEN'), [attempt(world)])).toBe(true);
    expect(await rowOf(world, id)).toMatchObject({ status: 'sent', message_id: null, record_note: 'KEY_ID_DUPLICATE' });
    expect(await attemptsOf(world, id)).toHaveLength(1);
    expect(await rowOf(world, other)).toMatchObject({ message_id: '3EB0TAKEN' });
  });

  test('a 201 without key.id is still sent', async ({ world }) => {
    const id = await seedRow(world, { status: 'sending' });
    await world.ledger.recordSent(id, sent(world, null, null), [attempt(world)]);
    expect(await rowOf(world, id)).toMatchObject({ status: 'sent', message_id: null, record_note: 'NO_KEY_ID' });
  });

  test('an attempt row with a NUL in its error text is stored, cleaned', async ({ world }) => {
    const id = await seedRow(world, { status: 'sending' });
    await world.ledger.recordRetry(id, { code: 'SERVER_ERROR', message: 'falhou\u0000', scope: 'server' }, [
      attempt(world, { outcome: 'failed', errorCode: 'SERVER_ERROR', errorMessage: 'bad\u0000byte', httpStatus: 500 }),
    ]);
    expect(await statusOf(world, id)).toBe('queued');
    expect(await attemptsOf(world, id)).toEqual([
      { outcome: 'failed', error_code: 'SERVER_ERROR', error_message: 'badbyte', possible_duplicate: false },
    ]);
  });

  test('a late record of a send whose lease ran out (the row back in line) still lands', async ({ world }) => {
    const id = await seedRow(world, { status: 'queued' });
    expect(await world.ledger.recordSent(id, sent(world, '3EB0LATE'), [attempt(world)])).toBe(true);
    expect(await statusOf(world, id)).toBe('sent');
  });
});

describe('the claim decides what is stale', () => {
  test('a confirmation of a cancelled booking is cancelled, never handed out', async ({ world }) => {
    const id = await seedRow(world, { status: 'pending', bookingStatus: 'cancelled' });
    expect(await world.ledger.claim(id)).toEqual({ reason: 'cancelled' });
    expect(await statusOf(world, id)).toBe('cancelled');
  });

  test('a reminder claimed after its appointment started is expired, with a reason', async ({ world }) => {
    const id = await seedRow(world, { status: 'queued', kind: 'reminder', startsInMinutes: -180 });
    expect(await world.ledger.claim(id)).toEqual({ reason: 'expired' });
    expect(await rowOf(world, id)).toMatchObject({ status: 'expired', last_error_code: 'EXPIRED', attempts: 0 });
  });

  test('attempts are checked at claim: a row that used them all is failed, not sent again', async ({ world }) => {
    const id = await seedRow(world, { status: 'sending', leaseExpired: true, attempts: OPTIONS.maxAttempts });
    expect(await world.ledger.claim(id)).toEqual({ reason: 'exhausted' });
    expect(await rowOf(world, id)).toMatchObject({ status: 'failed', last_error_code: 'ATTEMPTS_EXHAUSTED' });
  });

  test('a release gives its attempt back; a claim counts one', async ({ world }) => {
    const id = await seedRow(world, { status: 'pending' });
    const claimed = await world.ledger.claim(id);
    expect('attempts' in claimed && claimed.attempts).toBe(1);
    await world.ledger.release(id, {
      code: 'NO_SENDER_AVAILABLE',
      message: 'Nenhum WhatsApp disponível',
      scope: 'sender',
    });
    expect(await rowOf(world, id)).toMatchObject({
      status: 'queued',
      attempts: 0,
      last_error_code: 'NO_SENDER_AVAILABLE',
    });
  });

  test('two claims at once: exactly one gets the row', async ({ world }) => {
    const id = await seedRow(world, { status: 'pending' });
    const results = await Promise.all([world.ledger.claim(id), world.ledger.claim(id), world.ledger.claim(id)]);
    expect(results.filter((r) => 'tenantId' in r)).toHaveLength(1);
  });
});

describe('one reopen rule for operators (admin-api) and bull-board (claim with reopen)', () => {
  test('both give a fresh budget, due now', async ({ world }) => {
    const viaAdmin = await seedRow(world, { status: 'failed', attempts: 3 });
    const viaBoard = await seedRow(world, { status: 'failed', attempts: 3 });
    await world.ledger.owed.reopen(viaAdmin);
    await world.ledger.claim(viaAdmin);
    await world.ledger.claim(viaBoard, { reopenFailed: true });
    const [a, b] = [await rowOf(world, viaAdmin), await rowOf(world, viaBoard)];
    expect([a.status, a.attempts, a.failed_at]).toEqual(['sending', 1, null]);
    expect([b.status, b.attempts, b.failed_at]).toEqual(['sending', 1, null]);
  });

  test('reopen refuses what is not failed and says its status', async ({ world }) => {
    const id = await seedRow(world, { status: 'sent' });
    expect(await world.ledger.owed.reopen(id)).toEqual({ reopened: false, status: 'sent' });
  });
});

describe('revival of rows dead-lettered for lack of a sender', () => {
  const options = { maxRevivals: 2, horizonMs: OPTIONS.horizonMs };

  test('only once a sender of theirs reconnected after the failure, and never for a final error', async ({ world }) => {
    const senderless = await seedRow(world, { status: 'failed', lastErrorScope: 'instance', failedMinutesAgo: 1 });
    const recipientFault = await seedRow(world, { status: 'failed', lastErrorScope: 'recipient', failedMinutesAgo: 1 });
    await world.sql`update whatsapp_instances set status_changed_at = now() - interval '10 minutes' where id = ${world.instanceId}`;
    expect(await world.ledger.relay.revive(10, options)).toEqual([]);
    await world.sql`update whatsapp_instances set status_changed_at = now() where id = ${world.instanceId}`;
    const revived = await world.ledger.relay.revive(10, options);
    expect(revived.map((r) => r.id)).toEqual([senderless]);
    expect(await rowOf(world, senderless)).toMatchObject({ status: 'queued', attempts: 0, revivals: 1 });
    expect(await statusOf(world, recipientFault)).toBe('failed');
  });

  test('never after its appointment started, and at most maxRevivals times', async ({ world }) => {
    const late = await seedRow(world, { status: 'failed', lastErrorScope: 'server', startsInMinutes: -1 });
    const tired = await seedRow(world, { status: 'failed', lastErrorScope: 'server' });
    await world.sql`update notifications set revivals = 2 where id = ${tired}`;
    await world.sql`update whatsapp_instances set status_changed_at = now() where id = ${world.instanceId}`;
    expect(await world.ledger.relay.revive(10, options)).toEqual([]);
    expect([await statusOf(world, late), await statusOf(world, tired)]).toEqual(['failed', 'failed']);
  });
});
