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
    http_status:
      a.httpStatus !== null && Number.isInteger(a.httpStatus) && a.httpStatus >= 0 && a.httpStatus < 1000
        ? a.httpStatus
        : null,
    latency_ms: Math.max(0, Math.min(2_147_483_647, Math.round(a.latencyMs))),
    possible_duplicate: a.possibleDuplicate,
  }));
}

/**
 * The CTE that logs the attempts inside an outcome statement (or nothing when there are none).
 * `onlyIfMoved`: log them only if the statement moved the row — for a write tried again after one
 * whose fate is unknown (it timed out, and may have committed, attempts included).
 */
export function attemptsCte(
  sql: Sql,
  notificationId: string,
  attempts: readonly AttemptRecord[],
  onlyIfMoved = false,
): SqlFragment {
  if (attempts.length === 0) return sql``;
  if (!onlyIfMoved)
    return sql`, logged as (insert into delivery_attempts ${sql(attemptRows(notificationId, attempts))})`;
  const rows = JSON.stringify(attemptRows(notificationId, attempts));
  return sql`, logged as (
    insert into delivery_attempts (notification_id, attempt, evolution_api_id, whatsapp_instance_id, outcome, error_code, error_scope,
                                   error_message, http_status, latency_ms, possible_duplicate)
    select a.notification_id, a.attempt, a.evolution_api_id, a.whatsapp_instance_id, a.outcome, a.error_code, a.error_scope,
           a.error_message, a.http_status, a.latency_ms, a.possible_duplicate
      from json_to_recordset(${rows}::json) as a(notification_id uuid, attempt int, evolution_api_id uuid, whatsapp_instance_id uuid,
           outcome text, error_code text, error_scope text, error_message text, http_status int, latency_ms int, possible_duplicate boolean)
     where exists (select 1 from updated))`;
}
