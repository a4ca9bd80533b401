import type { DbHandle } from '@bora/db';

/** A claimed notification with what rendering and routing need, read in the claiming statement. */
export interface ClaimedNotification {
  id: string;
  tenantId: string;
  kind: 'confirmation' | 'reminder' | 'cancellation' | 'manual';
  recipient: string;
  text: string | null;
  attempts: number;
  forcedEvolutionApiId: string | null;
  tenantName: string;
  timezone: string;
  allowSharedSender: boolean;
  templates: { confirmation: string; reminder: string; cancellation: string };
  booking: { customerName: string; service: string; professional: string; startsAt: Date; status: string } | null;
}

export interface AttemptRecord {
  attempt: number;
  evolutionApiId: string | null;
  whatsappInstanceId: string | null;
  outcome: 'sent' | 'failed';
  errorCode: string | null;
  errorScope: string | null;
  errorMessage: string | null;
  httpStatus: number | null;
  latencyMs: number;
}

/** drizzle's postgres.js driver makes raw queries return timestamps as strings. */
export function toDate(value: Date | string): Date {
  return value instanceof Date ? value : new Date(value);
}

export type Unclaimable = { reason: 'missing' } | { reason: 'done'; status: string } | { reason: 'in-flight' } | { reason: 'not-due'; dueAt: Date };

/**
 * The ledger's statements, each one round trip. Every write is guarded by the row's status, so a
 * row already sent, cancelled or claimed by another replica is never touched twice.
 */
