import type { DbHandle } from '@bora/db';
import { createBatchedLedger, type BatchingOptions } from './batched.ts';
import { claimNotification, type ClaimOptions } from './claim.ts';
import { createOutcomes } from './outcomes.ts';
import { createOwed } from './owed.ts';
import { createReceipts } from './receipts.ts';
import { createReconcile } from './reconcile.ts';
import { createRelay } from './relay.ts';
import { createRetention } from './retention.ts';

export type LedgerOptions = ClaimOptions & {
  /** Batch the hot statements (claim, record of a send) across concurrent callers: the dispatcher's. */
  batching?: BatchingOptions;
};

/** Defaults for services that only record evidence or create rows (admin-api, booking-api). */
export const DEFAULT_LEDGER_OPTIONS: LedgerOptions = { leaseMs: 60_000, maxAttempts: 6, horizonMs: 24 * 3_600_000 };

/**
 * The notification ledger: the only code that changes a notification's status or writes a
 * delivery attempt. Every statement guards on the states the transition table allows.
 */
export function createLedger(db: Pick<DbHandle, 'sql'>, options: LedgerOptions = DEFAULT_LEDGER_OPTIONS) {
  const { sql } = db;
  const outcomes = createOutcomes(sql);
  const batched = options.batching ? createBatchedLedger(sql, options, outcomes, options.batching) : undefined;
  return {
    options,
    ...outcomes,
    claim: (id: string, claim: { reopenFailed?: boolean } = {}) =>
      batched && !claim.reopenFailed ? batched.claim(id) : claimNotification(sql, id, { ...options, ...claim }),
    recordSent: batched?.recordSent ?? outcomes.recordSent,
    receipts: createReceipts(sql),
    reconcile: createReconcile(sql),
    relay: createRelay(sql),
    owed: createOwed(sql),
    retention: createRetention(sql),
  };
}

export type Ledger = ReturnType<typeof createLedger>;
