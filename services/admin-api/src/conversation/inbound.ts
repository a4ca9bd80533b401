import { messageText } from '@bora/evolution-client';

/** A customer's text message as `messages.upsert` carries it (Evolution 2.3.x, Baileys 7). */
export interface InboundText {
  keyId: string;
  /** The customer's phone JID (`…@s.whatsapp.net`): `remoteJid`, or `remoteJidAlt` in an `@lid` chat. */
  phoneJid: string;
  remoteJid: string;
  text: string;
  pushName: string | null;
  /** WhatsApp's timestamp. */
  sentAt: Date | null;
}

export type InboundParse = { ok: true; message: InboundText } | { ok: false; reason: string };

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Seconds since the epoch: a number, a numeric string, or protobuf's Long (`{low, high}`) as it reaches JSON. */
function timestampSeconds(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return Number(value);
  const long = record(value);
  return typeof long.low === 'number' && typeof long.high === 'number' ? (long.low >>> 0) + long.high * 2 ** 32 : NaN;
}

/**
 * Reads one `messages.upsert` item. Not for us: our own messages (`fromMe`, the owner typing on
 * the phone), groups, status broadcasts, newsletters, reactions, media without a caption, a chat
 * whose phone number the server does not tell (an `@lid` chat without `remoteJidAlt`).
 */
export function parseInbound(data: unknown): InboundParse {
  const item = record(data);
  const key = record(item.key);
  const keyId = text(key.id);
  const remoteJid = text(key.remoteJid);
  if (!keyId || !remoteJid) return { ok: false, reason: 'no key' };
  if (key.fromMe === true) return { ok: false, reason: 'our own' };
  if (remoteJid.endsWith('@g.us')) return { ok: false, reason: 'group' };
  if (remoteJid === 'status@broadcast' || remoteJid.endsWith('@broadcast') || remoteJid.endsWith('@newsletter'))
    return { ok: false, reason: 'broadcast' };
  const alt = text(key.remoteJidAlt);
  const phoneJid = remoteJid.endsWith('@s.whatsapp.net')
    ? remoteJid
    : alt?.endsWith('@s.whatsapp.net')
      ? alt
      : undefined;
  if (!phoneJid) return { ok: false, reason: 'no phone number' };
  if (text(item.messageType) === 'reactionMessage' || 'reactionMessage' in record(item.message))
    return { ok: false, reason: 'reaction' };
  const body = messageText(item.message)?.trim();
  if (!body) return { ok: false, reason: 'no text' };
  const seconds = timestampSeconds(item.messageTimestamp);
  return {
    ok: true,
    message: {
      keyId,
      phoneJid,
      remoteJid,
      // Longer than any command: kept for the business, truncated so a flood cannot bloat the inbox.
      text: body.slice(0, 2_000),
      pushName: text(item.pushName) ?? null,
      sentAt: Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : null,
    },
  };
}
