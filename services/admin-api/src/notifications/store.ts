import type { NotificationKind, NotificationStatus, Sql } from '@bora/db';
import { iso } from '../common-schemas.ts';

interface NotificationRow {
  id: string;
  tenant_slug: string;
  kind: NotificationKind;
  booking_id: string | null;
  recipient: string;
  text: string | null;
  status: NotificationStatus;
  attempts: number;
  due_at: Date;
  forced_evolution_api_id: string | null;
  evolution_api_id: string | null;
  evolution_api_name: string | null;
  whatsapp_instance_id: string | null;
  instance_name: string | null;
  message_id: string | null;
  remote_jid: string | null;
  last_error_code: string | null;
  last_error_message: string | null;
  created_at: Date;
  updated_at: Date;
  sent_at: Date | null;
  delivered_at: Date | null;
  read_at: Date | null;
  failed_at: Date | null;
  expired_at: Date | null;
  unconfirmed_at: Date | null;
  resends: number;
  record_note: string | null;
}

function view(row: NotificationRow) {
  return {
    id: row.id,
    tenantSlug: row.tenant_slug,
    kind: row.kind,
    bookingId: row.booking_id,
    to: row.recipient,
    text: row.text,
    status: row.status,
    attemptCount: row.attempts,
    dueAt: iso(row.due_at)!,
    forcedEvolutionApiId: row.forced_evolution_api_id,
    evolutionApiId: row.evolution_api_id,
    evolutionApiName: row.evolution_api_name,
    whatsappInstanceId: row.whatsapp_instance_id,
    instanceName: row.instance_name,
    messageId: row.message_id,
    remoteJid: row.remote_jid,
    lastError: row.last_error_code ? { code: row.last_error_code, message: row.last_error_message } : null,
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
    sentAt: iso(row.sent_at),
    deliveredAt: iso(row.delivered_at),
    readAt: iso(row.read_at),
    failedAt: iso(row.failed_at),
    expiredAt: iso(row.expired_at),
    unconfirmedAt: iso(row.unconfirmed_at),
    resends: row.resends,
    recordNote: row.record_note,
  };
}

export interface NotificationFilter {
  id?: string;
  status?: NotificationStatus;
  tenantSlug?: string;
  kind?: NotificationKind;
  limit?: number;
}

/** Notifications with the names an operator reads (tenant slug, server, instance), newest first. */
export async function findNotifications(sql: Sql, filter: NotificationFilter) {
  const rows = await sql<NotificationRow[]>`
    select n.*, t.slug as tenant_slug, e.name as evolution_api_name, w.instance_name
    from notifications n
    join tenants t on t.id = n.tenant_id
    left join evolution_apis e on e.id = n.evolution_api_id
    left join whatsapp_instances w on w.id = n.whatsapp_instance_id
    where true
      ${filter.id ? sql`and n.id = ${filter.id}` : sql``}
      ${filter.status ? sql`and n.status = ${filter.status}` : sql``}
      ${filter.tenantSlug ? sql`and t.slug = ${filter.tenantSlug}` : sql``}
      ${filter.kind ? sql`and n.kind = ${filter.kind}` : sql``}
    order by n.created_at desc, n.id desc
    limit ${filter.limit ?? 50}`;
  return rows.map(view);
}

interface AttemptRow {
  attempt: number;
  outcome: string;
  possible_duplicate: boolean;
  evolution_api_id: string | null;
  evolution_api_name: string | null;
  whatsapp_instance_id: string | null;
  instance_name: string | null;
  error_code: string | null;
  error_scope: string | null;
  error_message: string | null;
  http_status: number | null;
  latency_ms: number;
  created_at: Date;
}

/** The audit trail of one notification: every HTTP send, in order. */
export async function findAttempts(sql: Sql, notificationId: string) {
  const rows = await sql<AttemptRow[]>`
    select a.attempt, a.outcome, a.possible_duplicate, a.evolution_api_id, e.name as evolution_api_name,
           a.whatsapp_instance_id, w.instance_name, a.error_code, a.error_scope, a.error_message, a.http_status,
           a.latency_ms, a.created_at
    from delivery_attempts a
    left join evolution_apis e on e.id = a.evolution_api_id
    left join whatsapp_instances w on w.id = a.whatsapp_instance_id
    where a.notification_id = ${notificationId}
    order by a.id`;
  return rows.map((a) => ({
    attempt: a.attempt,
    outcome: a.outcome,
    possibleDuplicate: a.possible_duplicate,
    evolutionApiId: a.evolution_api_id,
    evolutionApiName: a.evolution_api_name,
    whatsappInstanceId: a.whatsapp_instance_id,
    instanceName: a.instance_name,
    errorCode: a.error_code,
    errorScope: a.error_scope,
    errorMessage: a.error_message,
    httpStatus: a.http_status,
    latencyMs: a.latency_ms,
    createdAt: iso(a.created_at)!,
  }));
}
