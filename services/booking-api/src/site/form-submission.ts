import { isAppError, type AppError, type FieldProblem } from '@bora/core';
import type { Static } from 'typebox';
import { toBookingInput } from '../bookings/booking-input.ts';
import { createBooking, type BookingDeps } from '../bookings/create-booking.ts';
import { bookingFormPage } from './booking-form.ts';
import { formToRequest, readForm, toFormErrors, withoutControls, type FormBody } from './form-input.ts';
import { safeZone } from './local-time.ts';

export type FormOutcome =
  { kind: 'not-found' } | { kind: 'created'; location: string } | { kind: 'invalid'; status: number; page: string };

function fieldProblems(error: unknown): { problems: FieldProblem[]; code: string } | undefined {
  if (!isAppError(error)) return undefined;
  const known = ['VALIDATION_FAILED', 'SLOT_UNAVAILABLE', 'IDEMPOTENCY_KEY_REUSED'];
  if (!known.includes(error.code)) return undefined;
  // SLOT_UNAVAILABLE's details are one object (the field plus the next free slots).
  const details = error.details as FieldProblem[] | FieldProblem | undefined;
  const problems = Array.isArray(details)
    ? details
    : details
      ? [{ field: details.field, message: details.message }]
      : [];
  return { problems, code: error.code };
}

/** Problems of the fields other than date/time, when date/time already failed in the form. */
function otherProblems(run: () => unknown): FieldProblem[] {
  try {
    run();
    return [];
  } catch (error) {
    return (fieldProblems(error)?.problems ?? []).filter((p) => p.field !== 'startsAt');
  }
}

/**
 * The no-JavaScript path (and, via fetch, the enhanced one): the same `createBooking` as the
 * JSON API, with the hidden per-render Idempotency-Key, so a double click books once. Any
 * problem re-renders the form with the person's values and a message next to each field.
 */
export async function submitForm(
  deps: BookingDeps,
  slug: string,
  body: Static<typeof FormBody> | undefined,
): Promise<FormOutcome> {
  const tenant = await deps.tenants.get(slug);
  if (!tenant) return { kind: 'not-found' };
  const { values, problems: controls } = withoutControls(readForm(body));
  const { request, problems: formProblems } = formToRequest(values, safeZone(tenant.timezone));
  // First, so a field's control-character message wins over what its cleaned value would get.
  const problems = [...controls, ...formProblems];

  let failure: { problems: FieldProblem[]; code: string; status: number };
  if (problems.length > 0) {
    failure = {
      problems: [...problems, ...otherProblems(() => toBookingInput(request))],
      code: 'VALIDATION_FAILED',
      status: 400,
    };
  } else {
    try {
      const booking = await createBooking(deps, slug, request, values.idempotencyKey || undefined);
      return { kind: 'created', location: `/${tenant.slug}/agendamentos/${booking.id}` };
    } catch (error) {
      const known = fieldProblems(error);
      if (!known) throw error;
      failure = { ...known, status: (error as AppError).statusCode };
    }
  }
  const errors = toFormErrors(failure.problems, failure.code);
  // A reused key means this exact form already booked something and was then edited (e.g.
  // after "back"): render a fresh form (new key) so the edited request can go through.
  const reused = failure.code === 'IDEMPOTENCY_KEY_REUSED';
  const notice = reused ? 'Este formulário já tinha sido enviado. Confira os dados e envie de novo.' : undefined;
  return {
    kind: 'invalid',
    status: reused ? 409 : failure.status,
    page: bookingFormPage(tenant, {
      values: { ...values, idempotencyKey: reused ? '' : values.idempotencyKey },
      errors,
      notice,
    }),
  };
}
