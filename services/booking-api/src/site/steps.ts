import type { Sql } from '@bora/db';
import { Type, type Static } from 'typebox';
import {
  loadPublicCatalogue,
  type PublicCatalogue,
  type PublicProfessional,
  type PublicService,
} from '../catalogue/store.ts';
import { rangesFor } from '../slots/compute.ts';
import { bookingWindow, loadDays, slotsOfDay, slotView, type SlotView } from '../slots/slots.ts';
import { dayOf, parseDay, safeZone } from '../slots/zone.ts';
import type { TenantInfo } from '../tenants/tenant-cache.ts';

/**
 * The booking steps of a catalogue tenant's mini-site live in the URL (`?servico=…&profissional=…
 * &dia=…&horario=…`), so every step is a plain GET a browser without JavaScript can follow, back
 * and forward work, and a step can be shared or reloaded. Each choice is checked again on every
 * step; a stale one (a service switched off, a time taken meanwhile) sends the customer back to
 * that step with a note.
 */
export const StepQuery = Type.Object({
  servico: Type.Optional(Type.String({ maxLength: 100 })),
  profissional: Type.Optional(Type.String({ maxLength: 100 })),
  dia: Type.Optional(Type.String({ maxLength: 20 })),
  horario: Type.Optional(Type.String({ maxLength: 40 })),
  desde: Type.Optional(Type.String({ maxLength: 20 })),
});
export type StepQuery = Static<typeof StepQuery>;

export type StepName = 'service' | 'professional' | 'day' | 'time' | 'details';
export const ANY_PROFESSIONAL = 'qualquer';

export interface DayOption {
  day: number;
  free: number;
  open: boolean;
}

export interface StepState {
  step: StepName;
  catalogue: PublicCatalogue;
  /** Services someone can take (at least one active professional does them). */
  services: PublicService[];
  service?: PublicService;
  /** The professionals who do the chosen service. */
  team: PublicProfessional[];
  /** undefined = "qualquer um". Set only once a choice was made (or there was one to make). */
  professional?: PublicProfessional;
  professionalChosen: boolean;
  today: number;
  lastDay: number;
  days: DayOption[];
  /** First day of the listed fortnight. */
  from: number;
  day?: number;
  slots: SlotView[];
  slot?: SlotView;
  notice?: string;
  zone: string;
}

/** How many days the day step lists at once. */
export const DAYS_PER_PAGE = 14;

export async function resolveSteps(
  sql: Sql,
  tenant: TenantInfo,
  query: StepQuery,
  now: number = Date.now(),
): Promise<StepState> {
  const zone = safeZone(tenant.timezone);
  const catalogue = await loadPublicCatalogue(sql, tenant.id);
  const bookable = new Set(catalogue.professionals.flatMap((p) => p.serviceIds));
  const services = catalogue.services.filter((s) => bookable.has(s.id));
  const today = dayOf(now, zone);
  const state: StepState = {
    step: 'service',
    catalogue,
    services,
    team: [],
    professionalChosen: false,
    today,
    lastDay: today,
    days: [],
    from: today,
    slots: [],
    zone,
  };

  if (query.servico === undefined) return state;
  const service = services.find((s) => s.id === query.servico);
  if (!service) return { ...state, notice: 'Esse serviço não está mais disponível. Escolha outro.' };
  state.service = service;
  state.team = catalogue.professionals.filter((p) => p.serviceIds.includes(service.id));

  // One professional: nothing to choose. Otherwise the choice is a name or "qualquer um".
  if (state.team.length === 1) {
    state.professional = state.team[0];
    state.professionalChosen = true;
  } else if (query.profissional === undefined) {
    return { ...state, step: 'professional' };
  } else if (query.profissional !== ANY_PROFESSIONAL) {
    state.professional = state.team.find((p) => p.id === query.profissional);
    if (!state.professional)
      return {
        ...state,
        step: 'professional',
        notice: 'Esse profissional não atende mais este serviço. Escolha outro.',
      };
    state.professionalChosen = true;
  } else {
    state.professionalChosen = true;
  }

  // The fortnight that holds the chosen day (or the one asked for), inside the booking window.
  const wanted = query.dia === undefined ? undefined : parseDay(query.dia);
  const asked = query.desde === undefined ? undefined : parseDay(query.desde);
  const request = { tenantId: tenant.id, serviceId: service.id, professionalId: state.professional?.id };
  const pageOf = (day: number) => today + Math.floor((Math.max(day, today) - today) / DAYS_PER_PAGE) * DAYS_PER_PAGE;
  state.from = pageOf(Math.min(asked ?? wanted ?? today, today + 366));
  let ctx = await loadDays(sql, request, state.from, state.from + DAYS_PER_PAGE - 1, zone);
  const window = bookingWindow(ctx.rules, zone, now);
  if (state.from > window.lastDay) {
    // Asked past the window (a typed URL): its last fortnight instead, one more query.
    state.from = pageOf(window.lastDay);
    ctx = await loadDays(sql, request, state.from, state.from + DAYS_PER_PAGE - 1, zone);
  }
  state.lastDay = window.lastDay;
  const to = Math.min(state.from + DAYS_PER_PAGE - 1, window.lastDay);
  for (let d = state.from; d <= to; d++) {
    const free = slotsOfDay(ctx, d, zone, now);
    state.days.push({ day: d, free: free.length, open: free.length > 0 || rangesFor(ctx.schedule, d).length > 0 });
    if (d === wanted) state.slots = free.map((slot) => slotView(slot, zone));
  }

  if (wanted === undefined)
    return { ...state, step: 'day', notice: query.dia === undefined ? undefined : 'Escolha um dia da lista.' };
  if (wanted < today || wanted > window.lastDay)
    return { ...state, step: 'day', notice: 'Esse dia está fora do período de agendamento. Escolha outro.' };
  state.day = wanted;
  if (state.slots.length === 0)
    return { ...state, step: 'day', notice: 'Não há horários livres nesse dia. Escolha outro.' };

  if (query.horario === undefined) return { ...state, step: 'time' };
  const chosen = state.slots.find((s) => s.startsAt === query.horario);
  if (!chosen) return { ...state, step: 'time', notice: 'Esse horário não está mais livre. Escolha outro.' };
  return { ...state, step: 'details', slot: chosen };
}
