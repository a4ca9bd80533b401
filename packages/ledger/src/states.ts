import { NOTIFICATION_STATUS, type NotificationStatus } from '@bora/db';

export { NOTIFICATION_STATUS, type NotificationStatus };

/**
 * Every way a notification's status may change, declared once. Each event names the states it
 * may start from and the one it ends in; the ledger's statements guard on `from` (read from this
 * table, never spelled out again), so a replayed webhook, a second replica or a stale job finds
 * the row already moved on and changes nothing.
 */
export const TRANSITIONS = {
  /** A dispatcher takes the row to send it (`sending` only once its lease ran out: the holder died). */
  claim: { from: ['pending', 'queued', 'sending'], to: 'sending' },
  /** The claim is given back without any HTTP send: a pacing slot, no sender, open circuits. */
  release: { from: ['sending'], to: 'queued' },
  /** Every candidate failed for a reason worth retrying; back in line after a backoff. */
  retry: { from: ['sending'], to: 'queued' },
  /**
   * A 2xx came back (or reconciliation found the message on the server). From `pending`/`queued`
   * too: a send whose lease ran out meanwhile is still recorded, which is what stops a resend.
   */
  sent: { from: ['sending', 'pending', 'queued', 'unconfirmed'], to: 'sent' },
  /** The request was written but no readable answer came: it may have reached the customer. */
  unconfirm: { from: ['sending'], to: 'unconfirmed' },
  /** Reconciliation said "not sent", or found no evidence within its window: send again (counted). */
  resend: { from: ['unconfirmed'], to: 'queued' },
  /**
   * WhatsApp refused a message after the server accepted it (a `messages.update` ERROR: the 463
   * reach-out lock, among others). It never reached the customer: back in line, its key dropped.
   */
  refuse: { from: ['sent'], to: 'queued' },
  /** A delivery receipt; for an unconfirmed row it is also the proof that the send got through. */
  delivered: { from: ['sent', 'unconfirmed'], to: 'delivered' },
  read: { from: ['sent', 'delivered', 'unconfirmed'], to: 'read' },
  /** Dead letter: a final error, the last attempt spent, or attempts found exhausted at claim. */
  fail: { from: ['sending', 'pending', 'queued'], to: 'failed' },
  /**
   * Its booking was cancelled (or the customer opted out) before it was sent. From `sending` only
   * in a claim taking over a dead holder's row; a live claim is never cancelled under its sender.
   */
  cancel: { from: ['pending', 'queued', 'sending'], to: 'cancelled' },
  /** Its appointment started (or its horizon passed) before it could be sent (same note on `sending`). */
  expire: { from: ['pending', 'queued', 'sending'], to: 'expired' },
  /** An operator retries a dead letter: a fresh attempt budget (admin-api and bull-board alike). */
  reopen: { from: ['failed'], to: 'pending' },
  /** A row dead-lettered for lack of a working sender goes back in line once a sender came back. */
  revive: { from: ['failed'], to: 'queued' },
  /** The sweeper frees a claim whose holder died (its lease ran out): a possible duplicate. */
  recoverLease: { from: ['sending'], to: 'queued' },
} as const satisfies Record<string, { from: readonly NotificationStatus[]; to: NotificationStatus }>;

export type LedgerEvent = keyof typeof TRANSITIONS;

/** The `from` states of an event, as the array a guard binds (`status = any($1::text[])`). */
export function fromStates(event: LedgerEvent): string[] {
  return [...TRANSITIONS[event].from];
}

/** Whether some event moves a row from `from` to `to`. */
export function canTransition(from: NotificationStatus, to: NotificationStatus): boolean {
  return Object.values(TRANSITIONS).some((t) => t.to === to && (t.from as readonly string[]).includes(from));
}

/** States no event leaves: cancelled, expired, read. */
export const FINAL_STATES: readonly NotificationStatus[] = NOTIFICATION_STATUS.filter(
  (s) => !Object.values(TRANSITIONS).some((t) => (t.from as readonly string[]).includes(s)),
);

/** Rows a sweeper may need to put on the queue: owed and not yet in anyone's hands. */
export const OWED_STATES = ['pending', 'queued'] as const satisfies readonly NotificationStatus[];
