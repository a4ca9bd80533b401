import { toDate, type Sql } from '@bora/db';
import { fromStates, OWED_STATES } from './states.ts';

export interface DueRow {
  id: string;
  /** Picks the queue shard (a stable hash of the tenant). */
  tenantId: string;
  dueAt: Date;
  /** due_at as Postgres prints it, at full precision: the paging cursor. */
  cursorAt: string;
  /** Untouched for two minutes: its job, if it still has one, may be a finished one. */
  stale: boolean;
}

/** A row the relay hands back to the queue: the tenant picks its shard. */
export interface RelayedRow {
  id: string;
  tenantId: string;
  dueAt: Date;
}

export interface Cursor {
  dueAt: string;
  id: string;
}

/** Scopes of failures that say "no working sender", not "this message is wrong". */
const SENDER_SCOPES = ['instance', 'server', 'auth', 'sender'];

/** The outbox relay's statements (the leader-elected sweeper). */
export function createRelay(sql: Sql) {
  return {
    /** Frees claims whose holder died (lease ran out): each may have been sent, so each is counted. */
    async recoverLeases(limit: number): Promise<RelayedRow[]> {
      const rows = await sql<{ id: string; tenant_id: string; due_at: Date | string }[]>`
        update notifications set status = 'queued', lease_until = null, updated_at = now()
         where id in (
           select id from notifications
            where status = any(${fromStates('recoverLease')}::text[]) and lease_until < now()
            limit ${limit} for update skip locked)
        returning id, tenant_id, due_at`;
      return rows.map((r) => ({ id: r.id, tenantId: r.tenant_id, dueAt: toDate(r.due_at) }));
    },

    /**
     * One page of owed rows due within `lookaheadMs`, after the cursor, in (due_at, id) order.
     * `due_at >= x and (due_at > x or id > y)` rather than a row comparison: it can use the
     * partial index on (due_at, id).
     */
    async duePage(after: Cursor | undefined, limit: number, lookaheadMs: number): Promise<DueRow[]> {
      const past = after
        ? sql`and due_at >= ${after.dueAt}::timestamptz and (due_at > ${after.dueAt}::timestamptz or id > ${after.id})`
        : sql``;
      const rows = await sql<
        { id: string; tenant_id: string; due_at: Date | string; cursor_at: string; stale: boolean }[]
      >`
        select id, tenant_id, due_at, due_at::text as cursor_at, updated_at < now() - interval '2 minutes' as stale
          from notifications
         where status in ${sql(OWED_STATES)} and due_at <= now() + ${lookaheadMs} * interval '1 millisecond' ${past}
         order by due_at, id limit ${limit}`;
      return rows.map((r) => ({
        id: r.id,
        tenantId: r.tenant_id,
        dueAt: toDate(r.due_at),
        cursorAt: r.cursor_at,
        stale: r.stale,
      }));
    },

    /**
     * Rows dead-lettered for lack of a working sender go back in line once a sender of theirs
     * (re)connected after they failed — a fresh attempt budget, at most `maxRevivals` times, and
     * only while their appointment (or horizon) is still ahead.
     */
    async revive(limit: number, options: { maxRevivals: number; horizonMs: number }): Promise<RelayedRow[]> {
      const rows = await sql<{ id: string; tenant_id: string; due_at: Date | string }[]>`
        update notifications n
           set status = 'queued', attempts = 0, revivals = n.revivals + 1, due_at = now(), failed_at = null, updated_at = now()
         where n.id in (
           select f.id
             from notifications f
             join tenants t on t.id = f.tenant_id
             left join bookings b on b.id = f.booking_id
            where f.status = any(${fromStates('revive')}::text[])
              and f.last_error_scope = any(${SENDER_SCOPES}::text[])
              and f.revivals < ${options.maxRevivals}
              and (case when f.kind in ('confirmation', 'reminder') then b.status = 'confirmed' and b.starts_at > now()
                        else f.created_at + ${options.horizonMs} * interval '1 millisecond' > now() end)
              and exists (
                select 1 from whatsapp_instances w join evolution_apis e on e.id = w.evolution_api_id
                 where w.status = 'connected' and e.is_active and e.health <> 'unauthorized'
                   and w.status_changed_at > f.failed_at
                   and (w.tenant_id = f.tenant_id or (w.tenant_id is null and t.allow_shared_sender)))
            limit ${limit}
            for update of f skip locked)
           and n.status = 'failed'
        returning n.id, n.tenant_id, n.due_at`;
      return rows.map((r) => ({ id: r.id, tenantId: r.tenant_id, dueAt: toDate(r.due_at) }));
    },
  };
}

export type Relay = ReturnType<typeof createRelay>;
