import { createHmac } from 'node:crypto';
import { safeEqual } from '@bora/core';

/**
 * The re-link page's link: the case id, an expiry and an HMAC over both keyed by SECRET_KEY. Anyone
 * holding it may see that number's QR code until it expires, so it goes only to the owner's phone
 * (and to operators, who are logged in); nothing else about the business is reachable with it.
 */
function mac(secretKey: string, caseId: string, expiresAt: number): string {
  return createHmac('sha256', secretKey).update(`bora-relink\0${caseId}\0${expiresAt}`).digest('base64url');
}

export function signRelink(secretKey: string, caseId: string, expiresAt: number): { exp: number; sig: string } {
  return { exp: expiresAt, sig: mac(secretKey, caseId, expiresAt) };
}

export function relinkUrl(publicUrl: string, secretKey: string, caseId: string, expiresAt: number): string {
  const { exp, sig } = signRelink(secretKey, caseId, expiresAt);
  return `${publicUrl}/relink/${caseId}?exp=${exp}&sig=${sig}`;
}

export type LinkVerdict = 'ok' | 'expired' | 'invalid';

export function verifyRelink(
  secretKey: string,
  caseId: string,
  exp: number,
  sig: string,
  now = Date.now(),
): LinkVerdict {
  if (!Number.isSafeInteger(exp) || !safeEqual(sig, mac(secretKey, caseId, exp))) return 'invalid';
  return exp <= now ? 'expired' : 'ok';
}
