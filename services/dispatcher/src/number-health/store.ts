import type { NumberHealthCounts, NumberHealthStats, Sql } from '@bora/db';
import { notifyFleetChanged } from '@bora/db';
import type { HealthReason } from './score.ts';

/** One number's facts for the health pass, as Postgres knows them. */
export interface NumberFacts extends NumberHealthCounts {
  id: string;
  serverId: string;
  instanceName: string;
  status: string;
  restartsLastDay: number;
  lastRestartAt: Date | null;
  previousState: string | null;
}

export interface HealthRow {
  id: string;
  score: number;
  state: string;
  reasons: HealthReason[];
  stats: NumberHealthStats;
}

interface FactsRow {
  id: string;
  evolution_api_id: string;
  instance_name: string;
  status: string;
  judged: number;
  receipted: number;
  stuck: number;
  disconnects: number;
  session_refusals: number;
  reachout_refusals: number;
  send_refusals: number;
  restarts: number;
  server_receipts: boolean;
  last_restart_at: Date | null;
  previous_state: string | null;
}

/** The number-health pass's statements (its one writer: the dispatcher's leader). */
export function createHealthStore(sql: Sql) {
  return {
    /**
     * Per number: sends sent between `receiptWindowMs + judgeWindowMs` and `receiptWindowMs` ago
     * (since its last restart) and how many got a receipt within the window or none at all; its
     * events of the last hour and day; whether its server's numbers get receipts at all.
     */
    async gather(options: { receiptWindowMs: number; judgeWindowMs: number }): Promise<NumberFacts[]> {
      const rows = await sql<FactsRow[]>`
        with judged as (
          select n.whatsapp_instance_id as id, count(*)::int as judged,
                 count(*) filter (where n.delivered_at is not null
                                    and n.delivered_at <= n.sent_at + ${options.receiptWindowMs} * interval '1 millisecond')::int as receipted,
                 count(*) filter (where n.status = 'sent')::int as stuck
            from notifications n
            left join whatsapp_instance_health h on h.whatsapp_instance_id = n.whatsapp_instance_id
           where n.sent_at > now() - ${options.receiptWindowMs + options.judgeWindowMs} * interval '1 millisecond'
             and n.sent_at <= now() - ${options.receiptWindowMs} * interval '1 millisecond'
             and n.sent_at > coalesce(h.last_restart_at, '-infinity'::timestamptz)
             and n.whatsapp_instance_id is not null
           group by 1
        ), events as (
          select whatsapp_instance_id as id,
                 count(*) filter (where kind in ('disconnected', 'logged-out') and at > now() - interval '1 hour')::int as disconnects,
                 count(*) filter (where kind = 'session-refused')::int as session_refusals,
                 count(*) filter (where kind = 'reachout-refused')::int as reachout_refusals,
                 count(*) filter (where kind = 'send-refused')::int as send_refusals,
                 count(*) filter (where kind = 'restarted')::int as restarts
            from whatsapp_instance_events where at > now() - interval '24 hours'
           group by 1
        ), server_receipts as (
          select w.evolution_api_id, sum(j.receipted) > 0 as receipts
            from judged j join whatsapp_instances w on w.id = j.id
           group by 1
        )
        select w.id, w.evolution_api_id, w.instance_name, w.status,
               coalesce(j.judged, 0) as judged, coalesce(j.receipted, 0) as receipted, coalesce(j.stuck, 0) as stuck,
               coalesce(e.disconnects, 0) as disconnects, coalesce(e.session_refusals, 0) as session_refusals,
               coalesce(e.reachout_refusals, 0) as reachout_refusals, coalesce(e.send_refusals, 0) as send_refusals,
               coalesce(e.restarts, 0) as restarts, coalesce(s.receipts, false) as server_receipts,
               h.last_restart_at, h.state as previous_state
          from whatsapp_instances w
          left join judged j on j.id = w.id
          left join events e on e.id = w.id
          left join server_receipts s on s.evolution_api_id = w.evolution_api_id
          left join whatsapp_instance_health h on h.whatsapp_instance_id = w.id`;
      return rows.map((r) => ({
        id: r.id,
        serverId: r.evolution_api_id,
        instanceName: r.instance_name,
        status: r.status,
        judgedSends: r.judged,
        receipted: r.receipted,
        stuckPending: r.stuck,
        disconnectsLastHour: r.disconnects,
        sessionRefusals: r.session_refusals,
        reachoutRefusals: r.reachout_refusals,
        sendRefusals: r.send_refusals,
        restartsLastDay: r.restarts,
        serverReceipts: r.server_receipts,
        lastRestartAt: r.last_restart_at ? new Date(r.last_restart_at) : null,
        previousState: r.previous_state,
      }));
    },

    /** Every number's verdict in one statement; a number deleted meanwhile is skipped. */
    async write(rows: readonly HealthRow[]): Promise<void> {
      if (rows.length === 0) return;
      await sql`
        insert into whatsapp_instance_health (whatsapp_instance_id, score, state, reasons, stats, computed_at)
        select x.id, x.score, x.state, x.reasons, x.stats, now()
          from json_to_recordset(${JSON.stringify(rows)}::json) as x(id uuid, score int, state text, reasons jsonb, stats jsonb)
         where exists (select 1 from whatsapp_instances w where w.id = x.id)
        on conflict (whatsapp_instance_id) do update
           set score = excluded.score, state = excluded.state, reasons = excluded.reasons, stats = excluded.stats, computed_at = now()`;
    },

    /** The pass restarted this number: its judging starts over from now. */
    async noteRestart(instanceId: string): Promise<void> {
      await sql`
        with noted as (
          update whatsapp_instance_health set last_restart_at = now() where whatsapp_instance_id = ${instanceId} returning 1
        )
        insert into whatsapp_instance_events (whatsapp_instance_id, kind) values (${instanceId}, 'restarted')`;
    },

    /** Events are kept a week. */
    async prune(): Promise<void> {
      await sql`delete from whatsapp_instance_events where at < now() - interval '7 days'`;
    },

    async notifyFleet(): Promise<void> {
      await notifyFleetChanged(sql);
    },
  };
}

export type HealthStore = ReturnType<typeof createHealthStore>;
