import { maskPhone } from '@bora/core';

/** Names whose values are phone numbers even when short or formatted. */
const PHONE_KEYS = /^(phone|phoneNumber|to|recipient|number|customerPhone|remoteJid)$/i;
/**
 * UUIDs (left alone: they are our ids, and all-digit groups would look like numbers), or runs of
 * 8+ digits with the separators people type (+, spaces, dashes, dots, brackets).
 */
const UUID_OR_DIGIT_RUN = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\+?\d[\d\s().-]{6,}\d/gi;
const UUID = /^[0-9a-f]{8}-/i;

function maskString(value: string): string {
  return value.replace(UUID_OR_DIGIT_RUN, (run) => {
    if (UUID.test(run) && run.length === 36) return run;
    const digits = run.replace(/\D/g, '');
    return digits.length >= 8 ? maskPhone(digits) : run;
  });
}

/**
 * Deep copy of job data with anything phone-like masked, for the queue dashboard. Job payloads
 * are only `{notificationId}` today; this keeps a future field from leaking a customer's number.
 */
export function maskPhones(value: unknown, key = ''): unknown {
  if (typeof value === 'string') return PHONE_KEYS.test(key) ? maskPhone(value.replace(/\D/g, '')) : maskString(value);
  if (typeof value === 'number' && PHONE_KEYS.test(key)) return maskPhone(String(value));
  if (Array.isArray(value)) return value.map((item) => maskPhones(item, key));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskPhones(v, k)]));
  }
  return value;
}
