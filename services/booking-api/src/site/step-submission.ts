import { hasControlCharacters, isAppError, withoutControlCharacters, type FieldProblem } from '@bora/core';
import { createBooking, type BookingDeps } from '../bookings/create-booking.ts';
import { retryAfterOf } from '../bookings/limits.ts';
import type { TenantInfo } from '../tenants/tenant-cache.ts';
import type { FormBody } from './form-input.ts';
import { stepsPage, type DetailsForm } from './step-pages.ts';
import { ANY_PROFESSIONAL, resolveSteps, type StepQuery } from './steps.ts';
import type { Static } from 'typebox';

export type StepOutcome =
  { kind: 'created'; location: string } | { kind: 'page'; status: number; page: string; retryAfter?: number };

const PERSON = ['customerName', 'customerPhone', 'notes'] as const;
type PersonField = (typeof PERSON)[number];

const LIMITS = new Set(['PHONE_FUTURE_LIMIT', 'PHONE_HOURLY_LIMIT', 'TENANT_MINUTE_LIMIT']);

function sentence(message: string): string {
  const text = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

function personErrors(problems: readonly FieldProblem[]): DetailsForm['errors'] {
  const errors: DetailsForm['errors'] = {};
  for (const { field, message } of problems) {
    if ((PERSON as readonly string[]).includes(field) && !errors[field as PersonField]) {
      errors[field as PersonField] = message === 'é obrigatório' ? 'Preencha este campo.' : sentence(message);
    }
  }
  return errors;
}

/**
 * The last step's POST on a catalogue tenant: the same `createBooking` as the JSON API (with the
 * hidden per-render Idempotency-Key). A problem with the person's fields shows the form again
 * with messages next to them; a time that stopped being bookable (taken meanwhile, notice
 * passed) goes back to the time step of that day with a note; a limit shows its reason.
 */
export async function submitSteps(
  deps: BookingDeps,
  tenant: TenantInfo,
  body: Static<typeof FormBody> | undefined,
): Promise<StepOutcome> {
  const b = body ?? {};
  const raw = { customerName: b.customerName ?? '', customerPhone: b.customerPhone ?? '', notes: b.notes ?? '' };
  const key = /^[0-9a-f-]{36}$/i.test(b.idempotencyKey?.trim() ?? '') ? b.idempotencyKey!.trim() : '';
  const startsAt = b.startsAt?.trim() ?? '';
  const query: StepQuery = {
    servico: b.serviceId?.trim() || undefined,
    profissional: b.professionalId?.trim() || ANY_PROFESSIONAL,
    dia: /^\d{4}-\d{2}-\d{2}T/.test(startsAt) ? startsAt.slice(0, 10) : undefined,
    horario: startsAt || undefined,
  };
  const show = async (
    status: number,
    q: StepQuery,
    extra: { notice?: string; errors?: DetailsForm['errors']; freshKey?: boolean; retryAfter?: number } = {},
  ): Promise<StepOutcome> => {
    const state = await resolveSteps(deps.sql, tenant, q);
    const values = { ...raw, idempotencyKey: extra.freshKey ? '' : key };
    const page = stepsPage(
      tenant,
      { ...state, notice: extra.notice ?? state.notice },
      { values, errors: extra.errors ?? {} },
    );
    return { kind: 'page', status, page, ...(extra.retryAfter === undefined ? {} : { retryAfter: extra.retryAfter }) };
  };

  // Control characters never reach the database: the cleaned value comes back with a message.
  const dirty = PERSON.filter((name) => hasControlCharacters(raw[name]));
  if (dirty.length > 0) {
    for (const name of dirty) raw[name] = withoutControlCharacters(raw[name]);
    const errors = Object.fromEntries(
      dirty.map((name) => [
        name,
        'Este campo tinha caracteres invisíveis ou de controle, que não são aceitos. Nós os tiramos: confira e envie de novo.',
      ]),
    );
    return show(400, query, { errors });
  }

  try {
    const booking = await createBooking(
      deps,
      tenant.slug,
      {
        customerName: raw.customerName,
        customerPhone: raw.customerPhone,
        startsAt,
        ...(query.servico ? { serviceId: query.servico } : {}),
        ...(b.professionalId?.trim() ? { professionalId: b.professionalId.trim() } : {}),
        ...(raw.notes.trim() ? { notes: raw.notes } : {}),
      },
      key || undefined,
    );
    return { kind: 'created', location: `/${tenant.slug}/agendamentos/${booking.id}` };
  } catch (error) {
    if (!isAppError(error)) throw error;
    const back = { ...query, horario: undefined };
    if (error.code === 'SLOT_UNAVAILABLE')
      return show(409, back, { notice: 'Esse horário acabou de ser reservado. Escolha outro.' });
    if (LIMITS.has(error.code))
      return show(error.statusCode, query, { notice: error.message, retryAfter: retryAfterOf(error) });
    if (error.code === 'IDEMPOTENCY_KEY_REUSED')
      return show(409, query, {
        notice: 'Este formulário já tinha sido enviado. Confira os dados e envie de novo.',
        freshKey: true,
      });
    if (error.code !== 'VALIDATION_FAILED') throw error;
    const problems = (error.details as FieldProblem[] | undefined) ?? [];
    const catalogue = problems.find((p) => p.field === 'serviceId' || p.field === 'professionalId');
    if (catalogue)
      return show(400, {}, { notice: 'Essa escolha não está mais disponível. Comece de novo, por favor.' });
    const time = problems.find((p) => p.field === 'startsAt');
    if (time)
      return show(400, back, { notice: `Esse horário não pode mais ser agendado: ${time.message}. Escolha outro.` });
    return show(400, query, { errors: personErrors(problems) });
  }
}
