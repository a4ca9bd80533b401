import { toDate, type NotificationKind, type Sql } from '@bora/db';
import { fromStates } from './states.ts';

/** A claimed notification with what rendering and routing need, read in the claiming statement. */
export interface ClaimedNotification {
  id: string;
  tenantId: string;
  kind: NotificationKind;
  recipient: string;
  text: string | null;
  /** Real send attempts so far, this one included. */
  attempts: number;
  forcedEvolutionApiId: string | null;
  /** A reply goes from the number the customer wrote to. */
  forcedInstanceId: string | null;
  /** Which reminder of its booking (0 = the first). */
  seq: number;
  /** This pass sends again after an unknown outcome nobody could reconcile: a possible duplicate. */
  possibleDuplicate: boolean;
  tenantSlug: string;
  tenantName: string;
  timezone: string;
  allowSharedSender: boolean;
  templates: { confirmation: string; reminder: string; cancellation: string };
  reminders: { laterOnlyUnconfirmed: boolean; quietHours: { start: string; end: string } };
  booking: {
    id: string;
    code: string;
    customerName: string;
    service: string;
    professional: string;
    startsAt: Date;
    endsAt: Date;
    status: string;
    attendanceConfirmed: boolean;
  } | null;
}

/** Why a claim did not hand the row over. `cancelled`, `expired`, `exhausted`: the claim itself moved it. */
export type Unclaimable =
  | { reason: 'missing' }
  | { reason: 'done'; status: string }
  | { reason: 'in-flight' }
  | { reason: 'not-due'; dueAt: Date }
  | { reason: 'cancelled' }
  | { reason: 'expired' }
  | { reason: 'exhausted' };

export interface ClaimOptions {
  leaseMs: number;
  maxAttempts: number;
  /** How long a message without an appointment (manual, cancellation, owner alert) may wait for a sender. */
  horizonMs: number;
}

interface ClaimRow {
  next: 'sending' | 'cancelled' | 'expired' | 'failed';
  id: string;
  tenant_id: string;
  kind: NotificationKind;
  recipient: string;
  text: string | null;
  attempts: number;
  forced_evolution_api_id: string | null;
  forced_instance_id: string | null;
  seq: number;
  booking_id: string | null;
  last_error_code: string | null;
  tenant_slug: string;
  tenant_name: string;
  later_reminders_only_unconfirmed: boolean;
  quiet_hours_start: string;
  quiet_hours_end: string;
  timezone: string;
  allow_shared_sender: boolean;
  confirmation_template: string;
  reminder_template: string;
  cancellation_template: string;
  customer_name: string | null;
  service: string | null;
  professional: string | null;
  starts_at: Date | string | null;
  ends_at: Date | string | null;
  code: string | null;
  attendance_confirmed_at: Date | string | null;
  booking_status: string | null;
}

/** `last_error_code` of a row sent again after an unknown outcome with no evidence either way. */
export const RESEND_NO_EVIDENCE = 'RESEND_NO_EVIDENCE';
export const RESEND_NOT_SENT = 'RESEND_NOT_SENT';

/**
 * Claims in ONE statement, deciding on the way what the row's fate is: a booking cancelled → the
 * row is `cancelled`; its appointment started (or a manual/cancellation message's horizon passed)
 * → `expired`; attempts already spent (a send crashed or its record kept failing) → `failed`;
 * otherwise `sending` with a lease and one more attempt. A `reopen` claim (bull-board re-ran a
 * finished job) first reopens a `failed` row with a fresh budget — the same rule as admin-api's
 * retry. The guard on the status is evaluated again on the locked row, so of two replicas
 * claiming at once exactly one gets it.
 */
export async function claimNotification(
  sql: Sql,
  id: string,
  options: ClaimOptions & { reopenFailed?: boolean },
): Promise<ClaimedNotification | Unclaimable> {
  return (await claimNotifications(sql, [id], options)).get(id)!;
}

/**
 * The same claim for many rows in one statement (the dispatcher's concurrent jobs share it): each
 * row's fate is decided and guarded on its own, exactly as if claimed alone.
 */
