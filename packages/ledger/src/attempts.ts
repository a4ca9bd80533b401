import type { Sql, SqlFragment } from '@bora/db';
import { storableText } from './sanitize.ts';

/** One HTTP send, as the audit trail keeps it. */
export interface AttemptRecord {
  attempt: number;
  evolutionApiId: string | null;
  whatsappInstanceId: string | null;
  /** `unknown`: the request was written and no readable answer came. */
  outcome: 'sent' | 'failed' | 'unknown';
  errorCode: string | null;
  errorScope: string | null;
  /** What an operator reads (pt-BR). */
  errorMessage: string | null;
  httpStatus: number | null;
  latencyMs: number;
  /** This send repeats one whose outcome stayed unknown: the customer may get the message twice. */
  possibleDuplicate: boolean;
}

/** Attempt rows as postgres.js inserts them, every text field storable (one bad byte must not lose them). */
export function attemptRows(notificationId: string, attempts: readonly AttemptRecord[]) {
  return attempts.map((a) => ({
    notification_id: notificationId,
    attempt: a.attempt,
    evolution_api_id: a.evolutionApiId,
    whatsapp_instance_id: a.whatsappInstanceId,
    outcome: a.outcome,
    error_code: storableText(a.errorCode, 100),
    error_scope: storableText(a.errorScope, 20),
    error_message: storableText(a.errorMessage, 500),
    http_status: a.httpStatus !== null && Number.isInteger(a.httpStatus) && a.httpStatus >= 0 && a.httpStatus < 1000 ? a.httpStatus : null,
    latency_ms: Math.max(0, Math.min(2_147_483_647, Math.round(a.latencyMs))),
    possible_duplicate: a.possibleDuplicate,
  }));
}

/** The CTE that logs the attempts inside an outcome statement (or nothing when there are none). */
export function attemptsCte(sql: Sql, notificationId: string, attempts: readonly AttemptRecord[]): SqlFragment {
  return attempts.length > 0 ? sql`, logged as (insert into delivery_attempts ${sql(attemptRows(notificationId, attempts))})` : sql``;
}
