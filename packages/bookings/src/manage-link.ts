import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The signed link in every message that lets a customer cancel or reschedule without an account:
 * `<booking id><expiry>` signed with a key derived from SECRET_KEY (a separate purpose, a separate
 * key). Anyone holding the link can manage that one booking until it expires; nothing else.
 */
const PURPOSE = 'bora-manage-booking-v1';

function keyOf(secret: string): Buffer {
  return createHmac('sha256', secret).update(PURPOSE).digest();
}

function mac(secret: string, payload: Buffer): Buffer {
  return createHmac('sha256', keyOf(secret)).update(payload).digest().subarray(0, 16);
}

const UUID_HEX = /^[0-9a-f]{32}$/;

export function signManageToken(secret: string, bookingId: string, expiresAt: Date): string {
  const payload = Buffer.alloc(20);
  Buffer.from(bookingId.replace(/-/g, ''), 'hex').copy(payload, 0);
  payload.writeUInt32BE(Math.floor(expiresAt.getTime() / 1000), 16);
  return `${payload.toString('base64url')}.${mac(secret, payload).toString('base64url')}`;
}

export type ManageTokenCheck =
  { ok: true; bookingId: string; expiresAt: Date } | { ok: false; reason: 'invalid' | 'expired' };

export function verifyManageToken(secret: string, token: string, now: Date = new Date()): ManageTokenCheck {
  const [body, signature] = token.split('.');
  if (!body || !signature || body.length > 40 || signature.length > 40) return { ok: false, reason: 'invalid' };
  const payload = Buffer.from(body, 'base64url');
  const given = Buffer.from(signature, 'base64url');
  if (payload.length !== 20 || given.length !== 16 || !timingSafeEqual(given, mac(secret, payload)))
    return { ok: false, reason: 'invalid' };
  const hex = payload.subarray(0, 16).toString('hex');
  if (!UUID_HEX.test(hex)) return { ok: false, reason: 'invalid' };
  const expiresAt = new Date(payload.readUInt32BE(16) * 1000);
  if (expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired' };
  const bookingId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return { ok: true, bookingId, expiresAt };
}

/** A link lives until a day after the appointment ends: long enough to look back, not forever. */
export function manageLinkExpiry(endsAt: Date): Date {
  return new Date(endsAt.getTime() + 24 * 3_600_000);
}

/** `https://agendar.example/barbearia-do-ze/gerenciar/<token>`: the mini-site's manage page. */
export function manageUrl(publicUrl: string, slug: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/${encodeURIComponent(slug)}/gerenciar/${token}`;
}
