import { randomBytes, randomUUID } from 'node:crypto';

/** Baileys message ids: `3EB0` + uppercase hex; 2.3.x servers answer 40 characters. */
export function newKeyId(): string {
  return `3EB0${randomBytes(18).toString('hex').toUpperCase()}`;
}

export const newUuid = (): string => randomUUID();

/** Evolution's instance token (`hash`): an uppercase v4 UUID. */
export const newToken = (): string => randomUUID().toUpperCase();

// A 1×1 transparent PNG: clients only need a decodable `data:image/png;base64,…` to render.
const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

export interface QrCode {
  pairingCode: string | null;
  code: string;
  base64: string;
  count: number;
}

export function newQrCode(count: number, number?: string): QrCode {
  const part = () => randomBytes(18).toString('base64');
  return {
    pairingCode: number ? randomBytes(6).toString('base64url').replace(/[-_]/g, 'X').slice(0, 8).toUpperCase() : null,
    code: `2@${part()},${part()},${part()},${part()}`,
    base64: `data:image/png;base64,${PNG_1X1}`,
    count,
  };
}

/** São Paulo wall-clock time wrongly suffixed `Z`, exactly as Evolution stamps `date_time`. */
export function saoPauloDateTime(now = Date.now()): string {
  return new Date(now - 3 * 3_600_000).toISOString();
}
