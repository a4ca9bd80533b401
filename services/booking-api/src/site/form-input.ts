import { hasControlCharacters, withoutControlCharacters, type FieldProblem } from '@bora/core';
import { Type, type Static } from 'typebox';
import type { BookingRequest } from '../bookings/booking-input.ts';
import { zonedToInstant } from './local-time.ts';

export const FORM_FIELDS = ['customerName', 'customerPhone', 'service', 'professional', 'date', 'time'] as const;
export type FormField = (typeof FORM_FIELDS)[number];
export type FormValues = Record<FormField, string> & { idempotencyKey: string };
export type FormErrors = Partial<Record<FormField, string>>;

const field = Type.Optional(Type.String({ maxLength: 1000 }));

/**
 * Lenient on purpose: every field is an optional string, so whatever the browser sends reaches
 * the handler and comes back as the same form with messages next to the fields, never as a
 * bare JSON error. The real rules are the API's (`toBookingInput`).
 */
export const FormBody = Type.Object({
  customerName: field,
  customerPhone: field,
  service: field,
  professional: field,
  date: field,
  time: field,
  idempotencyKey: field,
  // The catalogue steps' last form (see step-submission.ts).
  serviceId: field,
  professionalId: field,
  startsAt: field,
  notes: field,
});

// Postgres refuses NUL outright (a 500 page before this check), and the other control
// characters would reach WhatsApp messages and the admin page.
const CONTROL_MESSAGE =
  'Este campo tem caracteres invisíveis ou de controle, que não são aceitos. Nós os tiramos: confira e envie de novo.';

/**
 * The form without control characters, and a problem for each field that had any: the person
 * gets the form back, cleaned, with a message on the field, and nothing is written.
 */
export function withoutControls(values: FormValues): { values: FormValues; problems: FieldProblem[] } {
  const problems = FORM_FIELDS.filter((name) => hasControlCharacters(values[name])).map((field) => ({
    field,
    message: CONTROL_MESSAGE,
  }));
  if (problems.length === 0) return { values, problems };
  const cleaned = { ...values };
  for (const { field } of problems) cleaned[field as FormField] = withoutControlCharacters(values[field as FormField]);
  return { values: cleaned, problems };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function readForm(body: Static<typeof FormBody> | undefined): FormValues {
  const b = body ?? {};
  const key = b.idempotencyKey?.trim() ?? '';
  return {
    customerName: b.customerName ?? '',
    customerPhone: b.customerPhone ?? '',
    service: b.service ?? '',
    professional: b.professional ?? '',
    date: b.date?.trim() ?? '',
    time: b.time?.trim() ?? '',
    idempotencyKey: UUID.test(key) ? key : '',
  };
}

/**
 * Form values → the API request. Date and time are the business's wall clock, turned into an
 * instant in its zone and sent on as UTC (`…Z`), so the API's offset rule holds.
 */
export function formToRequest(
  values: FormValues,
  timeZone: string,
): { request: BookingRequest; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(values.date);
  const time = /^(\d{2}):(\d{2})(?::00)?$/.exec(values.time);
  if (!date)
    problems.push({ field: 'date', message: values.date ? 'Use uma data válida (dd/mm/aaaa).' : 'Escolha o dia.' });
  if (!time)
    problems.push({ field: 'time', message: values.time ? 'Use um horário válido (hh:mm).' : 'Escolha o horário.' });
  let startsAt = '';
  if (date && time) {
    const [year, month, day, hour, minute] = [date[1], date[2], date[3], time[1], time[2]].map(Number) as [
      number,
      number,
      number,
      number,
      number,
    ];
    const instant = hour < 24 && minute < 60 ? zonedToInstant({ year, month, day, hour, minute }, timeZone) : undefined;
    if (instant) startsAt = instant.toISOString();
    else problems.push({ field: 'time', message: 'Esse dia ou horário não existe; escolha outro.' });
  }
  const request: BookingRequest = {
    customerName: values.customerName,
    customerPhone: values.customerPhone,
    service: values.service,
    startsAt,
    ...(values.professional.trim() ? { professional: values.professional } : {}),
  };
  return { request, problems };
}

function capitalize(message: string): string {
  const text = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** API problems (named by API field) → messages next to the form's inputs, in plain pt-BR. */
export function toFormErrors(problems: readonly FieldProblem[], code?: string): FormErrors {
  const errors: FormErrors = {};
  for (const { field: name, message } of problems) {
    let target: FormField | undefined;
    let text = message;
    if (name === 'startsAt') {
      target = 'time';
      if (code === 'SLOT_UNAVAILABLE') text = 'Esse horário acabou de ser reservado. Escolha outro.';
      else if (message === 'precisa estar no futuro') text = 'Escolha um dia e horário que ainda não passaram.';
      else if (/dias à frente/.test(message)) text = 'Escolha uma data nos próximos 12 meses.';
    } else if ((FORM_FIELDS as readonly string[]).includes(name)) {
      target = name as FormField;
      if (message === 'é obrigatório') text = 'Preencha este campo.';
    }
    if (target && !errors[target]) errors[target] = capitalize(text);
  }
  return errors;
}
