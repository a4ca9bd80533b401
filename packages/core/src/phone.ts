import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

export type PhoneResult = { ok: true; digits: string } | { ok: false; reason: string };

/**
 * Turns the ways Brazilians write a WhatsApp number — `(11) 98765-4321`, `+55 11 98765-4321`,
 * `5511987654321`, `011 98765-4321` — into E.164 digits without the `+` (the form Evolution
 * expects). Uses libphonenumber's full metadata so landlines and impossible numbers are refused:
 * WhatsApp confirmations need a mobile.
 */
export function normalizeMobilePhone(input: string, defaultCountry: 'BR' = 'BR'): PhoneResult {
  const raw = input.trim();
  if (raw === '') return { ok: false, reason: 'informe o número de WhatsApp' };
  if (!/^[+\d\s().-]+$/.test(raw)) {
    return { ok: false, reason: 'use apenas dígitos, espaços, parênteses, hífen e +' };
  }
  let candidate = raw.replace(/[\s().-]/g, '');
  // Trunk prefix "0" plus DDD (011…) is how many people dial long distance in Brazil.
  if (/^0\d{10,11}$/.test(candidate)) candidate = candidate.slice(1);
  // Bare international form without "+" (5511987654321).
  if (/^55\d{10,11}$/.test(candidate)) candidate = `+${candidate}`;
  const parsed = parsePhoneNumberFromString(candidate, defaultCountry);
  if (!parsed || !parsed.isValid()) return { ok: false, reason: 'número de telefone inválido' };
  const type = parsed.getType();
  if (type !== 'MOBILE' && type !== 'FIXED_LINE_OR_MOBILE') {
    return { ok: false, reason: 'precisa ser um número de celular com WhatsApp' };
  }
  return { ok: true, digits: parsed.number.replace('+', '') };
}

/** Masks all but the last four digits, for logs and dashboards. */
export function maskPhone(digits: string): string {
  if (digits.length <= 4) return '****';
  return `${'*'.repeat(digits.length - 4)}${digits.slice(-4)}`;
}
