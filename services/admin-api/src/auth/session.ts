import { createHash, createHmac } from 'node:crypto';
import { safeEqual } from '@bora/core';

export const SESSION_COOKIE = 'bora_admin';
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/**
 * Stateless browser sessions: the cookie holds an expiry and an HMAC over it, keyed by both
 * SECRET_KEY and ADMIN_TOKEN. Any replica can verify it without shared storage, the admin token
 * itself never reaches the browser, and rotating ADMIN_TOKEN logs every browser out.
 */
function sessionKey(adminToken: string, secretKey: string): Buffer {
  return createHash('sha256').update(`bora-admin-session\0${secretKey}\0${adminToken}`).digest();
}

function mac(key: Buffer, expiresAt: number): string {
  return createHmac('sha256', key).update(`session:${expiresAt}`).digest('base64url');
}

export function issueSession(secrets: { adminToken: string; secretKey: string }, now = Date.now()): string {
  const expiresAt = now + SESSION_TTL_MS;
  return `${expiresAt}.${mac(sessionKey(secrets.adminToken, secrets.secretKey), expiresAt)}`;
}

export function verifySession(
  value: string | undefined,
  secrets: { adminToken: string; secretKey: string },
  now = Date.now(),
): boolean {
  if (!value) return false;
  const [expiry, signature] = value.split('.');
  const expiresAt = Number(expiry);
  if (!signature || !Number.isSafeInteger(expiresAt) || expiresAt <= now) return false;
  return safeEqual(signature, mac(sessionKey(secrets.adminToken, secrets.secretKey), expiresAt));
}
