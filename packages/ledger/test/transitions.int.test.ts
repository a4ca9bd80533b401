import { describe, expect } from 'vitest';
import {
  canTransition,
  cancelOwedFor,
  NOTIFICATION_STATUS,
  TRANSITIONS,
  type LedgerEvent,
  type NotificationStatus,
} from '../src/index.ts';
import { OPTIONS, seedRow, statusOf, test, type SeedOptions, type World } from './fixtures.ts';

const failure = { code: 'SERVER_ERROR', message: 'Erro', scope: 'server' };

/**
 * For each event: the row it needs (beyond its status) and the ledger call that performs it. Events
 * a claim decides (cancel, expire, fail at claim) are driven through the claim, as in production.
 */
const DRIVERS: Record<
  LedgerEvent,
  { seed: Omit<SeedOptions, 'status'>; run: (w: World, id: string) => Promise<unknown> }
> = {
  claim: { seed: { leaseExpired: true }, run: (w, id) => w.ledger.claim(id) },
  release: { seed: {}, run: (w, id) => w.ledger.release(id) },
  retry: { seed: {}, run: (w, id) => w.ledger.recordRetry(id, failure, []) },
  sent: {
    seed: { messageId: null },
    run: (w, id) =>
      w.ledger.recordSent(
        id,
        {
          text: 'Olá!',
          serverId: w.serverId,
          instanceId: w.instanceId,
          keyId: `3EB0${id.slice(0, 8).toUpperCase()}`,
          remoteJid: null,
        },
        [],
      ),
  },
  unconfirm: {
    seed: {},
    run: (w, id) =>
      w.ledger.recordUnconfirmed(
        id,
        { text: 'Olá!', serverId: w.serverId, instanceId: w.instanceId, failure, reconcileAfterMs: 1000 },
        [],
      ),
  },
  resend: { seed: {}, run: (w, id) => w.ledger.reconcile.resend(id, 'no-evidence') },
  refuse: { seed: {}, run: async (w, id) => w.ledger.receipts.applyRefusal(w.serverId, (await messageIdOf(w, id))!) },
  delivered: { seed: {}, run: (w, id) => receipt(w, id, 'delivered') },
  read: { seed: {}, run: (w, id) => receipt(w, id, 'read') },
  fail: { seed: { attempts: OPTIONS.maxAttempts, leaseExpired: true }, run: (w, id) => w.ledger.claim(id) },
  cancel: { seed: { bookingStatus: 'cancelled', leaseExpired: true }, run: (w, id) => w.ledger.claim(id) },
  expire: { seed: { startsInMinutes: -5, leaseExpired: true }, run: (w, id) => w.ledger.claim(id) },
  reopen: { seed: {}, run: (w, id) => w.ledger.owed.reopen(id) },
  revive: {
    seed: { lastErrorScope: 'instance', failedMinutesAgo: 5 },
    run: async (w) => {
      await w.sql`update whatsapp_instances set status_changed_at = now() where id = ${w.instanceId}`;
      return w.ledger.relay.revive(100, { maxRevivals: 3, horizonMs: OPTIONS.horizonMs });
    },
  },
  recoverLease: { seed: { leaseExpired: true }, run: (w) => w.ledger.relay.recoverLeases(100) },
};

async function messageIdOf(w: World, id: string): Promise<string | null> {
  const [row] = await w.sql<{ message_id: string | null }[]>`select message_id from notifications where id = ${id}`;
  return row!.message_id ?? `3EB0${id.slice(0, 8).toUpperCase()}`;
}

/** A receipt as a webhook brings it: by key id, or (for an unconfirmed send) by chat and instance. */
async function receipt(w: World, id: string, status: 'delivered' | 'read') {
  const [row] = await w.sql<
    { message_id: string | null; recipient: string }[]
  >`select message_id, recipient from notifications where id = ${id}`;
  const keyId = row!.message_id ?? `3EB0${id.slice(0, 8).toUpperCase()}`;
  return w.ledger.receipts.applyReceipt(w.serverId, {
    keyId,
    status,
    remoteJid: `${row!.recipient}@s.whatsapp.net`,
    instanceName: w.instanceName,
  });
}

describe('the transition table, walked through the ledger', () => {
  test('every event moves exactly its from-states to its target, and every allowed pair is some event', async ({
    world,
  }) => {
    const observed = new Set<string>();
    for (const [event, transition] of Object.entries(TRANSITIONS) as [
      LedgerEvent,
      (typeof TRANSITIONS)[LedgerEvent],
    ][]) {
      const driver = DRIVERS[event];
      for (const status of NOTIFICATION_STATUS) {
        const id = await seedRow(world, { ...driver.seed, status });
        await driver.run(world, id);
        const after = await statusOf(world, id);
        const allowed = (transition.from as readonly NotificationStatus[]).includes(status);
        expect(after, `${event} from ${status}`).toBe(allowed ? transition.to : status);
        if (after !== status) observed.add(`${status}>${after}`);
        // Tidy up so the statements over many rows (revive, lease recovery) meet only the next one.
        await world.sql`delete from notifications where id = ${id}`;
      }
    }
    for (const from of NOTIFICATION_STATUS) {
      for (const to of NOTIFICATION_STATUS) {
        if (from !== to) expect(observed.has(`${from}>${to}`), `${from} → ${to}`).toBe(canTransition(from, to));
      }
    }
  });

  test("a booking's cancellation cancels only what is still owed, never a send in a dispatcher's hands", async ({
    world,
  }) => {
    const ids: Record<string, string> = {};
    for (const status of NOTIFICATION_STATUS) ids[status] = await seedRow(world, { status });
    for (const [status, id] of Object.entries(ids)) {
      await world.sql`with r as (${cancelOwedFor(world.sql, world.sql`select booking_id from notifications where id = ${id}`)}) select count(*) from r`;
      expect(await statusOf(world, id), status).toBe(
        status === 'pending' || status === 'queued' ? 'cancelled' : status,
      );
    }
  });
});
