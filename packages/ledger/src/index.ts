export {
  TRANSITIONS,
  FINAL_STATES,
  OWED_STATES,
  canTransition,
  fromStates,
  NOTIFICATION_STATUS,
  type LedgerEvent,
  type NotificationStatus,
} from './states.ts';
export { createLedger, DEFAULT_LEDGER_OPTIONS, type Ledger, type LedgerOptions } from './ledger.ts';
export { RESEND_NO_EVIDENCE, RESEND_NOT_SENT, type ClaimedNotification, type Unclaimable } from './claim.ts';
export type { AttemptRecord } from './attempts.ts';
export type { Failure, SentOutcome, UnconfirmedOutcome } from './outcomes.ts';
export {
  numbersOfJid,
  receiptEvent,
  type EvidenceResult,
  type Receipt,
  type Refusal,
  type SendEvidence,
} from './receipts.ts';
export type { ResendReason, UnconfirmedRow } from './reconcile.ts';
export type { Cursor, DueRow, RelayedRow } from './relay.ts';
export { cancelOwedFor, type ManualMessage, type ReopenResult, type Reply } from './owed.ts';
export { sentFields, storableText } from './sanitize.ts';
export { createRetention, SETTLED_STATES, type Retention } from './retention.ts';
