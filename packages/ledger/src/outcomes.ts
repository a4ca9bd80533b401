import { isDeterministicPgError, pgErrorCode, PG_ERROR, type Sql, type SqlFragment } from '@bora/db';
import { attemptsCte, attemptRows, type AttemptRecord } from './attempts.ts';
import { sentFields, storableText, type SentFields } from './sanitize.ts';
import { fromStates, type LedgerEvent } from './states.ts';

export interface Failure {
  code: string;
  /** pt-BR, for operators. */
  message: string;
  /** Whose fault: `recipient`, `request`, `instance`, `server`, `auth`, `sender` (none available), `internal`. */
  scope: string;
}

export interface SentOutcome {
  text: string;
  serverId: string;
  instanceId: string;
  /** What the 2xx said; either may be missing or unusable, the send is recorded anyway. */
  keyId: string | null;
  remoteJid: string | null;
}

export interface UnconfirmedOutcome {
  text: string;
  serverId: string;
  instanceId: string;
  failure: Failure;
  /** When reconciliation should first look. */
  reconcileAfterMs: number;
}

function errorSet(sql: Sql, failure: Failure): SqlFragment {
  return sql`last_error_code = ${storableText(failure.code, 100)}, last_error_message = ${storableText(failure.message, 500)},
             last_error_scope = ${storableText(failure.scope, 20)}`;
}

/**
 * The outcome statements. Each moves a row along one event of the transition table and logs the
 * pass's HTTP sends in the same statement (a data-modifying CTE always runs, so the attempts are
 * kept even when another replica already finished the row: they were real sends either way).
 * Returns whether this call moved the row.
 */
export function createOutcomes(sql: Sql) {
  async function finish(
    id: string,
    event: LedgerEvent,
    set: SqlFragment,
    attempts: readonly AttemptRecord[],
    again = false,
  ): Promise<boolean> {
    const rows = await sql<{ id: string }[]>`
      with updated as (
        update notifications set ${set}, lease_until = null, updated_at = now()
         where id = ${id} and status = any(${fromStates(event)}::text[])
        returning id
      ) ${attemptsCte(sql, id, attempts, again)}
      select id from updated`;
    return rows.length > 0;
  }

  function sentSet(sent: SentOutcome, fields: SentFields): SqlFragment {
    return sql`status = 'sent', text = ${sent.text}, evolution_api_id = ${sent.serverId}, whatsapp_instance_id = ${sent.instanceId},
               message_id = ${fields.keyId}, remote_jid = ${fields.remoteJid}, record_note = ${fields.note},
               sent_at = now(), reconcile_at = null, last_error_code = null, last_error_message = null, last_error_scope = null`;
  }

  return {
    /**
     * A 2xx. Never lost to what the server answered: a field Postgres refuses (a key id another row
     * holds, a byte it cannot store) is dropped and noted, and the send is recorded without it.
     * Only a transient error (connection, timeout) is thrown, for the caller to retry, passing
     * `again` so the attempts are not logged twice should the first try have committed after all.
     */
    async recordSent(
      id: string,
      sent: SentOutcome,
      attempts: readonly AttemptRecord[],
      again = false,
    ): Promise<boolean> {
      const fields = sentFields(sent.keyId, sent.remoteJid);
      try {
        return await finish(id, 'sent', sentSet(sent, fields), attempts, again);
      } catch (error) {
        if (!isDeterministicPgError(error)) throw error;
        const why = pgErrorCode(error) === PG_ERROR.uniqueViolation ? 'KEY_ID_DUPLICATE' : 'OUTCOME_FIELDS_REFUSED';
        const bare: SentFields = { keyId: null, remoteJid: null, note: [fields.note, why].filter(Boolean).join(',') };
        try {
          return await finish(id, 'sent', sentSet(sent, bare), attempts, again);
        } catch (second) {
          if (!isDeterministicPgError(second)) throw second;
          // Last resort: the status alone, then the attempts on their own.
          const moved = await finish(
            id,
            'sent',
            sentSet({ ...sent, text: storableText(sent.text, 65_536) ?? '' }, bare),
            [],
          );
          await sql`insert into delivery_attempts ${sql(attemptRows(id, attempts))}`.catch(() => undefined);
          return moved;
        }
      }
    },

    /** The request went out and no readable answer came: the row waits for reconciliation. */
    recordUnconfirmed(
      id: string,
      outcome: UnconfirmedOutcome,
      attempts: readonly AttemptRecord[],
      again = false,
    ): Promise<boolean> {
      return finish(
        id,
        'unconfirm',
        sql`status = 'unconfirmed', text = ${outcome.text}, evolution_api_id = ${outcome.serverId}, whatsapp_instance_id = ${outcome.instanceId},
            unconfirmed_at = now(), reconcile_at = now() + ${outcome.reconcileAfterMs} * interval '1 millisecond', ${errorSet(sql, outcome.failure)}`,
        attempts,
        again,
      );
    },

    /** Every candidate failed for a reason worth retrying: back in line, the reason kept visible. */
    recordRetry(id: string, failure: Failure, attempts: readonly AttemptRecord[]): Promise<boolean> {
      return finish(id, 'retry', sql`status = 'queued', ${errorSet(sql, failure)}`, attempts);
    },

    /** Dead letter: visible, and retryable by an operator (or revived when a sender comes back). */
    recordFailed(
      id: string,
      failure: Failure,
      attempts: readonly AttemptRecord[],
      text?: string | null,
    ): Promise<boolean> {
      return finish(
        id,
        'fail',
        sql`status = 'failed', text = coalesce(text, ${text ?? null}), failed_at = now(), ${errorSet(sql, failure)}`,
        attempts,
      );
    },

    /**
     * After its claim, the dispatcher found the message must not go: a later reminder the customer
     * already answered (`cancelled`), or one that cannot leave quiet hours before its appointment
     * (`expired`). The reason stays on the row.
     */
    retire(id: string, to: 'cancelled' | 'expired', failure: Failure): Promise<boolean> {
      return to === 'cancelled'
        ? finish(id, 'cancel', sql`status = 'cancelled', ${errorSet(sql, failure)}`, [])
        : finish(id, 'expire', sql`status = 'expired', expired_at = now(), ${errorSet(sql, failure)}`, []);
    },

    /** Back in line until `until` without a send (quiet hours): the attempt is returned, the reason kept. */
    defer(id: string, until: Date, failure: Failure): Promise<boolean> {
      return finish(
        id,
        'release',
        sql`status = 'queued', attempts = greatest(attempts - 1, 0), due_at = ${until.toISOString()}::timestamptz, ${errorSet(sql, failure)}`,
        [],
      );
    },

    /**
     * Gives the claim back without any HTTP send (a pacing slot later, no sender now): the attempt
     * it counted is returned, so waiting never uses up the budget. `failure` says why, for operators.
     */
    release(id: string, failure?: Failure): Promise<boolean> {
      return finish(
        id,
        'release',
        failure
          ? sql`status = 'queued', attempts = greatest(attempts - 1, 0), ${errorSet(sql, failure)}`
          : sql`status = 'queued', attempts = greatest(attempts - 1, 0)`,
        [],
      );
    },
  };
}

export type Outcomes = ReturnType<typeof createOutcomes>;
