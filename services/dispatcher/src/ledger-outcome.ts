import type { Sql } from '@bora/db';
import { createBatcher, isRowError } from './batcher.ts';
import type { AttemptRecord } from './ledger-types.ts';

/** One job's outcome write: its row's new fields (per statement kind) and its attempt rows. */
export interface OutcomeWrite<F> {
  id: string;
  fields: F;
  attempts: AttemptRecord[];
}

export interface SentFields {
  text: string;
  serverId: string;
  instanceId: string;
  messageId: string;
  remoteJid: string;
}

export interface ErrorFields {
  code: string;
  message: string;
  text?: string | null;
}

type Fragment = ReturnType<Sql>;

function attemptRows(writes: readonly OutcomeWrite<unknown>[]) {
  return writes.flatMap((w) =>
    w.attempts.map((a) => ({
      notification_id: w.id,
      attempt: a.attempt,
      evolution_api_id: a.evolutionApiId,
      whatsapp_instance_id: a.whatsappInstanceId,
      outcome: a.outcome,
      error_code: a.errorCode,
      error_scope: a.errorScope,
      error_message: a.errorMessage,
      http_status: a.httpStatus,
      latency_ms: a.latencyMs,
    })),
  );
}

/**
 * The outcome writes of the worker's concurrent jobs, many per statement: one
 * `UPDATE … FROM jsonb_to_recordset(…)` whose status guard is checked per row, plus one INSERT of
 * every attempt row in the batch (a data-modifying CTE always runs, so the attempts are logged even
 * when another replica already finished the row: they were real HTTP sends either way). The JSON
 * keeps the statement text fixed, so postgres.js prepares it once per connection whatever the
 * batch size. Rows are sent in id order so two replicas' batches lock common rows in one order.
 */
export function createOutcomeBatchers(sql: Sql) {
  function logged(writes: readonly OutcomeWrite<unknown>[]): Fragment {
    return sql`logged as (
      insert into delivery_attempts (notification_id, attempt, evolution_api_id, whatsapp_instance_id, outcome, error_code, error_scope, error_message, http_status, latency_ms)
      select notification_id, attempt, evolution_api_id, whatsapp_instance_id, outcome, error_code, error_scope, error_message, http_status, latency_ms
        from jsonb_to_recordset(${JSON.stringify(attemptRows(writes))}::jsonb)
          as a(notification_id uuid, attempt int, evolution_api_id uuid, whatsapp_instance_id uuid, outcome text,
               error_code text, error_scope text, error_message text, http_status int, latency_ms int))`;
  }

  /** `statement` answers the ids it updated; each caller learns whether its row was. */
  function batcher<F>(statement: (input: string, ids: string[], writes: OutcomeWrite<F>[]) => Promise<readonly { id: string }[]>) {
    const batched = createBatcher<OutcomeWrite<F>, boolean>(
      async (writes) => {
        const sorted = [...writes].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        const input = JSON.stringify(sorted.map((w) => ({ id: w.id, ...w.fields })));
        const updated = new Set((await statement(input, sorted.map((w) => w.id), sorted)).map((row) => String(row.id)));
        return writes.map((w) => ({ value: updated.has(w.id) }));
      },
      { key: (w) => w.id, isolate: isRowError },
    );
    return (write: OutcomeWrite<F>) => batched({ ...write, id: write.id.toLowerCase() });
  }

  return {
    // A send that really happened is recorded even if the lease ran out meanwhile and the
    // sweeper put the row back in line: that is what keeps it from going out twice.
    markSent: batcher<SentFields>(
      (input, ids, writes) => sql`
        with updated as (
          update notifications n
             set status = 'sent', text = r.text, evolution_api_id = r."serverId", whatsapp_instance_id = r."instanceId",
                 message_id = r."messageId", remote_jid = r."remoteJid", sent_at = now(),
                 last_error_code = null, last_error_message = null, lease_until = null, updated_at = now()
            from jsonb_to_recordset(${input}::jsonb) as r(id uuid, text text, "serverId" uuid, "instanceId" uuid, "messageId" text, "remoteJid" text)
           where n.id = any(${ids}::uuid[]) and n.id = r.id and n.status in ('sending', 'queued', 'pending')
          returning n.id
        ), ${logged(writes)}
        select id from updated`,
    ),

    markFailed: batcher<ErrorFields>(
      (input, ids, writes) => sql`
        with updated as (
          update notifications n
             set status = 'failed', text = coalesce(n.text, r.text), last_error_code = r.code, last_error_message = r.message,
                 failed_at = now(), lease_until = null, updated_at = now()
            from jsonb_to_recordset(${input}::jsonb) as r(id uuid, text text, code text, message text)
           where n.id = any(${ids}::uuid[]) and n.id = r.id and n.status = 'sending'
          returning n.id
        ), ${logged(writes)}
        select id from updated`,
    ),

    markRetry: batcher<ErrorFields>(
      (input, ids, writes) => sql`
        with updated as (
          update notifications n
             set status = 'queued', last_error_code = r.code, last_error_message = r.message, lease_until = null, updated_at = now()
            from jsonb_to_recordset(${input}::jsonb) as r(id uuid, code text, message text)
           where n.id = any(${ids}::uuid[]) and n.id = r.id and n.status = 'sending'
          returning n.id
        ), ${logged(writes)}
        select id from updated`,
    ),

    /** Gives claims back without spending an attempt (the sender's pacing slot is later). */
    release: batcher<Record<string, never>>(
      (_input, ids) => sql`
        update notifications set status = 'queued', attempts = greatest(attempts - 1, 0), lease_until = null, updated_at = now()
         where id = any(${ids}::uuid[]) and status = 'sending'
        returning id`,
    ),
  };
}
