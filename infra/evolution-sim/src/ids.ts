import { createHash, randomBytes, randomUUID } from 'node:crypto';

/**
 * Ids of messages sent through the API. Baileys 7.0.0-rc.6 (Evolution 2.3.6) makes `3EB0` + 18
 * uppercase hex (22 chars, which getDevice reads as `web`); v1-era Baileys made 40 chars.
 */
export function newKeyId(): string {
  return `3EB0${randomBytes(9).toString('hex').toUpperCase()}`;
}
export function newLegacyKeyId(): string {
  return `3EB0${randomBytes(18).toString('hex').toUpperCase()}`;
}

/** Ids of messages typed on a phone: Android 32 hex chars, iPhone `3A` + 18 (what getDevice reads back). */
export function newPhoneKeyId(device: 'android' | 'ios' = 'android'): string {
  return device === 'ios'
    ? `3A${randomBytes(9).toString('hex').toUpperCase()}`
    : randomBytes(16).toString('hex').toUpperCase();
}

/** Baileys' getDevice: which client an id came from (a `source` column of every message). */
export function deviceOf(id: string): string {
  if (/^3A.{18}$/.test(id)) return 'ios';
  if (/^3E.{20}$/.test(id)) return 'web';
  if (/^(.{21}|.{32})$/.test(id)) return 'android';
  if (/^(3F|.{18}$)/.test(id)) return 'desktop';
  return 'unknown';
}

let rowCounter = 0;
/** A Prisma cuid-like primary key (`Message.id`): cheap, unique within the process. */
export function newRowId(): string {
  rowCounter = (rowCounter + 1) % 1_679_616;
  return `cm${Date.now().toString(36)}${rowCounter.toString(36).padStart(4, '0')}${randomBytes(5).toString('hex')}`;
}

export const newUuid = (): string => randomUUID();

/** Evolution's instance token (`hash`): an uppercase v4 UUID. */
export const newToken = (): string => randomUUID().toUpperCase();

/** A stable fake LID per phone number, so the same customer always has the same `@lid` address. */
export function lidFor(phoneDigits: string): string {
  const digest = createHash('sha256').update(phoneDigits).digest();
  return `${(digest.readBigUInt64BE(0) % 900_000_000_000_000n) + 100_000_000_000_000n}@lid`;
}

// A 1×1 transparent PNG: clients only need a decodable `data:image/png;base64,…` to render.
const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

export interface QrCode {
  pairingCode: string | null;
  code: string;
  base64: string;
  count: number;
}

/** Baileys' requestPairingCode: 5 random bytes in its Crockford-like alphabet, 8 characters. */
export function newPairingCode(): string {
  const alphabet = '123456789ABCDEFGHJKLMNPQRSTVWXYZ';
  let value = 0n;
  for (const byte of randomBytes(5)) value = (value << 8n) | BigInt(byte);
  let code = '';
  for (let shift = 35n; shift >= 0n; shift -= 5n) code += alphabet[Number((value >> shift) & 31n)];
  return code;
}

export function newQrCode(count: number, number?: string): QrCode {
  const part = () => randomBytes(18).toString('base64');
  return {
    pairingCode: number ? newPairingCode() : null,
    code: `2@${part()},${part()},${part()},${part()}`,
    base64: `data:image/png;base64,${PNG_1X1}`,
    count,
  };
}

/** São Paulo wall-clock time wrongly suffixed `Z`, exactly as Evolution stamps `date_time`. */
export function saoPauloDateTime(now = Date.now()): string {
  return new Date(now - 3 * 3_600_000).toISOString();
}
