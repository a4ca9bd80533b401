import { validationFailed, type FieldProblem } from '@bora/core';
import type { Sql } from '@bora/db';
import { dayGrid, freeSlots, rangesFor, type FreeSlot } from './compute.ts';
import { loadSlotContext, type BookingRules, type SlotContext } from './store.ts';
import { dayOf, formatDay, instantAt, isoInZone } from './zone.ts';

/** A free slot as the API answers it: instants in the tenant's zone, with their offsets. */
export interface SlotView {
  startsAt: string;
  endsAt: string;
  professionalId: string;
}

export function slotView(slot: FreeSlot, zone: string): SlotView {
  return {
    startsAt: isoInZone(slot.start, zone, slot.startOffset),
    endsAt: isoInZone(slot.end, zone, slot.endOffset),
    professionalId: slot.professionalId,
  };
}

export interface BookingWindow {
  today: number;
  /** The last day (inclusive) a booking may fall on. */
  lastDay: number;
  /** The earliest start the minimum notice allows. */
  notBefore: number;
}

export function bookingWindow(rules: BookingRules, zone: string, now: number): BookingWindow {
  const today = dayOf(now, zone);
  return { today, lastDay: today + rules.maxDaysAhead, notBefore: now + rules.minNoticeMinutes * 60_000 };
}

export function stepOf(ctx: SlotContext): number {
  return ctx.rules.slotStepMinutes ?? ctx.service?.durationMinutes ?? 30;
}

/** The day's grid of starts for the context's service, ignoring bookings, notice and window. */
export function gridOf(ctx: SlotContext, day: number, zone: string) {
  if (!ctx.service) return [];
  return dayGrid(rangesFor(ctx.schedule, day), day, zone, ctx.service.durationMinutes, stepOf(ctx));
}

/** Free slots of one day, within the booking window and past the minimum notice. */
export function slotsOfDay(ctx: SlotContext, day: number, zone: string, now: number): FreeSlot[] {
  if (!ctx.service?.active) return [];
  const window = bookingWindow(ctx.rules, zone, now);
  if (day < window.today || day > window.lastDay) return [];
  return freeSlots(gridOf(ctx, day, zone), ctx.professionals, window.notBefore);
}

export interface ContextRequest {
  tenantId: string;
  serviceId: string;
  professionalId?: string;
  phone?: string;
}

/** The context for days `fromDay`…`toDay` (inclusive) of the zone. */
export function loadDays(
  sql: Sql,
  request: ContextRequest,
  fromDay: number,
  toDay: number,
  zone: string,
): Promise<SlotContext> {
  return loadSlotContext(sql, {
    ...request,
    fromDate: formatDay(fromDay),
    toDate: formatDay(toDay),
    fromMs: instantAt(fromDay, 0, zone),
    toMs: instantAt(toDay + 1, 0, zone),
  });
}

/**
 * The catalogue entries a slot question names, checked: an unknown or inactive service, or a
 * professional who is unknown, inactive or does not do the service, is a 400 naming the field.
 */
export function requireCatalogue(ctx: SlotContext, professionalId: string | undefined): void {
  const problems: FieldProblem[] = [];
  if (!ctx.hasCatalogue)
    problems.push({
      field: 'serviceId',
      message: 'este negócio não tem catálogo de serviços; informe o serviço em texto (service)',
    });
  else if (!ctx.service || !ctx.service.active)
    problems.push({ field: 'serviceId', message: 'serviço não encontrado no catálogo deste negócio' });
  if (professionalId !== undefined) {
    if (!ctx.requested || !ctx.requested.active)
      problems.push({ field: 'professionalId', message: 'profissional não encontrado' });
    else if (!ctx.requested.doesService && ctx.service)
      problems.push({ field: 'professionalId', message: `${ctx.requested.name} não faz ${ctx.service.name}` });
  }
  if (problems.length > 0) throw validationFailed(problems);
}

/** How many days ahead a "next free slots" search looks (one query). */
const NEXT_SLOTS_DAYS = 14;

/**
 * The first `limit` free slots at or after `fromMs` (a lost race's answer: what to pick instead),
 * looking up to two weeks ahead within the booking window.
 */
export async function nextFreeSlots(
  sql: Sql,
  request: ContextRequest,
  zone: string,
  fromMs: number,
  now: number,
  limit = 5,
): Promise<SlotView[]> {
  const firstDay = Math.max(dayOf(fromMs, zone), dayOf(now, zone));
  const ctx = await loadDays(sql, { ...request, phone: undefined }, firstDay, firstDay + NEXT_SLOTS_DAYS - 1, zone);
  const found: SlotView[] = [];
  for (let day = firstDay; day < firstDay + NEXT_SLOTS_DAYS && found.length < limit; day++) {
    for (const slot of slotsOfDay(ctx, day, zone, now)) {
      if (slot.start < fromMs) continue;
      found.push(slotView(slot, zone));
      if (found.length === limit) break;
    }
  }
  return found;
}
