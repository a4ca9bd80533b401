import { randomUUID } from 'node:crypto';
import { createDb } from '@bora/db';
import { test, type TestEnv } from '@bora/testing';
import { describe, expect } from 'vitest';
import { createLedger, type AttemptRecord, type ClaimedNotification, type Unclaimable } from '../src/ledger.ts';
import { book, seedFleet } from './support.ts';

// The ledger batches the statements of concurrent calls (one in flight, the rest queue up for the
// next). These tests make many calls in the same tick so they share statements, and check that
// each caller still gets exactly the answer its own statement would have given.

const LEASE_MS = 30_000;

async function fleetWithRows(env: TestEnv, count: number, options: Parameters<typeof book>[2] = {}) {
  const fleet = await seedFleet(env, [{ name: 'evo1', instances: [{ name: 'own-01', phone: '5511911110001', isPrimary: true }] }]);
  await fleet.sim.close();
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push((await book(env, fleet.tenant.id, { enqueue: false, ...options })).notification.id);
  return { ...fleet, ids };
}

function sentAttempt(attempt: number, serverId: string, instanceId: string): AttemptRecord {
  return { attempt, evolutionApiId: serverId, whatsappInstanceId: instanceId, outcome: 'sent', errorCode: null, errorScope: null, errorMessage: null, httpStatus: null, latencyMs: 12 };
}

function failedAttempt(attempt: number, serverId: string, instanceId: string): AttemptRecord {
  return { ...sentAttempt(attempt, serverId, instanceId), outcome: 'failed', errorCode: 'SERVER_ERROR', errorScope: 'server', errorMessage: 'O servidor falhou', httpStatus: 500 };
}

const isClaimed = (answer: ClaimedNotification | Unclaimable): answer is ClaimedNotification => !('reason' in answer);