export async function claimNotifications(
  sql: Sql,
  ids: readonly string[],
  options: ClaimOptions & { reopenFailed?: boolean },
  track?: (query: { cancel(): void }) => void,
): Promise<Map<string, ClaimedNotification | Unclaimable>> {
  const reopen = options.reopenFailed === true;
  const query = sql<ClaimRow[]>`
    with target as (
      select n.id,
             case
               when n.kind in ('confirmation', 'reminder') and b.status = 'cancelled' then 'cancelled'
               -- The customer said "sair" to this business: nothing more but our answers to them
               -- (and the platform's own re-link alerts to the owner, which are not the business talking).
               when n.kind not in ('reply', 'owner_alert') and exists (
                      select 1 from contact_preferences p
                       where p.tenant_id = n.tenant_id and p.phone = n.recipient and p.opted_out_at is not null) then 'cancelled'
               when n.kind in ('confirmation', 'reminder') and b.starts_at <= now() then 'expired'
               -- A reopened row's horizon counts from its reopening.
               when n.kind not in ('confirmation', 'reminder') and n.status <> 'failed'
                    and n.due_at + ${options.horizonMs} * interval '1 millisecond' <= now() then 'expired'
               when n.status <> 'failed' and n.attempts >= ${options.maxAttempts} then 'failed'
               else 'sending'
             end as next,
             exists (select 1 from contact_preferences p
                      where p.tenant_id = n.tenant_id and p.phone = n.recipient and p.opted_out_at is not null) as opted_out
        from notifications n left join bookings b on b.id = n.booking_id
       where n.id = any(${ids as string[]}::uuid[])
    ), claimed as (
      update notifications n
         set status = t.next,
             attempts = case when t.next <> 'sending' then n.attempts when n.status = 'failed' then 1 else n.attempts + 1 end,
             revivals = case when n.status = 'failed' then 0 else n.revivals end,
             due_at = case when n.status = 'failed' then now() else n.due_at end,
             failed_at = case when t.next = 'failed' then now() when n.status = 'failed' then null else n.failed_at end,
             expired_at = case when t.next = 'expired' then now() else n.expired_at end,
             lease_until = case when t.next = 'sending' then now() + ${options.leaseMs} * interval '1 millisecond' end,
             last_error_code = case when t.next = 'failed' then 'ATTEMPTS_EXHAUSTED'
                                    when t.next = 'expired' then 'EXPIRED'
                                    when t.next = 'cancelled' and t.opted_out then 'OPTED_OUT' else n.last_error_code end,
             last_error_message = case when t.next = 'failed' then 'Número máximo de tentativas atingido sem confirmação de envio'
                                       when t.next = 'expired' and n.kind in ('confirmation', 'reminder') then 'O horário do agendamento já passou; a mensagem não foi enviada'
                                       when t.next = 'expired' then 'O prazo para enviar a mensagem terminou; ela não foi enviada'
                                       when t.next = 'cancelled' and t.opted_out then 'O cliente pediu para não receber mais mensagens deste negócio'
                                       else n.last_error_message end,
             last_error_scope = case when t.next = 'failed' then 'internal' when t.next = 'expired' then null else n.last_error_scope end,
             updated_at = now()
        from target t
       where n.id = t.id
         and n.due_at <= now() + interval '1 second'
         and (n.status = any(${fromStates('claim').filter((s) => s !== 'sending')}::text[])
              or (n.status = 'sending' and n.lease_until < now())
              or (${reopen}::boolean and n.status = any(${fromStates('reopen')}::text[])))
      returning n.*, t.next
    )
    select c.next, c.id, c.tenant_id, c.kind, c.recipient, c.text, c.attempts, c.forced_evolution_api_id, c.forced_instance_id,
           c.seq, c.booking_id, c.last_error_code,
           t.slug as tenant_slug, t.name as tenant_name, t.timezone, t.allow_shared_sender,
           t.confirmation_template, t.reminder_template, t.cancellation_template,
           t.later_reminders_only_unconfirmed, t.quiet_hours_start, t.quiet_hours_end,
           b.customer_name, b.service, b.professional, b.starts_at, b.ends_at, b.code, b.attendance_confirmed_at,
           b.status as booking_status
      from claimed c
      join tenants t on t.id = c.tenant_id
      left join bookings b on b.id = c.booking_id`;
  track?.(query);
  const rows = await query;
  const result = new Map<string, ClaimedNotification | Unclaimable>();
  for (const row of rows) result.set(row.id, claimedOf(row));
  const missing = ids.filter((id) => !result.has(id));
  if (missing.length > 0) for (const [id, why] of await whyNot(sql, missing)) result.set(id, why);
  return result;
}

function claimedOf(row: ClaimRow): ClaimedNotification | Unclaimable {
  if (row.next === 'cancelled') return { reason: 'cancelled' };
  if (row.next === 'expired') return { reason: 'expired' };
  if (row.next === 'failed') return { reason: 'exhausted' };
  return {
    id: row.id,
    tenantId: row.tenant_id,
    kind: row.kind,
    recipient: row.recipient,
    text: row.text,
    attempts: row.attempts,
    forcedEvolutionApiId: row.forced_evolution_api_id,
    forcedInstanceId: row.forced_instance_id,
    seq: row.seq,
    possibleDuplicate: row.last_error_code === RESEND_NO_EVIDENCE,
    tenantSlug: row.tenant_slug,
    tenantName: row.tenant_name,
    timezone: row.timezone,
    allowSharedSender: row.allow_shared_sender,
    templates: {
      confirmation: row.confirmation_template,
      reminder: row.reminder_template,
      cancellation: row.cancellation_template,
    },
    reminders: {
      laterOnlyUnconfirmed: row.later_reminders_only_unconfirmed,
      quietHours: { start: row.quiet_hours_start, end: row.quiet_hours_end },
    },
    booking:
      row.booking_id !== null && row.starts_at !== null
        ? {
            id: row.booking_id,
            code: row.code ?? '',
            customerName: row.customer_name ?? '',
            service: row.service ?? '',
            professional: row.professional ?? '',
            startsAt: toDate(row.starts_at),
            endsAt: toDate(row.ends_at ?? row.starts_at),
            status: row.booking_status ?? 'confirmed',
            attendanceConfirmed: row.attendance_confirmed_at !== null,
          }
        : null,
  };
}

async function whyNot(sql: Sql, ids: readonly string[]): Promise<Map<string, Unclaimable>> {
  const rows = await sql<{ id: string; status: string; due_at: Date | string }[]>`
    select id, status, due_at from notifications where id = any(${ids as string[]}::uuid[])`;
  const found = new Map(rows.map((r) => [r.id, r]));
  return new Map(
    ids.map((id): [string, Unclaimable] => {
      const row = found.get(id);
      if (!row) return [id, { reason: 'missing' }];
      if (row.status === 'sending') return [id, { reason: 'in-flight' }];
      if (row.status === 'pending' || row.status === 'queued')
        return [id, { reason: 'not-due', dueAt: toDate(row.due_at) }];
      return [id, { reason: 'done', status: row.status }];
    }),
  );
}
