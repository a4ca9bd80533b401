import type { Sql } from '@bora/db';
import { createBatcher, isRowError, type Settled } from './batcher.ts';
import { toDate, type ClaimedNotification, type Unclaimable } from './ledger-types.ts';

export interface ClaimRequest {
  id: string;
  /**
   * The job was re-run by an operator after it failed (a bull-board retry), so a `failed` row
   * starts over with a fresh attempt budget, as admin-api's retry does — in the same guarded
   * statement, so a `sent` or `cancelled` row is never touched.
   */
  reopenFailed: boolean;
}

type ClaimAnswer = ClaimedNotification | Unclaimable;

/* eslint-disable @typescript-eslint/no-explicit-any -- raw rows of the claiming statement */
function toClaimed(row: any): ClaimedNotification {
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
/* eslint-enable @typescript-eslint/no-explicit-any */

function reasonFor(row: { status: string; due_at: Date | string } | undefined): Unclaimable {
  if (!row) return { reason: 'missing' };
  if (row.status === 'sending') return { reason: 'in-flight' };
  if (row.status === 'pending' || row.status === 'queued') return { reason: 'not-due', dueAt: toDate(row.due_at) };
  return { reason: 'done', status: row.status };
}

/**
 * Claims for the worker's concurrent jobs, many ids per statement: one guarded
 * `UPDATE … WHERE id = any(…)`, the guard evaluated per row exactly as for one id (Postgres
 * re-checks it on the newest version of a row another transaction changed meanwhile, so of two
 * replicas claiming one row exactly one gets it back). Ids it did not return get their reason
 * from one follow-up select, a rare path.
 */
export function createClaimBatcher(sql: Sql, leaseMs: number) {
  async function claimMany(requests: ClaimRequest[]): Promise<Settled<ClaimAnswer>[]> {
    const ids = requests.map((r) => r.id);
    const reopen = requests.filter((r) => r.reopenFailed).map((r) => r.id);
    const rows = await sql`
      with claimed as (
        update notifications
           set status = 'sending', updated_at = now(),
               attempts = case when status = 'failed' then 1 else attempts + 1 end,
               due_at = case when status = 'failed' then now() else due_at end,
               failed_at = case when status = 'failed' then null else failed_at end,
               lease_until = now() + ${leaseMs} * interval '1 millisecond'
         where id = any(${ids}::uuid[])
           and due_at <= now() + interval '1 second'
           and (status in ('pending', 'queued') or (status = 'sending' and lease_until < now()) or (status = 'failed' and id = any(${reopen}::uuid[])))
        returning id, tenant_id, booking_id, kind, recipient, text, attempts, forced_evolution_api_id
      )
      select c.id, c.tenant_id, c.kind, c.recipient, c.text, c.attempts, c.forced_evolution_api_id,
             t.name as tenant_name, t.timezone, t.allow_shared_sender,
             t.confirmation_template, t.reminder_template, t.cancellation_template,
             b.customer_name, b.service, b.professional, b.starts_at, b.status as booking_status
        from claimed c
        join tenants t on t.id = c.tenant_id
        left join bookings b on b.id = c.booking_id`;
    const claimed = new Map(rows.map((row) => [String(row.id), toClaimed(row)]));
    const unclaimed = ids.filter((id) => !claimed.has(id));
    // The claims that did land are answered even if this select fails: their rows are leased.
    let reasons: Map<string, Unclaimable> | undefined;
    let reasonsError: unknown;
    if (unclaimed.length > 0) {
      try {
        const found = await sql<{ id: string; status: string; due_at: Date | string }[]>`
          select id, status, due_at from notifications where id = any(${unclaimed}::uuid[])`;
        const byId = new Map(found.map((row) => [String(row.id), row]));
        reasons = new Map(unclaimed.map((id) => [id, reasonFor(byId.get(id))]));
      } catch (error) {
        reasonsError = error;
      }
    }
    return ids.map((id): Settled<ClaimAnswer> => {
      const answer = claimed.get(id) ?? reasons?.get(id);
      return answer ? { value: answer } : { error: reasonsError };
    });
  }

  // Postgres answers ids in lower case; the job's id may be in either.
  const batched = createBatcher(claimMany, { key: (r) => r.id, isolate: isRowError });
  return (request: ClaimRequest) => batched({ ...request, id: request.id.toLowerCase() });
}
