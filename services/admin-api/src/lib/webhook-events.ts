import type { InstanceStatus, Sql } from '@bora/db';
import { FLEET_CHANGED_CHANNEL } from '@bora/db';

export type WebhookResult = 'updated' | 'unchanged' | 'ignored' | 'unknown-instance' | 'unmatched' | 'too-early';

export interface WebhookEnvelope {
  event: string;
  instance?: unknown;
  data?: unknown;
}

const CONNECTION_STATES: Record<string, InstanceStatus> = {
  open: 'connected',
  connecting: 'connecting',
  close: 'disconnected',
  refused: 'disconnected',
};

/** Message status → ledger status. SERVER_ACK / PENDING say nothing new after our 201. */
const MESSAGE_STATES: Record<string, { status: 'delivered' | 'read'; from: string[] }> = {
  DELIVERY_ACK: { status: 'delivered', from: ['sent'] },
  READ: { status: 'read', from: ['sent', 'delivered'] },
  PLAYED: { status: 'read', from: ['sent', 'delivered'] },
};

/** Payloads say `connection.update`; configuration (and some proxies) say `CONNECTION_UPDATE`. */
export function normalizeEventName(event: string): string {
  return event.trim().toLowerCase().replace(/_/g, '.');
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

async function setInstanceStatus(sql: Sql, serverId: string, instanceName: string | undefined, status: InstanceStatus): Promise<WebhookResult> {
  if (!instanceName) return 'unknown-instance';
  // Found and changed in one statement; only a real change wakes the dispatchers' snapshots.
  const [row] = await sql<{ found: number; changed: number }[]>`
    with target as (
      select id, status from whatsapp_instances where evolution_api_id = ${serverId} and instance_name = ${instanceName}
    ), changed as (
      update whatsapp_instances w
         set status = ${status}, status_changed_at = now(), updated_at = now()
        from target
       where w.id = target.id and target.status <> ${status}
      returning w.id
    )
    select (select count(*) from target)::int as found, (select count(*) from changed)::int as changed`;
  if (!row || row.found === 0) return 'unknown-instance';
  if (row.changed === 0) return 'unchanged';
  await sql`select pg_notify(${FLEET_CHANGED_CHANNEL}, '')`;
  return 'updated';
}

/**
 * Delivery receipts only ever move a message forward (sent < delivered < read): the guard on the
 * current status makes a replayed or late DELIVERY_ACK after READ a no-op, in one statement.
 * Timestamps are ours (`now()`): Evolution's `date_time` is local time mislabelled as UTC.
 */
async function advanceMessage(sql: Sql, serverId: string, data: Record<string, unknown>): Promise<WebhookResult> {
  // v2 says `keyId`; v1 says `id`.
  const keyId = text(data.keyId) ?? text(data.id);
  const target = MESSAGE_STATES[String(data.status ?? '').toUpperCase()];
  if (!keyId || !target) return 'ignored';
  const rows = await sql`
    update notifications
       set status = ${target.status},
           delivered_at = coalesce(delivered_at, now()),
           read_at = case when ${target.status} = 'read' then coalesce(read_at, now()) else read_at end,
           updated_at = now()
     where message_id = ${keyId}
       and evolution_api_id = ${serverId}
       and status = any(${target.from}::text[])
    returning id`;
  if (rows.length > 0) return 'updated';
  const [known] = await sql`select 1 from notifications where message_id = ${keyId} and evolution_api_id = ${serverId}`;
  if (known) return 'unchanged';
  return (await sendInFlightTo(sql, data.remoteJid)) ? 'too-early' : 'unmatched';
}

/**
 * A receipt can beat the dispatcher's ledger write: Evolution may post it the moment it answers
 * 201, before the key id is recorded. If a send to that chat is in flight, the receipt is probably
 * ours, and answering "too early" makes Evolution post it again a little later.
 */
async function sendInFlightTo(sql: Sql, remoteJid: unknown): Promise<boolean> {
  const jid = text(remoteJid);
  if (!jid?.endsWith('@s.whatsapp.net')) return false;
  const digits = jid.slice(0, jid.indexOf('@'));
  // Brazil: WhatsApp's JID may have dropped the 9th digit of the number we sent to.
  const numbers = digits.length === 12 && digits.startsWith('55') ? [digits, `${digits.slice(0, 4)}9${digits.slice(4)}`] : [digits];
  const [row] = await sql`select 1 from notifications where status = 'sending' and recipient = any(${numbers}::text[]) limit 1`;
  return row !== undefined;
}

/** Applies one Evolution webhook from server `serverId`. Idempotent: Evolution retries deliveries. */
export async function applyWebhookEvent(sql: Sql, serverId: string, envelope: WebhookEnvelope): Promise<WebhookResult> {
  const event = normalizeEventName(envelope.event);
  const data = record(envelope.data);
  const instanceName = text(envelope.instance) ?? text(data.instance) ?? text(record(envelope.instance).instanceName);
  switch (event) {
    case 'connection.update': {
      const status = CONNECTION_STATES[String(data.state ?? '')];
      return status ? setInstanceStatus(sql, serverId, instanceName, status) : 'ignored';
    }
    case 'logout.instance':
      return setInstanceStatus(sql, serverId, instanceName, 'disconnected');
    case 'status.instance': {
      const state = String(data.status ?? '').toLowerCase();
      return state === 'closed' || state === 'close' || state === 'removed' ? setInstanceStatus(sql, serverId, instanceName, 'disconnected') : 'ignored';
    }
    case 'messages.update': {
      // Some builds batch receipts in an array; each is applied on its own.
      const items = Array.isArray(envelope.data) ? envelope.data.map(record) : [data];
      const results = await Promise.all(items.map((item) => advanceMessage(sql, serverId, item)));
      if (results.includes('too-early')) return 'too-early';
      return results.includes('updated') ? 'updated' : (results[0] ?? 'ignored');
    }
    default:
      return 'ignored';
  }
}
