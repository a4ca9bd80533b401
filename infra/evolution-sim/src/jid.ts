// How the Evolution server turns a `number` into a WhatsApp JID (createJid + formatBRNumber).

const BR_MOBILE = /^(\d{2})(\d{2})\d(\d{8})$/;

/**
 * Brazil's 9th digit: for a 13-digit `55 DD 9 XXXXXXXX` the server keeps the 9 when DDD < 31 or the
 * first of the last 8 digits is < 7, and drops it otherwise (what WhatsApp registered for old lines).
 */
export function formatBrNumber(digits: string): string {
  const match = BR_MOBILE.exec(digits);
  if (!match || match[1] !== '55') return digits;
  const ddd = Number(match[2]);
  const first = Number(match[3]![0]);
  if (first < 7 || ddd < 31) return digits;
  return `${match[1]}${match[2]}${match[3]}`;
}

export function isJid(number: string): boolean {
  return number.includes('@');
}

/** Digits only; a JID keeps its user part. */
export function numberDigits(number: string): string {
  const user = number.split('@')[0] ?? '';
  return user.replace(/\D/g, '');
}

/** A full JID passes through; a `+` skips the Brazil logic; anything else is digits-only then fixed. */
export function createJid(number: string): string {
  if (isJid(number)) return number.toLowerCase();
  const digits = numberDigits(number);
  if (digits.length >= 18) return `${digits}@g.us`;
  return `${number.includes('+') ? digits : formatBrNumber(digits)}@s.whatsapp.net`;
}
