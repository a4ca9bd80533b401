import { notifyFleetChanged, type NumberEventKind, type Sql } from '@bora/db';

/** Statements about a number's safety that admin-api makes from webhooks: its events, its reach-out lock. */
export function createNumberSafetyStore(sql: Sql) {
  return {
    async recordEvent(instanceId: string, kind: NumberEventKind, code?: number): Promise<void> {
      await sql`insert into whatsapp_instance_events (whatsapp_instance_id, kind, code) values (${instanceId}, ${kind}, ${code ?? null})`;
    },

    /**
     * WhatsApp's reach-out lock on a number (a first contact refused): first contacts pause for
     * `baseMs`, doubling with each new lock within a week of the last (at most 8×). A lock already
     * running is not extended — the refusals of one burst are one lock. Wakes the dispatchers.
     */
    async lockReachout(instanceId: string, baseMs: number): Promise<{ until: Date; locks: number } | null> {
      const [row] = await sql<{ reachout_locked_until: Date; reachout_locks: number }[]>`
        with next as (
          select id, case when reachout_locked_at > now() - interval '7 days' then reachout_locks + 1 else 1 end as locks
            from whatsapp_instances
           where id = ${instanceId} and (reachout_locked_until is null or reachout_locked_until <= now())
        )
        update whatsapp_instances w
           set reachout_locks = next.locks, reachout_locked_at = now(),
               reachout_locked_until = now() + ${baseMs} * least(8, power(2, next.locks - 1)) * interval '1 millisecond'
          from next where w.id = next.id
        returning w.reachout_locked_until, w.reachout_locks`;
      if (!row) return null;
      await notifyFleetChanged(sql);
      return { until: new Date(row.reachout_locked_until), locks: row.reachout_locks };
    },
  };
}
