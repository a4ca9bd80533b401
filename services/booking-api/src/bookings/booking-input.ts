import { normalizeMobilePhone, validationFailed, type FieldProblem } from '@bora/core';
import { parseInstant } from './instant.ts';

/** The body of `POST /bookings` once the schema has checked its shape. */
export interface BookingRequest {
  customerName: string;
  customerPhone: string;
  startsAt: string;
  notes?: string;
  /** Catalogue tenants: the service and (optionally) the professional, by id. */
  serviceId?: string;
  professionalId?: string;
  /** Legacy (tenants without a catalogue): free text and a duration. */
  service?: string;
  durationMinutes?: number;
  endsAt?: string;
  professional?: string;
}

/** A booking ready to be written: trimmed text, E.164 digits, instants. */
export interface BookingInput {
  customerName: string;
  customerPhone: string;
  service: string;
  /** '' when the business does not name one (so the overlap constraint still applies). */
  professional: string;
  notes: string | null;
  startsAt: Date;
  endsAt: Date;
  /** The catalogue entries (null for a legacy booking). */
  serviceId: string | null;
  professionalId: string | null;
}

export const DEFAULT_DURATION_MINUTES = 30;
export const MAX_DURATION_MINUTES = 12 * 60;
/** Far-future bookings are almost always typos (2052 for 2025) and would sit as delayed jobs for years. */
export const MAX_DAYS_AHEAD = 366;

/** Longest accepted text per field; the JSON schema and the mini-site form share them. */
export const MAX_LENGTH = { customerName: 120, customerPhone: 40, service: 120, professional: 80, notes: 500 } as const;

export function text(
  value: string | undefined,
  field: keyof typeof MAX_LENGTH,
  required: boolean,
  problems: FieldProblem[],
): string {
  const trimmed = (value ?? '').trim();
  if (required && trimmed === '') problems.push({ field, message: 'é obrigatório' });
  else if (trimmed.length > MAX_LENGTH[field])
    problems.push({ field, message: `no máximo ${MAX_LENGTH[field]} caracteres` });
  return trimmed;
}

/** Who books and when, as every booking needs them: name, mobile, notes and a future start. */
export function readCustomer(body: BookingRequest, now: number, problems: FieldProblem[]) {
  const customerName = text(body.customerName, 'customerName', true, problems);
  const notes = text(body.notes, 'notes', false, problems);
  const phone = normalizeMobilePhone(body.customerPhone);
  if (!phone.ok) problems.push({ field: 'customerPhone', message: phone.reason });
  const starts = parseInstant(body.startsAt);
  if (!starts.ok) problems.push({ field: 'startsAt', message: starts.reason });
  else if (starts.date.getTime() <= now) problems.push({ field: 'startsAt', message: 'precisa estar no futuro' });
  return {
    customerName,
    customerPhone: phone.ok ? phone.digits : '',
    notes: notes === '' ? null : notes,
    startsAt: starts.ok ? starts.date : undefined,
  };
}

/**
 * The legacy rules (tenants without a catalogue) a JSON schema cannot say: a mobile number
 * Brazilians would write, instants with an offset, in the future, ending after they start and
 * within a bounded duration. Every problem is reported at once, each naming its field, so a form
 * can show them all next to their inputs.
 */
export function toBookingInput(body: BookingRequest, now: number = Date.now()): BookingInput {
  const problems: FieldProblem[] = [];
  if (body.professionalId !== undefined)
    problems.push({ field: 'professionalId', message: 'só vale junto com serviceId (um serviço do catálogo)' });
  const customer = readCustomer(body, now, problems);
  const service = text(body.service, 'service', true, problems);
  const professional = text(body.professional, 'professional', false, problems);
  const startsAt = customer.startsAt;
  if (startsAt && startsAt.getTime() > now + MAX_DAYS_AHEAD * 86_400_000) {
    problems.push({ field: 'startsAt', message: `no máximo ${MAX_DAYS_AHEAD} dias à frente` });
  }

  let endsAt: Date | undefined;
  if (body.endsAt !== undefined && body.durationMinutes !== undefined) {
    problems.push({ field: 'endsAt', message: 'informe endsAt ou durationMinutes, não os dois' });
  } else if (body.endsAt !== undefined) {
    const ends = parseInstant(body.endsAt);
    if (!ends.ok) problems.push({ field: 'endsAt', message: ends.reason });
    else if (startsAt) {
      const minutes = (ends.date.getTime() - startsAt.getTime()) / 60_000;
      if (minutes <= 0) problems.push({ field: 'endsAt', message: 'precisa ser depois de startsAt' });
      else if (minutes > MAX_DURATION_MINUTES)
        problems.push({ field: 'endsAt', message: 'duração máxima de 12 horas' });
      else endsAt = ends.date;
    }
  } else if (startsAt) {
    endsAt = new Date(startsAt.getTime() + (body.durationMinutes ?? DEFAULT_DURATION_MINUTES) * 60_000);
  }

  if (problems.length > 0 || !startsAt || !endsAt) throw validationFailed(problems);
  return { ...customer, service, professional, startsAt, endsAt, serviceId: null, professionalId: null };
}
