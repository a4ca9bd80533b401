import type { InstanceStatus, Sql } from '@bora/db';
import { FLEET_CHANGED_CHANNEL } from '@bora/db';
import { messageText } from '@bora/evolution-client';
import { createLedger, receiptEvent, type EvidenceResult } from '@bora/ledger';

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

/** One delivery receipt (`messages.update` item): the ledger moves the message forward. */
function applyReceipt(sql: Sql, serverId: string, instanceName: string | undefined, data: Record<string, unknown>): Promise<EvidenceResult | 'ignored'> {
  // v2 says `keyId`; v1 says `id`.
  const keyId = text(data.keyId) ?? text(data.id);
  const status = receiptEvent(String(data.status ?? ''));
  if (!keyId || !status) return Promise.resolve('ignored');
  return createLedger({ sql }).receipts.applyReceipt(serverId, { keyId, status, remoteJid: text(data.remoteJid), instanceName });
}

/** `send.message`: the server's own record of a message it sent — the proof an unconfirmed send needs. */
function applySendEvidence(sql: Sql, serverId: string, instanceName: string | undefined, data: Record<string, unknown>): Promise<EvidenceResult | 'ignored'> {
  const key = record(data.key);
  const keyId = text(key.id);
  if (!keyId || key.fromMe === false) return Promise.resolve('ignored');
  return createLedger({ sql }).receipts.applySendEvidence(serverId, { keyId, remoteJid: text(key.remoteJid), instanceName, text: messageText(data.message) ?? undefined });
}

/** What to do with customers' messages (`messages.upsert`); without it they are ignored. */
export type MessagesHandler = (instanceName: string | undefined, data: unknown) => Promise<WebhookResult>;

/** Applies one Evolution webhook from server `serverId`. Idempotent: Evolution retries deliveries. */
export async function applyWebhookEvent(sql: Sql, serverId: string, envelope: WebhookEnvelope, onMessages?: MessagesHandler): Promise<WebhookResult> {
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
      const results = await Promise.all(items.map((item) => applyReceipt(sql, serverId, instanceName, item)));
      if (results.includes('too-early')) return 'too-early';
      return results.includes('updated') ? 'updated' : (results[0] ?? 'ignored');
    }
    case 'send.message':
      return applySendEvidence(sql, serverId, instanceName, data);
    case 'messages.upsert':
      return onMessages ? onMessages(instanceName, envelope.data) : 'ignored';
    default:
      return 'ignored';
  }
}
