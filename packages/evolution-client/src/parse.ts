import { EvolutionError } from './errors.ts';
import type {
  ConnectionState,
  ConnectionStateResult,
  ConnectResult,
  CreateInstanceResult,
  InstanceRow,
  NumberCheck,
  QrCode,
  SendTextResult,
  StoredMessage,
} from './types.ts';

/** Readers for 2xx bodies. A body missing what we rely on is a BAD_RESPONSE, not a crash later. */

type Json = Record<string, unknown>;

function record(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function num(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

const STATES = new Set<string>(['open', 'connecting', 'close', 'refused']);

function state(value: unknown): ConnectionState | null {
  return typeof value === 'string' && STATES.has(value) ? (value as ConnectionState) : null;
}

export function badShape(operation: string, what: string): EvolutionError {
  return new EvolutionError('BAD_RESPONSE', {
    message: `${operation}: unexpected answer shape (${what})`,
    userMessage: 'Resposta inesperada do servidor Evolution: verifique se ele é uma Evolution API v2',
  });
}

/**
 * Any 2xx to a send means the server took the message: what can be read is kept, and a body
 * without `key.id` is still a send (never a reason to send again).
 */
export function parseSendText(body: unknown): SendTextResult {
  const root = record(body);
  const key = record(root?.key);
  return {
    keyId: str(key?.id),
    remoteJid: str(key?.remoteJid),
    status: str(root?.status) ?? 'PENDING',
    messageTimestamp: num(root?.messageTimestamp),
    instanceId: str(root?.instanceId),
  };
}

export function parseConnectionState(body: unknown, instance: string): ConnectionStateResult {
  const inner = record(record(body)?.instance);
  if (!inner) throw badShape('connectionState', 'no instance object');
  return { instanceName: str(inner.instanceName) ?? instance, state: state(inner.state) };
}

export function parseInstances(body: unknown): InstanceRow[] {
  if (!Array.isArray(body)) throw badShape('fetchInstances', 'not an array');
  return body.flatMap((item): InstanceRow[] => {
    const row = record(item);
    const name = str(row?.name) ?? str(record(row?.instance)?.instanceName);
    if (!row || !name) return [];
    return [
      {
        id: str(row.id),
        name,
        connectionStatus: state(row.connectionStatus),
        ownerJid: str(row.ownerJid),
        profileName: str(row.profileName),
        number: str(row.number),
        integration: str(row.integration),
      },
    ];
  });
}

function parseQr(value: unknown): QrCode | null {
  const qr = record(value);
  if (!qr) return null;
  const parsed = { pairingCode: str(qr.pairingCode), code: str(qr.code), base64: str(qr.base64), count: num(qr.count) };
  return parsed.code || parsed.base64 || parsed.pairingCode || parsed.count !== null ? parsed : null;
}

export function parseCreateInstance(body: unknown, instanceName: string): CreateInstanceResult {
  const root = record(body);
  const instance = record(root?.instance);
  if (!root || !instance) throw badShape('createInstance', 'no instance object');
  // v2 answers `hash: "<token>"`; v1 answered `hash: {apikey}`.
  const token = str(root.hash) ?? str(record(root.hash)?.apikey);
  return {
    instanceName: str(instance.instanceName) ?? instanceName,
    instanceId: str(instance.instanceId),
    status: str(instance.status),
    token,
    qrcode: parseQr(root.qrcode),
  };
}

/** connect / restart: the QR object while pairing, `{instance:{state}}` once open. */
export function parseConnect(body: unknown, instance: string, operation: string): ConnectResult {
  const root = record(body);
  if (!root) throw badShape(operation, 'not an object');
  const inner = record(root.instance);
  if (inner && ('state' in inner || 'status' in inner)) {
    const qr = parseQr(root.qrcode);
    if (qr) return { kind: 'qr', ...qr };
    return {
      kind: 'state',
      instanceName: str(inner.instanceName) ?? instance,
      state: state(inner.state ?? inner.status),
    };
  }
  // A QR object right after connecting may hold only `{count:0}` until the code is generated.
  const qr = parseQr(root);
  if (qr) return { kind: 'qr', ...qr };
  throw badShape(operation, 'neither a QR code nor a connection state');
}

export function parseNumberChecks(body: unknown): NumberCheck[] {
  if (!Array.isArray(body)) throw badShape('checkNumbers', 'not an array');
  return body.flatMap((item): NumberCheck[] => {
    const row = record(item);
    if (!row || typeof row.exists !== 'boolean') return [];
    const jid = str(row.jid);
    return [{ number: str(row.number) ?? jid?.split('@')[0] ?? '', exists: row.exists, jid }];
  });
}

/** Text of a WhatsApp message object: `conversation`, `extendedTextMessage.text` or a media caption. */
export function messageText(message: unknown): string | null {
  const m = record(message);
  if (!m) return null;
  return (
    str(m.conversation) ??
    str(record(m.extendedTextMessage)?.text) ??
    str(record(m.imageMessage)?.caption) ??
    str(record(m.videoMessage)?.caption) ??
    str(record(m.documentMessage)?.caption) ??
    null
  );
}

/** `{messages:{total,pages,currentPage,records:[…]}}` (2.3.x). */
export function parseFindMessages(body: unknown): StoredMessage[] {
  const records = record(record(body)?.messages)?.records;
  if (!Array.isArray(records)) throw badShape('findMessages', 'no messages.records array');
  return records.flatMap((item): StoredMessage[] => {
    const row = record(item);
    const key = record(row?.key);
    const keyId = str(key?.id);
    if (!row || !key || !keyId) return [];
    return [
      {
        keyId,
        remoteJid: str(key.remoteJid),
        fromMe: key.fromMe === true,
        text: messageText(row.message),
        messageType: str(row.messageType),
        timestamp: num(row.messageTimestamp),
        record: row,
      },
    ];
  });
}
