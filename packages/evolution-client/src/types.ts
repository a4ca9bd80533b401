export type ConnectionState = 'open' | 'connecting' | 'close' | 'refused';

export interface EvolutionClientOptions {
  /** Base URL of the server; pasted route URLs are reduced with `normalizeBaseUrl`. */
  baseUrl: string;
  /** The server's global key (or an instance token, for that instance's routes only). */
  apiKey: string;
  /** Per-request timeout; a send's `delay` is added on top. Default 15000 ms. */
  timeoutMs?: number;
  /** Cap on concurrent sockets to this server. Default: unlimited. */
  maxSockets?: number;
}

export interface SendTextInput {
  instance: string;
  /** E.164 digits in any notation (`+55 (11) 98765-4321`), or a full JID. */
  number: string;
  text: string;
  /** "Typing…" time in ms; the server holds the request open this long. */
  delay?: number;
  /** Default false: a preview makes the server fetch every URL in the text before answering. */
  linkPreview?: boolean;
  /** `key.id` of a message to quote. */
  quotedKeyId?: string;
  mentioned?: string[];
}

export interface SendTextResult {
  /** `key.id`: the only reliable handle for later delivery webhooks (null if the 2xx lacked it). */
  keyId: string | null;
  /** WhatsApp's canonical JID; may differ from the number sent (Brazil's 9th digit). */
  remoteJid: string | null;
  /** Always `PENDING` at send time on 2.3.x. */
  status: string;
  /** Epoch seconds, or null when the server omitted it. */
  messageTimestamp: number | null;
  instanceId: string | null;
}

export interface ConnectionStateResult {
  instanceName: string;
  /** null when the server has the instance but not loaded in memory. */
  state: ConnectionState | null;
}

/** A row of `fetchInstances` (the server's database; `connectionStatus` may be stale). */
export interface InstanceRow {
  id: string | null;
  name: string;
  connectionStatus: ConnectionState | null;
  ownerJid: string | null;
  profileName: string | null;
  number: string | null;
  integration: string | null;
}

export interface QrCode {
  pairingCode: string | null;
  /** Raw QR payload (to render yourself). */
  code: string | null;
  /** `data:image/png;base64,…`. */
  base64: string | null;
  count: number | null;
}

export interface WebhookConfig {
  url: string;
  /** UPPER_SNAKE names, e.g. `CONNECTION_UPDATE`, `MESSAGES_UPDATE`. */
  events: string[];
  enabled?: boolean;
  /** Sent by the server with every webhook POST: how the receiver authenticates it. */
  headers?: Record<string, string>;
  byEvents?: boolean;
  base64?: boolean;
}

export interface CreateInstanceInput {
  instanceName: string;
  /** Instance token to set; the server generates one when omitted. */
  token?: string;
  /** Ask for a QR code in the answer. */
  qrcode?: boolean;
  /** Phone number (digits) to get a pairing code for. */
  number?: string;
  webhook?: WebhookConfig;
}

export interface CreateInstanceResult {
  instanceName: string;
  instanceId: string | null;
  status: string | null;
  /** The instance token (`hash`). */
  token: string | null;
  qrcode: QrCode | null;
}

/** `connect` answers a QR while pairing, or the state once the instance is open. */
export type ConnectResult =
  ({ kind: 'qr' } & QrCode) | { kind: 'state'; instanceName: string; state: ConnectionState | null };

export interface NumberCheck {
  /** The number as the server echoed it. */
  number: string;
  exists: boolean;
  /** The canonical JID (may differ from the number: 9th digit). */
  jid: string | null;
}

export interface ServerCheck {
  /** From the welcome document (`2.3.6`), when the server tells it. */
  version: string | null;
  instanceCount: number;
}

/** `POST /chat/findMessages/{instance}`: what to look for (the server filters on its stored messages). */
export interface FindMessagesQuery {
  /** A full JID; the server matches it exactly (no 9th-digit rule). */
  remoteJid?: string;
  /** Only our own messages (the server ignores `false`). */
  fromMe?: boolean;
  keyId?: string;
  /** Both bounds or none: the server applies the timestamp filter only with both. */
  between?: { from: Date; to: Date };
  /** Page size (the server's `offset`), default 50. */
  pageSize?: number;
  /** 1-based page (newest first), default 1. */
  page?: number;
}

/** One stored message, as far as the platform cares. */
export interface StoredMessage {
  keyId: string;
  remoteJid: string | null;
  fromMe: boolean;
  /** `conversation` or `extendedTextMessage.text` (null for media without caption, reactions…). */
  text: string | null;
  messageType: string | null;
  /** Epoch seconds. */
  timestamp: number | null;
  /** The record as the server stores it: the `messages.upsert` item's shape (key, pushName, message…). */
  record: Record<string, unknown>;
}