describe('ledger: statements batched across concurrent calls', () => {
  test('40 concurrent claims of distinct ids: each caller gets its own row, leased once', async ({ env }) => {
    const { ids, tenant } = await fleetWithRows(env, 40);
    const ledger = createLedger(env.db, LEASE_MS);
    const answers = await Promise.all(ids.map((id) => ledger.claim(id)));
    answers.forEach((answer, i) => {
      expect(isClaimed(answer)).toBe(true);
      expect(answer).toMatchObject({ id: ids[i], tenantId: tenant.id, attempts: 1, tenantName: 'Barbearia do Zé', booking: { customerName: 'Ana Souza' } });
    });
    const rows = await env.db.sql`select status, attempts, lease_until > now() as leased from notifications where id = any(${ids}::uuid[])`;
    expect(rows).toHaveLength(40);
    expect(rows.every((r) => r.status === 'sending' && r.attempts === 1 && r.leased)).toBe(true);
  });

  test('the same id claimed concurrently, by one ledger and by two (two replicas): exactly one caller wins', async ({ env }) => {
    const { ids } = await fleetWithRows(env, 1);
    const id = ids[0]!;
    const otherDb = createDb(env.databaseUrl, { max: 4 });
    const a = createLedger(env.db, LEASE_MS);
    const b = createLedger(otherDb, LEASE_MS);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).claim(id.toUpperCase()))).finally(() => otherDb.close());
    expect(answers.filter(isClaimed)).toHaveLength(1);
    expect(answers.filter((x) => !isClaimed(x))).toEqual(Array.from({ length: 19 }, () => ({ reason: 'in-flight' })));
    const [row] = await env.db.sql`select status, attempts from notifications where id = ${id}`;
    expect(row).toEqual({ status: 'sending', attempts: 1 });
  });

  test('one batch mixing claimable, sent, missing, not-due, in-flight and failed rows: each caller gets its own answer', async ({ env }) => {
    const { ids, tenant } = await fleetWithRows(env, 7);
    const [claimable, sent, inFlight, failed, reopened, expired, claimable2] = ids as [string, string, string, string, string, string, string];
    const later = await book(env, tenant.id, { enqueue: false, dueAt: new Date(Date.now() + 3_600_000) });
    const { sql } = env.db;
    await sql`update notifications set status = 'sent' where id = ${sent}`;
    await sql`update notifications set status = 'sending', lease_until = now() + interval '1 minute', attempts = 1 where id = ${inFlight}`;
    await sql`update notifications set status = 'failed', attempts = 3, failed_at = now() where id = any(${[failed, reopened]}::uuid[])`;
    await sql`update notifications set status = 'sending', lease_until = now() - interval '1 second', attempts = 1 where id = ${expired}`;
    const missing = randomUUID();
    const ledger = createLedger(env.db, LEASE_MS);

    // A first call occupies the statement slot, so the eight that follow share the next statement.
    const answers = await Promise.all([
      ledger.claim(claimable2),
      ledger.claim(claimable),
      ledger.claim(sent),
      ledger.claim(missing),
      ledger.claim(later.notification.id),
      ledger.claim(inFlight),
      ledger.claim(failed),
      ledger.claim(reopened, { reopenFailed: true }),
      ledger.claim(expired),
    ]);
    expect(answers[0]).toMatchObject({ id: claimable2, attempts: 1 });
    expect(answers[1]).toMatchObject({ id: claimable, attempts: 1 });
    expect(answers[2]).toEqual({ reason: 'done', status: 'sent' });
    expect(answers[3]).toEqual({ reason: 'missing' });
    expect(answers[4]).toEqual({ reason: 'not-due', dueAt: later.notification.dueAt });
    expect(answers[5]).toEqual({ reason: 'in-flight' });
    expect(answers[6]).toEqual({ reason: 'done', status: 'failed' });
    expect(answers[7]).toMatchObject({ id: reopened, attempts: 1 });
    expect(answers[8]).toMatchObject({ id: expired, attempts: 2 });
    const rows = await sql<{ id: string; status: string; attempts: number; failed: boolean }[]>`
      select id, status, attempts, failed_at is not null as failed from notifications where id = any(${[sent, inFlight, failed, reopened]}::uuid[])`;
    expect(Object.fromEntries(rows.map((r) => [r.id, [r.status, r.attempts, r.failed]]))).toEqual({
      [sent]: ['sent', 0, false],
      [inFlight]: ['sending', 1, false],
      [failed]: ['failed', 3, true],
      [reopened]: ['sending', 1, false],
    });
  });

  test('a batch statement that fails rejects each caller in it and changes nothing', async ({ env }) => {
    const { ids } = await fleetWithRows(env, 6);
    const url = new URL(env.databaseUrl);
    url.searchParams.set('statement_timeout', '300');
    const timeoutDb = createDb(url.toString(), { max: 2 });
    const ledger = createLedger(timeoutDb, LEASE_MS);
    try {
      const results = await env.db.sql.begin(async (tx) => {
        // Another transaction holds the rows: the claiming statements wait for them and time out.
        await tx`select id from notifications where id = any(${ids}::uuid[]) for update`;
        return Promise.allSettled(ids.map((id) => ledger.claim(id)));
      });
      expect(results.map((r) => r.status)).toEqual(ids.map(() => 'rejected'));
      for (const r of results) expect((r as PromiseRejectedResult).reason).toMatchObject({ code: '57014' });
      const rows = await env.db.sql`select distinct status, attempts from notifications where id = any(${ids}::uuid[])`;
      expect(rows).toEqual([{ status: 'pending', attempts: 0 }]);
      // Nothing is left stuck: the next calls are served.
      expect((await Promise.all(ids.map((id) => ledger.claim(id)))).every(isClaimed)).toBe(true);
    } finally {
      await timeoutDb.close();
    }
  });

  test('markSent for 30 concurrent jobs: each row gets its own message id and attempt rows, in order', async ({ env }) => {
    const { ids, serverIds, instanceIds } = await fleetWithRows(env, 30);
    const serverId = serverIds.evo1!;
    const instanceId = instanceIds['own-01']!;
    const ledger = createLedger(env.db, LEASE_MS);
    await Promise.all(ids.map((id) => ledger.claim(id)));
    const [done] = ids.splice(29, 1) as [string];
    await env.db.sql`update notifications set status = 'cancelled' where id = ${done}`;
    const write = (id: string) =>
      ledger.markSent(id, { text: `Olá "${id}" \\ {ok}, 😀`, serverId, instanceId, messageId: `key-${id}`, remoteJid: `${id}@s.whatsapp.net` }, [
        failedAttempt(1, serverId, instanceId),
        sentAttempt(1, serverId, instanceId),
      ]);
    const answers = await Promise.all([...ids, done].map(write));
    expect(answers).toEqual([...ids.map(() => true), false]);
    const rows = await env.db.sql`select id, status, text, message_id, remote_jid, evolution_api_id, lease_until from notifications where id = any(${ids}::uuid[])`;
    for (const row of rows) {
      expect(row).toMatchObject({ status: 'sent', text: `Olá "${row.id}" \\ {ok}, 😀`, message_id: `key-${row.id}`, remote_jid: `${row.id}@s.whatsapp.net`, evolution_api_id: serverId, lease_until: null });
    }
    const attempts = await env.db.sql<{ notification_id: string; outcome: string; http_status: number | null }[]>`
      select notification_id, outcome, http_status from delivery_attempts order by id`;
    // Every attempt is logged, the cancelled row's too (the sends were real).
    for (const id of [...ids, done]) {
      expect(attempts.filter((a) => a.notification_id === id).map((a) => [a.outcome, a.http_status])).toEqual([
        ['failed', 500],
        ['sent', null],
      ]);
    }
    const [cancelled] = await env.db.sql`select status from notifications where id = ${done}`;
    expect(cancelled!.status).toBe('cancelled');
  });

  test("one write's bad data (a server deleted meanwhile) fails that caller only; its batch neighbours are recorded", async ({ env }) => {
    const { ids, serverIds, instanceIds } = await fleetWithRows(env, 8);
    const ledger = createLedger(env.db, LEASE_MS);
    await Promise.all(ids.map((id) => ledger.claim(id)));
    const instanceId = instanceIds['own-01']!;
    const results = await Promise.allSettled(
      ids.map((id, i) => {
        const serverId = i === 4 ? randomUUID() : serverIds.evo1!;
        return ledger.markSent(id, { text: 'oi', serverId, instanceId, messageId: `key-${id}`, remoteJid: 'x@s.whatsapp.net' }, [sentAttempt(1, serverId, instanceId)]);
      }),
    );
    expect(results.map((r) => r.status)).toEqual(ids.map((_, i) => (i === 4 ? 'rejected' : 'fulfilled')));
    expect((results[4] as PromiseRejectedResult).reason).toMatchObject({ code: '23503' });
    const rows = await env.db.sql<{ id: string; status: string; n: number }[]>`
      select n.id, n.status, (select count(*)::int from delivery_attempts a where a.notification_id = n.id) as n from notifications n where n.id = any(${ids}::uuid[])`;
    const byId = new Map(rows.map((r) => [r.id, [r.status, r.n]]));
    ids.forEach((id, i) => expect(byId.get(id)).toEqual(i === 4 ? ['sending', 0] : ['sent', 1]));
  });

  test('markRetry, markFailed and release batched: each guarded by its own row being in flight', async ({ env }) => {
    const { ids, serverIds, instanceIds } = await fleetWithRows(env, 9);
    const serverId = serverIds.evo1!;
    const instanceId = instanceIds['own-01']!;
    const ledger = createLedger(env.db, LEASE_MS);
    await Promise.all(ids.slice(0, 8).map((id) => ledger.claim(id)));
    const notInFlight = ids[8]!;
    const error = { code: 'SERVER_ERROR', message: 'O servidor falhou' };
    const answers = await Promise.all([
      ledger.markRetry(ids[0]!, error, [failedAttempt(1, serverId, instanceId)]),
      ledger.markRetry(ids[1]!, error, [failedAttempt(1, serverId, instanceId)]),
      ledger.markFailed(ids[2]!, { ...error, text: 'texto final' }, [failedAttempt(1, serverId, instanceId)]),
      ledger.markFailed(ids[3]!, { code: 'NO_TEXT', message: 'Mensagem sem texto para enviar' }, []),
      ledger.release(ids[4]!),
      ledger.release(ids[5]!),
      ledger.markRetry(notInFlight, error, [failedAttempt(1, serverId, instanceId)]),
      ledger.markFailed(notInFlight, error, []),
      ledger.release(notInFlight),
    ]);
    expect(answers).toEqual([true, true, true, true, undefined, undefined, false, false, undefined]);
    const rows = await env.db.sql<{ id: string; status: string; attempts: number; last_error_code: string | null; text: string | null; lease: boolean }[]>`
      select id, status, attempts, last_error_code, text, lease_until is not null as lease from notifications where id = any(${ids}::uuid[])`;
    const byId = new Map(rows.map((r) => [r.id, [r.status, r.attempts, r.last_error_code, r.text, r.lease]]));
    expect(byId.get(ids[0]!)).toEqual(['queued', 1, 'SERVER_ERROR', null, false]);
    expect(byId.get(ids[1]!)).toEqual(['queued', 1, 'SERVER_ERROR', null, false]);
    expect(byId.get(ids[2]!)).toEqual(['failed', 1, 'SERVER_ERROR', 'texto final', false]);
    expect(byId.get(ids[3]!)).toEqual(['failed', 1, 'NO_TEXT', null, false]);
    expect(byId.get(ids[4]!)).toEqual(['queued', 0, null, null, false]);
    expect(byId.get(ids[5]!)).toEqual(['queued', 0, null, null, false]);
    expect(byId.get(ids[6]!)).toEqual(['sending', 1, null, null, true]);
    expect(byId.get(notInFlight)).toEqual(['pending', 0, null, null, false]);
    const [logged] = await env.db.sql`select count(*)::int as n from delivery_attempts`;
    expect(logged!.n).toBe(4);
  });
});
