// The `messages.upsert` data of a message a customer typed: Baileys 7's key (with its LID/PN
// alternative) run through Evolution's prepareMessage, which flattens extendedTextMessage to
// `conversation` and lifts the content's contextInfo to the top level.
import { randomBytes } from 'node:crypto';
import type { SimInboundKind, SimInboundMessage } from './control-types.ts';
import { deviceOf, lidFor, newPhoneKeyId } from './ids.ts';
import { formatBrNumber, numberDigits } from './jid.ts';

/** A group the sim's customers share when a test names none. */
export const DEFAULT_GROUP_JID = '120363025246125244@g.us';

/** Bytes as prepareMessage's deserializeMessageBuffers leaves them: a Uint8Array, i.e. `{"0":…,"1":…}` in JSON. */
function bytes(length: number): Record<string, number> {
  return Object.fromEntries([...randomBytes(length)].map((b, i) => [String(i), b]));
}

/** A protobuf int64 as it reaches JSON: a Long object. */
const long = (value: number) => ({ low: value | 0, high: Math.floor(value / 2 ** 32), unsigned: false });

const messageContextInfo = () => ({
  deviceListMetadata: {
    senderKeyHash: bytes(10),
    senderTimestamp: long(Math.floor(Date.now() / 1000) - 86_400),
    recipientKeyHash: bytes(10),
    recipientTimestamp: long(Math.floor(Date.now() / 1000) - 3_600),
  },
  deviceListMetadataVersion: 2,
  messageSecret: bytes(32),
});

export interface InboundContext {
  /** The JID the message answers or reacts to, and its id (our last send to this customer). */
  replyTo?: { keyId: string; text?: string };
  ownerJid: string | null;
}

export interface BuiltInbound {
  keyId: string;
  /** The customer's phone-number JID, whatever the chat is addressed by. */
  pnJid: string;
  key: {
    remoteJid: string;
    remoteJidAlt?: string;
    fromMe: false;
    id: string;
    participant?: string;
    participantAlt?: string;
    addressingMode: 'pn' | 'lid';
  };
  messageType: string;
  message: Record<string, unknown>;
  contextInfo?: Record<string, unknown>;
  pushName: string;
  source: string;
}

function keyFor(kind: SimInboundKind, pnJid: string, lid: string, id: string, groupJid: string): BuiltInbound['key'] {
  switch (kind) {
    case 'lid':
      return { remoteJid: lid, remoteJidAlt: pnJid, fromMe: false, id, addressingMode: 'lid' };
    case 'group':
      // Groups are LID-addressed now: the sender is its LID, the phone number the alternative.
      return { remoteJid: groupJid, fromMe: false, id, participant: lid, participantAlt: pnJid, addressingMode: 'lid' };
    case 'status':
      return {
        remoteJid: 'status@broadcast',
        remoteJidAlt: lid,
        fromMe: false,
        id,
        participant: pnJid,
        addressingMode: 'pn',
      };
    default:
      return { remoteJid: pnJid, remoteJidAlt: lid, fromMe: false, id, addressingMode: 'pn' };
  }
}

function content(
  kind: SimInboundKind,
  text: string,
  chatJid: string,
  ctx: InboundContext,
): Pick<BuiltInbound, 'messageType' | 'message' | 'contextInfo'> {
  switch (kind) {
    case 'extended': {
      const contextInfo = ctx.replyTo
        ? {
            stanzaId: ctx.replyTo.keyId,
            participant: ctx.ownerJid ?? undefined,
            quotedMessage: { conversation: ctx.replyTo.text ?? '' },
          }
        : { expiration: 0 };
      return {
        messageType: 'conversation',
        message: { conversation: text, messageContextInfo: messageContextInfo() },
        contextInfo,
      };
    }
    case 'reaction':
      return {
        messageType: 'reactionMessage',
        message: {
          reactionMessage: {
            key: { remoteJid: chatJid, fromMe: true, id: ctx.replyTo?.keyId ?? '' },
            text: text || '👍',
            senderTimestampMs: long(Date.now()),
          },
          messageContextInfo: messageContextInfo(),
        },
      };
    case 'image':
    case 'image-caption': {
      const imageMessage = {
        url: `https://mmg.whatsapp.net/o1/v/t62.7118-24/f1/m232/up-oil-image-${randomBytes(6).toString('hex')}?ccb=9-4`,
        mimetype: 'image/jpeg',
        ...(kind === 'image-caption' && { caption: text }),
        fileSha256: bytes(32),
        fileLength: long(48_213),
        height: 1280,
        width: 960,
        mediaKey: bytes(32),
        fileEncSha256: bytes(32),
        directPath: '/o1/v/t62.7118-24/f1/m232/up-oil-image?ccb=9-4',
        mediaKeyTimestamp: long(Math.floor(Date.now() / 1000)),
        jpegThumbnail: bytes(24),
      };
      return { messageType: 'imageMessage', message: { imageMessage, messageContextInfo: messageContextInfo() } };
    }
    default:
      return { messageType: 'conversation', message: { conversation: text, messageContextInfo: messageContextInfo() } };
  }
}

/** What WhatsApp registered for the number: Brazil's old lines lack the 9th digit. */
export const customerJid = (from: string) => `${formatBrNumber(numberDigits(from))}@s.whatsapp.net`;

export function buildInbound(input: SimInboundMessage, ctx: InboundContext): BuiltInbound {
  const kind = input.kind ?? 'text';
  const pnJid = customerJid(input.from);
  const lid = lidFor(numberDigits(pnJid));
  const keyId = newPhoneKeyId(input.device);
  const key = keyFor(kind, pnJid, lid, keyId, input.groupJid ?? DEFAULT_GROUP_JID);
  const body = content(kind, input.text ?? (kind === 'image' ? '' : 'Oi'), key.remoteJid, ctx);
  return { keyId, pnJid, key, ...body, pushName: input.pushName ?? 'Cliente', source: deviceOf(keyId) };
}
