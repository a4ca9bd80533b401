import type { DbHandle } from '@bora/db';
import { createClaimBatcher } from './ledger-claim.ts';
import { createOutcomeBatchers } from './ledger-outcome.ts';
import type { AttemptRecord, ClaimedNotification, Unclaimable } from './ledger-types.ts';

export { toDate, type AttemptRecord, type ClaimedNotification, type Unclaimable } from './ledger-types.ts';

/**
 * The ledger's statements. Every write is guarded by the row's status, so a row already sent,
 * cancelled or claimed by another replica is never touched twice. The hot ones (claim and the
 * outcome writes) are batched across the worker's concurrent jobs — while one statement is in
 * flight, calls queue up for the next — with the guard checked per row, so each caller gets the
 * answer its own statement would have given.
 */
export function createLedger(db: DbHandle, leaseMs: number) {
  const { sql } = db;
  const claimOne = createClaimBatcher(sql, leaseMs);
  const outcome = createOutcomeBatchers(sql);

  return {
    /**
     * `reopenFailed`: the job was re-run by an operator after it failed (a bull-board retry), so a
     * `failed` row starts over with a fresh attempt budget, as admin-api's retry does.
     */
    claim(id: string, options: { reopenFailed?: boolean } = {}): Promise<ClaimedNotification | Unclaimable> {
      return claimOne({ id, reopenFailed: options.reopenFailed === true });
    },

    /** Success: the outcome, the message id to correlate webhooks, and the attempts. */
    markSent(
      id: string,
      sent: { text: string; serverId: string; instanceId: string; messageId: string; remoteJid: string },
      attempts: AttemptRecord[],
    ): Promise<boolean> {
      return outcome.markSent({ id, fields: sent, attempts });
    },

    /** Final failure (dead letter): visible and retryable from the admin. */
    markFailed(id: string, error: { code: string; message: string; text?: string | null }, attempts: AttemptRecord[]): Promise<boolean> {
      return outcome.markFailed({ id, fields: { code: error.code, message: error.message, text: error.text ?? null }, attempts });
    },

    /** Back to the queue for a later attempt (backoff), keeping the reason visible. */
    markRetry(id: string, error: { code: string; message: string }, attempts: AttemptRecord[]): Promise<boolean> {
      return outcome.markRetry({ id, fields: { code: error.code, message: error.message }, attempts });
    },

    /** Gives the claim back without spending an attempt (the sender's pacing slot is later). */
    async release(id: string): Promise<void> {
      await outcome.release({ id, fields: {}, attempts: [] });
    },

    /** Rare (a reminder whose booking was cancelled): one statement of its own. */
    async markCancelled(id: string): Promise<void> {
      await sql`
        update notifications set status = 'cancelled', lease_until = null, updated_at = now()
         where id = ${id} and status in ('sending', 'pending', 'queued')`;
    },
  };
}

export type Ledger = ReturnType<typeof createLedger>;
