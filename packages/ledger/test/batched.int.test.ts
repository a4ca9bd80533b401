import { DeadlineError } from '@bora/core';
import { createDb } from '@bora/db';
import { waitFor } from '@bora/testing';
import postgres from 'postgres';
import { describe, expect } from 'vitest';
import { createLedger, type AttemptRecord } from '../src/index.ts';
import { OPTIONS, rowOf, seedRow, statusOf, test, type World } from './fixtures.ts';

const batching = { maxBatch: 50, inFlight: 2, deadlineMs: 1_000 };

async function commits(world: World): Promise<number> {
  const [row] = await world.sql<
    { n: string }[]
  >`select xact_commit::text as n from pg_stat_database where datname = current_database()`;
  return Number(row!.n);
}

const attempt = (w: World): AttemptRecord => ({
  attempt: 1,
  evolutionApiId: w.serverId,
  whatsappInstanceId: w.instanceId,
  outcome: 'sent',
  errorCode: null,
  errorScope: null,
  errorMessage: null,
  httpStatus: null,
  latencyMs: 5,
  possibleDuplicate: false,
});

describe("the dispatcher's hot statements, batched across concurrent jobs", () => {
  test('60 concurrent claims and sends: each row claimed and recorded exactly once, in far fewer statements', async ({
    world,
    env,
  }) => {
    const ledger = createLedger(env.db, { ...OPTIONS, batching });
    const ids = await Promise.all(Array.from({ length: 60 }, () => seedRow(world, { status: 'pending' })));
    const before = await commits(world);
    const claims = await Promise.all([...ids, ...ids.slice(0, 10)].map((id) => ledger.claim(id)));
    expect(claims.filter((c) => 'tenantId' in c)).toHaveLength(60);
    const sent = await Promise.all(
      ids.map((id, i) =>
        ledger.recordSent(
          id,
          {
            text: 'Olá!',
            serverId: world.serverId,
            instanceId: world.instanceId,
            keyId: `3EB0BATCH${i}`,
            remoteJid: null,
          },
          [attempt(world)],
        ),
      ),
    );
    expect(sent.every(Boolean)).toBe(true);
    const statements = (await commits(world)) - before;
    expect(statements).toBeLessThan(30);
    const [row] = await world.sql<{ sent: number; attempts: number }[]>`
      select count(*) filter (where status = 'sent')::int as sent, (select count(*)::int from delivery_attempts where notification_id = any(${ids}::uuid[])) as attempts
        from notifications where id = any(${ids}::uuid[])`;
    expect(row).toEqual({ sent: 60, attempts: 60 });
  });

  test('a batch Postgres refuses for one row (a key id taken) is replayed row by row: the others keep their keys', async ({
    world,
    env,
  }) => {
    const ledger = createLedger(env.db, { ...OPTIONS, batching });
    await seedRow(world, { status: 'sent', messageId: '3EB0TAKENBATCH' });
    const ids = await Promise.all(Array.from({ length: 5 }, () => seedRow(world, { status: 'sending' })));
    const keys = ['3EB0B1', '3EB0B2', '3EB0TAKENBATCH', '3EB0B4', '3EB0B5'];
    await Promise.all(
      ids.map((id, i) =>
        ledger.recordSent(
          id,
          { text: 'Olá!', serverId: world.serverId, instanceId: world.instanceId, keyId: keys[i]!, remoteJid: null },
          [attempt(world)],
        ),
      ),
    );
    const rows = await Promise.all(ids.map((id) => rowOf(world, id)));
    expect(rows.map((r) => [r.status, r.message_id])).toEqual([
      ['sent', '3EB0B1'],
      ['sent', '3EB0B2'],
      ['sent', null],
      ['sent', '3EB0B4'],
      ['sent', '3EB0B5'],
    ]);
  });

  test('a stuck statement (a row locked elsewhere, no lock timeout) fails only its own batch, is cancelled, and the rest keep going', async ({
    world,
    env,
  }) => {
    const db = createDb(env.databaseUrl, { max: 6, lockTimeoutMs: 0, statementTimeoutMs: 0 });
    const ledger = createLedger(db, { ...OPTIONS, batching: { maxBatch: 50, inFlight: 2, deadlineMs: 300 } });
    const victim = await seedRow(world, { status: 'pending' });
    const others = await Promise.all(Array.from({ length: 10 }, () => seedRow(world, { status: 'pending' })));
    const locker = postgres(env.databaseUrl, { max: 1, onnotice: () => {} });
    const conn = await locker.reserve();
    try {
      await conn`begin`;
      await conn`select id from notifications where id = ${victim} for update`;
      const stuck = ledger.claim(victim);
      // Claims made meanwhile ride the other statement slot and later batches.
      const rest = await Promise.all(others.map((id) => ledger.claim(id)));
      expect(rest.filter((c) => 'tenantId' in c)).toHaveLength(10);
      await expect(stuck).rejects.toBeInstanceOf(DeadlineError);
      // The cancel travels on a connection of its own: wait until the statement has left its lock
      // wait (cancelled), or the lock's release below could still let it through.
      await waitFor(
        async () =>
          (
            await env.db.sql<{ n: number }[]>`
              select count(*)::int as n from pg_stat_activity
               where datname = current_database() and wait_event_type = 'Lock'`
          )[0]!.n === 0,
        { what: 'the stuck statement to be cancelled' },
      );
      // Cancelled, it rolled back: the victim is untouched.
      expect(await statusOf(world, victim)).toBe('pending');
    } finally {
      await conn`rollback`;
      conn.release();
      await locker.end({ timeout: 1 });
    }
    expect('tenantId' in (await ledger.claim(victim))).toBe(true);
    await db.close();
  });
});
