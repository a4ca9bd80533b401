import type { NumberHealthReason, NumberHealthStats, Sql } from '@bora/db';

/** What the fleet page shows of a number's safety: age, warm-up, budgets, health, reach-out lock, re-link. */
export interface InstanceSafety {
  ageDays: number;
  warmSince: string;
  markedWarmAt: string | null;
  lastSentAt: string | null;
  /** Per-number overrides (null = the dispatcher's defaults). */
  budget: { perMinute: number | null; perHour: number | null; perDay: number | null; newContactsPerDay: number | null };
  reachoutLock: { until: string; locks: number } | null;
  health: {
    score: number;
    state: string;
    reasons: NumberHealthReason[];
    stats: NumberHealthStats;
    computedAt: string;
    lastRestartAt: string | null;
  } | null;
  relink: {
    id: string;
    reason: string;
    openedAt: string;
    alertedAt: string | null;
    alertStatus: string | null;
    link: string;
  } | null;
}

interface Row {
  id: string;
  created_at: Date;
  warm_since: Date;
  marked_warm_at: Date | null;
  last_sent_at: Date | null;
  budget_per_minute: number | null;
  budget_per_hour: number | null;
  budget_per_day: number | null;
  budget_new_contacts_per_day: number | null;
  reachout_locked_until: Date | null;
  reachout_locks: number;
  score: number | null;
  state: string | null;
  reasons: NumberHealthReason[] | null;
  stats: NumberHealthStats | null;
  computed_at: Date | null;
  last_restart_at: Date | null;
  relink_id: string | null;
  relink_reason: string | null;
  relink_opened_at: Date | null;
  relink_alerted_at: Date | null;
  alert_status: string | null;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** One statement for every listed number (the fleet page lists them all every few seconds). */
export async function instanceSafety(
  sql: Sql,
  ids: readonly string[],
  linkFor: (relinkId: string) => string,
): Promise<Map<string, InstanceSafety>> {
  if (ids.length === 0) return new Map();
  const rows = await sql<Row[]>`
    select w.id, w.created_at, w.warm_since, w.marked_warm_at, w.last_sent_at, w.budget_per_minute, w.budget_per_hour,
           w.budget_per_day, w.budget_new_contacts_per_day,
           case when w.reachout_locked_until > now() then w.reachout_locked_until end as reachout_locked_until, w.reachout_locks,
           h.score, h.state, h.reasons, h.stats, h.computed_at, h.last_restart_at,
           r.id as relink_id, r.reason as relink_reason, r.opened_at as relink_opened_at, r.alerted_at as relink_alerted_at,
           n.status as alert_status
      from whatsapp_instances w
      left join whatsapp_instance_health h on h.whatsapp_instance_id = w.id
      left join relink_requests r on r.whatsapp_instance_id = w.id and r.resolved_at is null
      left join notifications n on n.id = r.alert_notification_id
     where w.id = any(${ids as string[]}::uuid[])`;
  const now = Date.now();
  return new Map(
    rows.map((r) => [
      r.id,
      {
        ageDays: Math.max(0, Math.floor((now - new Date(r.created_at).getTime()) / 86_400_000)),
        warmSince: iso(r.warm_since)!,
        markedWarmAt: iso(r.marked_warm_at),
        lastSentAt: iso(r.last_sent_at),
        budget: {
          perMinute: r.budget_per_minute,
          perHour: r.budget_per_hour,
          perDay: r.budget_per_day,
          newContactsPerDay: r.budget_new_contacts_per_day,
        },
        reachoutLock: r.reachout_locked_until
          ? { until: iso(r.reachout_locked_until)!, locks: r.reachout_locks }
          : null,
        health:
          r.score === null || !r.stats
            ? null
            : {
                score: r.score,
                state: r.state!,
                reasons: r.reasons ?? [],
                stats: r.stats,
                computedAt: iso(r.computed_at)!,
                lastRestartAt: iso(r.last_restart_at),
              },
        relink: r.relink_id
          ? {
              id: r.relink_id,
              reason: r.relink_reason!,
              openedAt: iso(r.relink_opened_at)!,
              alertedAt: iso(r.relink_alerted_at),
              alertStatus: r.alert_status,
              link: linkFor(r.relink_id),
            }
          : null,
      },
    ]),
  );
}

/** An operator's changes to a number's safety, as column values: budgets (null = default) and "already warm". */
export function safetyValues(
  patch: { budget?: Partial<InstanceSafety['budget']>; markedWarm?: boolean },
  now = new Date(),
) {
  const values: Partial<{
    budgetPerMinute: number | null;
    budgetPerHour: number | null;
    budgetPerDay: number | null;
    budgetNewContactsPerDay: number | null;
    markedWarmAt: Date | null;
    warmSince: Date;
  }> = {};
  const b = patch.budget;
  if (b?.perMinute !== undefined) values.budgetPerMinute = b.perMinute;
  if (b?.perHour !== undefined) values.budgetPerHour = b.perHour;
  if (b?.perDay !== undefined) values.budgetPerDay = b.perDay;
  if (b?.newContactsPerDay !== undefined) values.budgetNewContactsPerDay = b.newContactsPerDay;
  if (patch.markedWarm === true) values.markedWarmAt = now;
  if (patch.markedWarm === false) {
    // "Not warm": the warm-up starts again today.
    values.markedWarmAt = null;
    values.warmSince = now;
  }
  return values;
}
