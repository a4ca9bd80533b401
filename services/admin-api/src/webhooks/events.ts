import type { InstanceStatus, Sql } from '@bora/db';
import { notifyFleetChanged } from '@bora/db';
import { messageText } from '@bora/evolution-client';
import { createLedger, receiptEvent, type EvidenceResult } from '@bora/ledger';

export type WebhookResult = 'updated' | 'unchanged' | 'ignored' | 'unknown-instance' | 'unmatched' | 'too-early';

export interface WebhookEnvelope {
  event: string;
  instance?: unknown;
  data?: unknown;
}

/** What a number's status change was about, for number safety and re-linking. */
export interface StatusChange {
  instanceId: string;
  status: InstanceStatus;
  /** `session-ended`: WhatsApp ended the session (401/403…); `qr-expired`: no scan before the QR limit. */
  cause: 'connection' | 'logged-out' | 'session-ended' | 'qr-expired';
  code?: number;
}

/** What happens beyond the status and the ledger (number safety, re-linking). Each is idempotent. */
export interface WebhookEffects {
  statusChanged?(change: StatusChange): Promise<void>;
  /** An ERROR receipt: WhatsApp refused a message the server had accepted. */
  refused?(serverId: string, keyId: string): Promise<'updated' | 'unmatched'>;
  /** A new QR code for the number (`null`: the QR series ended unscanned). */
  qrUpdated?(
    serverId: string,
    instanceName: string,
    qr: { base64?: string; code?: string; pairingCode?: string } | null,
  ): Promise<WebhookResult>;
  /** Customers' messages (`messages.upsert`); without it they are ignored. */
  messages?(serverId: string, instanceName: string | undefined, data: unknown): Promise<WebhookResult>;
}

/** Codes with which WhatsApp ends a session for good (Baileys' DisconnectReason): a scan is needed. */
const SESSION_ENDED = new Set([401, 402, 403, 406]);

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

async function setInstanceStatus(
  sql: Sql,
  serverId: string,
  instanceName: string | undefined,
  status: InstanceStatus,
  effects: WebhookEffects = {},
  why: Omit<StatusChange, 'instanceId' | 'status'> = { cause: 'connection' },
): Promise<WebhookResult> {
  if (!instanceName) return 'unknown-instance';
  // Found and changed in one statement; only a real change wakes the dispatchers' snapshots.
  const [row] = await sql<{ found: number; changed: number; id: string }[]>`
    with target as (
      select id, status from whatsapp_instances where evolution_api_id = ${serverId} and instance_name = ${instanceName}
    ), changed as (
      update whatsapp_instances w
         set status = ${status}, status_changed_at = now(), updated_at = now()
        from target
       where w.id = target.id and target.status <> ${status}
      returning w.id
    )
    select (select count(*) from target)::int as found, (select count(*) from changed)::int as changed, (select id from target) as id`;
  if (!row || row.found === 0) return 'unknown-instance';
  if (row.changed === 0) return 'unchanged';
  await notifyFleetChanged(sql);
  await effects.statusChanged?.({ instanceId: row.id, status, ...why });
  return 'updated';
}

/** One delivery receipt (`messages.update` item): the ledger moves the message forward (or back, refused). */
function applyReceipt(
  sql: Sql,
  serverId: string,
  instanceName: string | undefined,
  data: Record<string, unknown>,
  effects: WebhookEffects,
): Promise<EvidenceResult | 'ignored'> {
  // v2 says `keyId`; v1 says `id`.
  const keyId = text(data.keyId) ?? text(data.id);
  if (keyId && String(data.status ?? '').toUpperCase() === 'ERROR' && effects.refused)
    return effects.refused(serverId, keyId);
  const status = receiptEvent(String(data.status ?? ''));
  if (!keyId || !status) return Promise.resolve('ignored');
  return createLedger({ sql }).receipts.applyReceipt(serverId, {
    keyId,
    status,
    remoteJid: text(data.remoteJid),
    instanceName,
  });
}

/** `send.message`: the server's own record of a message it sent — the proof an unconfirmed send needs. */
function applySendEvidence(
  sql: Sql,
  serverId: string,
  instanceName: string | undefined,
  data: Record<string, unknown>,
): Promise<EvidenceResult | 'ignored'> {
  const key = record(data.key);
  const keyId = text(key.id);
  if (!keyId || key.fromMe === false) return Promise.resolve('ignored');
  return createLedger({ sql }).receipts.applySendEvidence(serverId, {
    keyId,
    remoteJid: text(key.remoteJid),
    instanceName,
    text: messageText(data.message) ?? undefined,
  });
}

/** Applies one Evolution webhook from server `serverId`. Idempotent: Evolution retries deliveries. */
export async function applyWebhookEvent(
  sql: Sql,
  serverId: string,
  envelope: WebhookEnvelope,
  effects: WebhookEffects = {},
): Promise<WebhookResult> {
  const event = normalizeEventName(envelope.event);
  const data = record(envelope.data);
  const instanceName = text(envelope.instance) ?? text(data.instance) ?? text(record(envelope.instance).instanceName);
  const status = (to: InstanceStatus, why?: Omit<StatusChange, 'instanceId' | 'status'>) =>
    setInstanceStatus(sql, serverId, instanceName, to, effects, why);
  switch (event) {
    case 'connection.update': {
      const state = String(data.state ?? '');
      const to = CONNECTION_STATES[state];
      const code = typeof data.statusReason === 'number' ? data.statusReason : undefined;
      if (!to) return 'ignored';
      if (state === 'refused') return status(to, { cause: 'qr-expired', code });
      return status(
        to,
        code !== undefined && SESSION_ENDED.has(code)
          ? { cause: 'session-ended', code }
          : { cause: 'connection', code },
      );
    }
    case 'logout.instance':
      return status('disconnected', { cause: 'logged-out' });
    case 'status.instance': {
      const state = String(data.status ?? '').toLowerCase();
      const code = typeof data.disconnectionReasonCode === 'number' ? data.disconnectionReasonCode : undefined;
      const why = {
        cause: code !== undefined && SESSION_ENDED.has(code) ? ('session-ended' as const) : ('connection' as const),
        code,
      };
      return state === 'closed' || state === 'close' || state === 'removed' ? status('disconnected', why) : 'ignored';
    }
    case 'messages.update': {
      // Some builds batch receipts in an array; each is applied on its own.
      const items = Array.isArray(envelope.data) ? envelope.data.map(record) : [data];
      const results = await Promise.all(items.map((item) => applyReceipt(sql, serverId, instanceName, item, effects)));
      if (results.includes('too-early')) return 'too-early';
      return results.includes('updated') ? 'updated' : (results[0] ?? 'ignored');
    }
    case 'send.message':
      return applySendEvidence(sql, serverId, instanceName, data);
    case 'qrcode.updated': {
      if (!instanceName || !effects.qrUpdated) return 'ignored';
      const qr = record(data.qrcode);
      const fields = { base64: text(qr.base64), code: text(qr.code), pairingCode: text(qr.pairingCode) };
      // The QR limit reached: `{message, statusCode}` instead of a code.
      return effects.qrUpdated(serverId, instanceName, fields.base64 || fields.code ? fields : null);
    }
    case 'messages.upsert':
      return effects.messages ? effects.messages(serverId, instanceName, envelope.data) : 'ignored';
    default:
      return 'ignored';
  }
}
