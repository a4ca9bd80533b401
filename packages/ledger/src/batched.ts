import { createBatcher } from '@bora/core';
import { isDeterministicPgError, type Sql } from '@bora/db';
import { attemptRows, type AttemptRecord } from './attempts.ts';
import { claimNotifications, type ClaimedNotification, type ClaimOptions, type Unclaimable } from './claim.ts';
import type { Outcomes, SentOutcome } from './outcomes.ts';
import { sentFields } from './sanitize.ts';
import { fromStates } from './states.ts';

export interface BatchingOptions {
  /** Rows per statement. */
  maxBatch: number;
  /** Statements of one kind in flight at once: one stuck statement must not stall the others. */
  inFlight: number;
  /** Lanes beyond the first open only beside statements slower than this (ms; see createBatcher). */
  spareAfterMs?: number;
  /**
   * A statement that has not answered by then is cancelled and fails its batch (its rows are
   * retried by their jobs; nothing was written), so one stuck query costs one batch, not the process.
   */
  deadlineMs: number;
}

interface SentItem {
  id: string;
  sent: SentOutcome;
  attempts: readonly AttemptRecord[];
}

/** The statement a batch run is waiting on, so a late one can be cancelled (postgres.js queries can be). */
interface Tracked {
  query?: { cancel(): void };
}

/**
 * The dispatcher's two statements per message — the claim and the record of a send — shared by
 * the worker's concurrent jobs: one statement per batch, guarded per row exactly as alone. A batch
 * Postgres refuses for one row's sake is replayed row by row, so each row gets its own outcome.
 */
export function createBatchedLedger(sql: Sql, claim: ClaimOptions, outcomes: Outcomes, options: BatchingOptions) {
  const running = new WeakMap<Promise<unknown>, Tracked>();
  const batcherOptions = {
    maxBatch: options.maxBatch,
    concurrency: options.inFlight,
    spareAfterMs: options.spareAfterMs,
    deadlineMs: options.deadlineMs,
    // Cancelled, a stuck statement rolls back (nothing half-written) and gives its connection back.
    onLate: (run: Promise<unknown>) => running.get(run)?.query?.cancel(),
  };
  function tracked<T>(start: (tracked: Tracked) => Promise<T>): Promise<T> {
    const holder: Tracked = {};
    const promise = start(holder);
    running.set(promise, holder);
    return promise;
  }

  const claimBatch = createBatcher<string, ClaimedNotification | Unclaimable>(
    (ids) =>
      tracked(async (holder) => {
        const byId = await claimNotifications(sql, [...new Set(ids)], claim, (q) => (holder.query = q));
        // A second job for one row in one batch (a stalled job re-run) must never get it twice.
        const seen = new Set<string>();
        return ids.map((id) => {
          if (seen.has(id)) return { reason: 'in-flight' } as const;
          seen.add(id);
          return byId.get(id)!;
        });
      }),
    batcherOptions,
  );

  async function sentMany(items: SentItem[], holder: Tracked): Promise<boolean[]> {
    if (items.length === 1 || new Set(items.map((i) => i.id)).size < items.length) {
      const results: boolean[] = [];
      for (const item of items) results.push(await outcomes.recordSent(item.id, item.sent, item.attempts));
      return results;
    }
    const rows = items.map(({ id, sent }) => {
      const fields = sentFields(sent.keyId, sent.remoteJid);
      return {
        id,
        text: sent.text,
        server: sent.serverId,
        instance: sent.instanceId,
        key: fields.keyId,
        jid: fields.remoteJid,
        note: fields.note,
      };
    });
    const attempts = items.flatMap((item) => attemptRows(item.id, item.attempts));
    try {
      const query = sql<{ id: string }[]>`
        with v as (
          select * from json_to_recordset(${JSON.stringify(rows)}::json)
            as v(id uuid, text text, server uuid, instance uuid, key text, jid text, note text)
        ), updated as (
          update notifications n
             set status = 'sent', text = v.text, evolution_api_id = v.server, whatsapp_instance_id = v.instance,
                 message_id = v.key, remote_jid = v.jid, record_note = v.note, sent_at = now(), reconcile_at = null,
                 last_error_code = null, last_error_message = null, last_error_scope = null, lease_until = null, updated_at = now()
            from v
           where n.id = v.id and n.status = any(${fromStates('sent')}::text[])
          returning n.id
        ), logged as (
          insert into delivery_attempts (notification_id, attempt, evolution_api_id, whatsapp_instance_id, outcome, error_code, error_scope,
                                         error_message, http_status, latency_ms, possible_duplicate)
          select a.notification_id, a.attempt, a.evolution_api_id, a.whatsapp_instance_id, a.outcome, a.error_code, a.error_scope,
                 a.error_message, a.http_status, a.latency_ms, a.possible_duplicate
            from json_to_recordset(${JSON.stringify(attempts)}::json) as a(notification_id uuid, attempt int, evolution_api_id uuid,
                 whatsapp_instance_id uuid, outcome text, error_code text, error_scope text, error_message text, http_status int,
                 latency_ms int, possible_duplicate boolean)
        )
        select id from updated`;
      holder.query = query;
      const ids = new Set((await query).map((r) => r.id));
      return items.map((item) => ids.has(item.id));
    } catch (error) {
      if (!isDeterministicPgError(error)) throw error;
      // One row's field sank the batch (a key another row holds…): each on its own, with its fallbacks.
      const results: boolean[] = [];
      for (const item of items) results.push(await outcomes.recordSent(item.id, item.sent, item.attempts));
      return results;
    }
  }

  const sentBatch = createBatcher<SentItem, boolean>(
    (items) => tracked((holder) => sentMany(items, holder)),
    batcherOptions,
  );

  return {
    claim: (id: string) => claimBatch(id),
    /** `again` (a retry after a write whose fate is unknown) goes alone, logging attempts only if it moves the row. */
    recordSent: (id: string, sent: SentOutcome, attempts: readonly AttemptRecord[], again = false) =>
      again ? outcomes.recordSent(id, sent, attempts, true) : sentBatch({ id, sent, attempts }),
  };
}
