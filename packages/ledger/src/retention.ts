import type { Sql } from '@bora/db';

/**
 * Rows the dispatcher is done with: nothing in flight, nothing owed that could still be sent.
 * (An `unconfirmed` row past its appointment stays unconfirmed for good; past the retention
 * window it is settled history like the others.)
 */
export const SETTLED_STATES = ['unconfirmed', 'sent', 'delivered', 'read', 'failed', 'cancelled', 'expired'] as const;

/**
 * The ledger's retention statements (LGPD's necessity principle: personal data only as long as
 * the purpose needs it). Each one is a single bounded statement — at most `limit` rows, taken
 * with `for update skip locked` so a row the hot path holds is simply left for the next batch —
 * and answers how many rows it touched. A row's age is counted from its appointment (a booking's
 * `starts_at`) or, for a manual message, from its creation; `created_at` older than the cutoff
 * is implied by either and lets the (status, created_at) index find candidates.
 * The caller (the dispatcher's leader-elected maintenance) repeats a batch until it comes back short.
 */
export function createRetention(sql: Sql) {
  const candidates = (days: number, limit: number, what: ReturnType<Sql>) => sql`
    select f.id
      from notifications f
      left join bookings b on b.id = f.booking_id
     where f.status = any(${SETTLED_STATES as unknown as string[]}::text[])
       and f.created_at < now() - ${days} * interval '1 day'
       and coalesce(b.starts_at, f.created_at) < now() - ${days} * interval '1 day'
       and ${what}
     limit ${limit}
       for update of f skip locked`;

  return {
    /** Drops the message text (and error text, which may quote it) of settled rows `days` after their appointment. */
    async clearMessageText(days: number, limit: number): Promise<number> {
      const rows = await sql<{ id: string }[]>`
        update notifications n set text = null, last_error_message = null
         where n.id in (${candidates(days, limit, sql`(f.text is not null or f.last_error_message is not null)`)})
        returning n.id`;
      return rows.length;
    },

    /**
     * Removes the customer's number from settled rows `days` after their appointment: the
     * recipient becomes '' and the chat id, text and error text go. Counts, statuses, servers,
     * numbers used and message keys stay (the usage statistics and the audit trail need them).
     */
    async anonymiseRecipients(days: number, limit: number): Promise<number> {
      const rows = await sql<{ id: string }[]>`
        update notifications n set recipient = '', remote_jid = null, text = null, last_error_message = null
         where n.id in (${candidates(days, limit, sql`f.recipient <> ''`)})
        returning n.id`;
      return rows.length;
    },
  };
}

export type Retention = ReturnType<typeof createRetention>;
