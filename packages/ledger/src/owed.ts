import { toDate, type Sql, type SqlFragment } from '@bora/db';
import { fromStates, OWED_STATES } from './states.ts';

/**
 * For a booking statement's CTE: cancels the confirmation and reminders still owed for the
 * bookings the subquery names (a confirmation still waiting in the queue must not go out after
 * its booking was cancelled). Rows already in a dispatcher's hands are left alone: the claim
 * re-reads the booking.
 */
export function cancelOwedFor(sql: Sql, bookingIds: SqlFragment): SqlFragment {
  return sql`
    update notifications set status = 'cancelled', lease_until = null, updated_at = now()
     where booking_id in (${bookingIds}) and kind in ('confirmation', 'reminder')
       and status in ${sql(OWED_STATES)}
    returning id`;
}

export interface ManualMessage {
  tenantId: string;
  recipient: string;
  text: string;
  forcedEvolutionApiId: string | null;
}

export interface Reply {
  tenantId: string;
  recipient: string;
  text: string;
  bookingId?: string | null;
  /** The number the customer wrote to: the answer goes from it and from no other. */
  serverId: string;
  instanceId: string;
}

export type ReopenResult =
  { reopened: true; id: string; tenantId: string; dueAt: Date } | { reopened: false; status: string | null };

/** Rows an operator or the API creates and reopens. */
export function createOwed(sql: Sql) {
  return {
    /** The seed's `send_message_auto`: a manual message owed now. */
    async createManual(message: ManualMessage): Promise<{ id: string; dueAt: Date }> {
      const [row] = await sql<{ id: string; due_at: Date | string }[]>`
        insert into notifications (tenant_id, kind, recipient, text, forced_evolution_api_id, due_at)
        values (${message.tenantId}, 'manual', ${message.recipient}, ${message.text}, ${message.forcedEvolutionApiId}, now())
        returning id, due_at`;
      return { id: row!.id, dueAt: toDate(row!.due_at) };
    },

    /** Our answer to a customer's message, owed now, from the number they wrote to. */
    async createReply(reply: Reply): Promise<{ id: string; dueAt: Date }> {
      const [row] = await sql<{ id: string; due_at: Date | string }[]>`
        insert into notifications (tenant_id, booking_id, kind, recipient, text, forced_evolution_api_id, forced_instance_id, due_at)
        values (${reply.tenantId}, ${reply.bookingId ?? null}, 'reply', ${reply.recipient}, ${reply.text}, ${reply.serverId}, ${reply.instanceId}, now())
        returning id, due_at`;
      return { id: row!.id, dueAt: toDate(row!.due_at) };
    },

    /**
     * The customer opted out: every message of that business still owed to the number is cancelled
     * (our answers to them excepted). Rows in a dispatcher's hands meet the opt-out at their claim.
     */
    async cancelOwedForRecipient(tenantId: string, recipients: readonly string[]): Promise<string[]> {
      const rows = await sql<{ id: string }[]>`
        update notifications
           set status = 'cancelled', last_error_code = 'OPTED_OUT',
               last_error_message = 'O cliente pediu para não receber mais mensagens deste negócio', lease_until = null, updated_at = now()
         where tenant_id = ${tenantId} and recipient = any(${recipients as string[]}::text[]) and kind not in ('reply', 'owner_alert')
           and status in ${sql(OWED_STATES)}
        returning id`;
      return rows.map((r) => r.id);
    },

    /** The customer wrote first (the wa.me link): a confirmation still waiting for them goes now. */
    async bringConfirmationForward(bookingId: string): Promise<{ id: string; dueAt: Date } | undefined> {
      const [row] = await sql<{ id: string; due_at: Date | string }[]>`
        update notifications set due_at = now(), updated_at = now()
         where booking_id = ${bookingId} and kind = 'confirmation' and status in ${sql(OWED_STATES)} and due_at > now()
        returning id, due_at`;
      return row ? { id: row.id, dueAt: toDate(row.due_at) } : undefined;
    },

    /**
     * The platform tells a business owner something (a number to re-link), on their personal
     * phone, from a shared sender only (kind `owner_alert`): owed now, no booking.
     */
    async createOwnerAlert(alert: {
      tenantId: string;
      recipient: string;
      text: string;
    }): Promise<{ id: string; dueAt: Date }> {
      const [row] = await sql<{ id: string; due_at: Date | string }[]>`
        insert into notifications (tenant_id, kind, recipient, text, due_at)
        values (${alert.tenantId}, 'owner_alert', ${alert.recipient}, ${alert.text}, now())
        returning id, due_at`;
      return { id: row!.id, dueAt: toDate(row!.due_at) };
    },

    /**
     * An operator retries a dead letter: a fresh attempt budget, due now (the audit rows keep the
     * history). The one reopen rule; a bull-board retry applies the same one inside its claim.
     */
    async reopen(id: string): Promise<ReopenResult> {
      const [row] = await sql<{ id: string; tenant_id: string; due_at: Date | string }[]>`
        update notifications
           set status = 'pending', attempts = 0, revivals = 0, due_at = now(), failed_at = null, lease_until = null, updated_at = now()
         where id = ${id} and status = any(${fromStates('reopen')}::text[])
        returning id, tenant_id, due_at`;
      if (row) return { reopened: true, id: row.id, tenantId: row.tenant_id, dueAt: toDate(row.due_at) };
      const [current] = await sql<{ status: string }[]>`select status from notifications where id = ${id}`;
      return { reopened: false, status: current?.status ?? null };
    },
  };
}

export type Owed = ReturnType<typeof createOwed>;