export function createLedger(db: DbHandle, leaseMs: number) {
  const { sql } = db;

  /**
   * `reopenFailed`: the job was re-run by an operator after it failed (a bull-board retry), so a
   * `failed` row starts over with a fresh attempt budget, as admin-api's retry does — in the same
   * guarded statement, so a `sent` or `cancelled` row is never touched.
   */
  async function claim(id: string, options: { reopenFailed?: boolean } = {}): Promise<ClaimedNotification | Unclaimable> {
    const reopen = options.reopenFailed === true;
    const rows = await sql`
      with claimed as (
        update notifications
           set status = 'sending', updated_at = now(),
               attempts = case when status = 'failed' then 1 else attempts + 1 end,
               due_at = case when status = 'failed' then now() else due_at end,
               failed_at = case when status = 'failed' then null else failed_at end,
               lease_until = now() + ${leaseMs} * interval '1 millisecond'
         where id = ${id}
           and due_at <= now() + interval '1 second'
           and (status in ('pending', 'queued') or (status = 'sending' and lease_until < now()) or (${reopen}::boolean and status = 'failed'))
        returning *
      )
      select c.id, c.tenant_id, c.kind, c.recipient, c.text, c.attempts, c.forced_evolution_api_id,
             t.name as tenant_name, t.timezone, t.allow_shared_sender,
             t.confirmation_template, t.reminder_template, t.cancellation_template,
             b.customer_name, b.service, b.professional, b.starts_at, b.status as booking_status
        from claimed c
        join tenants t on t.id = c.tenant_id
        left join bookings b on b.id = c.booking_id`;
    const row = rows[0];
    if (!row) return whyNot(id);
    return {
      id: row.id,
      tenantId: row.tenant_id,
      kind: row.kind,
      recipient: row.recipient,
      text: row.text,
      attempts: row.attempts,
      forcedEvolutionApiId: row.forced_evolution_api_id,
      tenantName: row.tenant_name,
      timezone: row.timezone,
      allowSharedSender: row.allow_shared_sender,
      templates: { confirmation: row.confirmation_template, reminder: row.reminder_template, cancellation: row.cancellation_template },
      booking: row.starts_at
        ? { customerName: row.customer_name, service: row.service, professional: row.professional, startsAt: toDate(row.starts_at), status: row.booking_status }
        : null,
    };
  }

  async function whyNot(id: string): Promise<Unclaimable> {
    const [row] = await sql<{ status: string; due_at: Date | string }[]>`select status, due_at from notifications where id = ${id}`;
    if (!row) return { reason: 'missing' };
    if (row.status === 'sending') return { reason: 'in-flight' };
    if (row.status === 'pending' || row.status === 'queued') return { reason: 'not-due', dueAt: toDate(row.due_at) };
    return { reason: 'done', status: row.status };
  }

  function insertAttempts(id: string, attempts: AttemptRecord[]) {
    return attempts.map((a) => ({
      notification_id: id,
      attempt: a.attempt,
      evolution_api_id: a.evolutionApiId,
      whatsapp_instance_id: a.whatsappInstanceId,
      outcome: a.outcome,
      error_code: a.errorCode,
      error_scope: a.errorScope,
      error_message: a.errorMessage,
      http_status: a.httpStatus,
      latency_ms: a.latencyMs,
    }));
  }

  /**
   * Writes the outcome and the attempt rows in one statement (a data-modifying CTE always runs,
   * so the attempts are logged even when another replica already finished the row: they were real
   * HTTP sends either way).
   */
  async function finish(id: string, set: ReturnType<typeof sql>, attempts: AttemptRecord[], from: readonly string[] = ['sending']): Promise<boolean> {
    const log = attempts.length > 0 ? sql`, logged as (insert into delivery_attempts ${sql(insertAttempts(id, attempts))})` : sql``;
    const rows = await sql`
      with updated as (
        update notifications set ${set}, lease_until = null, updated_at = now()
         where id = ${id} and status = any(${from as string[]}::text[])
        returning id
      ) ${log}
      select id from updated`;
    return rows.length > 0;
  }

  return {
    claim,

    /** Success: the outcome, the message id to correlate webhooks, and the attempts. */
    async markSent(
      id: string,
      sent: { text: string; serverId: string; instanceId: string; messageId: string; remoteJid: string },
      attempts: AttemptRecord[],
    ): Promise<boolean> {
      return finish(
        id,
        sql`status = 'sent', text = ${sent.text}, evolution_api_id = ${sent.serverId},
            whatsapp_instance_id = ${sent.instanceId}, message_id = ${sent.messageId},
            remote_jid = ${sent.remoteJid}, sent_at = now(), last_error_code = null, last_error_message = null`,
        attempts,
        // A send that really happened is recorded even if the lease ran out meanwhile and the
        // sweeper put the row back in line: that is what keeps it from going out twice.
        ['sending', 'queued', 'pending'],
      );
    },

    /** Final failure (dead letter): visible and retryable from the admin. */
    async markFailed(id: string, error: { code: string; message: string; text?: string | null }, attempts: AttemptRecord[]): Promise<boolean> {
      return finish(
        id,
        sql`status = 'failed', text = coalesce(text, ${error.text ?? null}), last_error_code = ${error.code},
            last_error_message = ${error.message}, failed_at = now()`,
        attempts,
      );
    },

    /** Back to the queue for a later attempt (backoff), keeping the reason visible. */
    async markRetry(id: string, error: { code: string; message: string }, attempts: AttemptRecord[]): Promise<boolean> {
      return finish(id, sql`status = 'queued', last_error_code = ${error.code}, last_error_message = ${error.message}`, attempts);
    },

    /** Gives the claim back without spending an attempt (the sender's pacing slot is later). */
    async release(id: string): Promise<void> {
      await sql`
        update notifications set status = 'queued', attempts = greatest(attempts - 1, 0), lease_until = null, updated_at = now()
         where id = ${id} and status = 'sending'`;
    },

    async markCancelled(id: string): Promise<void> {
      await sql`
        update notifications set status = 'cancelled', lease_until = null, updated_at = now()
         where id = ${id} and status in ('sending', 'pending', 'queued')`;
    },
  };
}

export type Ledger = ReturnType<typeof createLedger>;
