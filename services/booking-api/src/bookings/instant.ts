/**
 * Parses an ISO-8601 date-time that names its offset (`2030-03-10T14:30:00-03:00`, `…Z`).
 * A time without an offset is refused instead of guessed: the server's zone is not the
 * customer's, and a silent three-hour shift is the worst bug a booking system can have.
 */
export type InstantResult = { ok: true; date: Date } | { ok: false; reason: string };

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;

export function parseInstant(input: string): InstantResult {
  const match = ISO.exec(input.trim());
  if (!match) return { ok: false, reason: 'use data e hora ISO 8601 com fuso, ex.: 2030-03-10T14:30:00-03:00' };
  const [, y, mo, d, h, mi, s = '00', fraction = '', zone] = match;
  if (!zone) return { ok: false, reason: 'informe o fuso horário (ex.: -03:00 ou Z)' };
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(wall);
  // Date.UTC rolls 2030-02-30 over into March; a real calendar date survives the round trip.
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    return { ok: false, reason: 'data ou hora inexistente' };
  }
  let offsetMinutes = 0;
  if (zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = Number(digits.slice(2, 4));
    if (oh > 14 || om > 59) return { ok: false, reason: 'fuso horário inválido' };
    offsetMinutes = sign * (oh * 60 + om);
  }
  const millis = fraction ? Math.floor(Number(fraction) * 1000) : 0;
  return { ok: true, date: new Date(wall - offsetMinutes * 60_000 + millis) };
}
