import { validationFailed, type FieldProblem } from '@bora/core';
import type { Sql } from '@bora/db';
import { freeProfessionalsAt, rangesFor, type BusyProfessional } from '../slots/compute.ts';
import { bookingWindow, gridOf, loadDays, requireCatalogue, stepOf } from '../slots/slots.ts';
import type { BookingRules, SlotContext } from '../slots/store.ts';
import { dayOf, formatMinute, safeZone } from '../slots/zone.ts';
import type { TenantInfo } from '../tenants/tenant-cache.ts';
import { readCustomer, type BookingInput, type BookingRequest } from './booking-input.ts';
import { checkPhone } from './limits.ts';

/** A catalogue booking request that passed the checks needing no database. */
export interface CatalogueRequest {
  customerName: string;
  customerPhone: string;
  notes: string | null;
  startsAt: Date;
  serviceId: string;
  professionalId: string | undefined;
}

const LEGACY_FIELDS = ['service', 'professional', 'durationMinutes', 'endsAt'] as const;

/** Shape and customer rules; the legacy fields have no meaning next to `serviceId`. */
export function toCatalogueRequest(body: BookingRequest, now: number): CatalogueRequest {
  const problems: FieldProblem[] = [];
  for (const field of LEGACY_FIELDS) {
    if (body[field] !== undefined) {
      problems.push({
        field,
        message:
          field === 'service' || field === 'professional'
            ? 'não use junto com serviceId (o catálogo já diz)'
            : 'não use junto com serviceId (a duração vem do serviço)',
      });
    }
  }
  const customer = readCustomer(body, now, problems);
  if (problems.length > 0 || !customer.startsAt || body.serviceId === undefined) throw validationFailed(problems);
  return { ...customer, startsAt: customer.startsAt, serviceId: body.serviceId, professionalId: body.professionalId };
}

/** "1 hora", "30 minutos", "1 h 30 min", "2 dias". */
export function formatDuration(minutes: number): string {
  if (minutes > 0 && minutes % 1440 === 0) return minutes === 1440 ? '1 dia' : `${minutes / 1440} dias`;
  if (minutes >= 60 && minutes % 60 === 0) return minutes === 60 ? '1 hora' : `${minutes / 60} horas`;
  if (minutes < 60) return `${minutes} minutos`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

function startsAtProblem(message: string): never {
  throw validationFailed([{ field: 'startsAt', message }]);
}

/** Window, notice, opening hours and the slot grid, each refused with its own pt-BR reason. */
function checkTime(ctx: SlotContext, rules: BookingRules, zone: string, start: number, now: number) {
  const service = ctx.service!;
  const window = bookingWindow(rules, zone, now);
  const day = dayOf(start, zone);
  if (day > window.lastDay) startsAtProblem(`no máximo ${rules.maxDaysAhead} dias à frente`);
  if (start < window.notBefore)
    startsAtProblem(`precisa ser com pelo menos ${formatDuration(rules.minNoticeMinutes)} de antecedência`);
  const ranges = rangesFor(ctx.schedule, day);
  if (ranges.length === 0) startsAtProblem('o estabelecimento não abre neste dia');
  const grid = gridOf(ctx, day, zone);
  const slot = grid.find((s) => s.start === start);
  if (!slot) {
    const hours = ranges.map((r) => `${formatMinute(r.start)}–${formatMinute(r.end)}`).join(', ');
    const fits = grid.some((s) => s.start <= start && start < s.end);
    startsAtProblem(
      fits
        ? `escolha um dos horários da agenda: neste dia eles começam a cada ${formatDuration(stepOf(ctx))}, a partir das ${formatMinute(ranges[0]!.start)}`
        : `fora do horário de atendimento (neste dia: ${hours}; ${service.name} dura ${formatDuration(service.durationMinutes)})`,
    );
  }
  return { slot, dayFrom: grid[0]!.start, dayTo: grid[grid.length - 1]!.end };
}

/** What the insert needs: the booking without its professional, and who may take it, best first. */
export interface CataloguePlan {
  base: Omit<BookingInput, 'professional' | 'professionalId'>;
  candidates: BusyProfessional[];
  rules: BookingRules;
  zone: string;
}

/**
 * Everything a catalogue booking is checked against, from one context query: the service and
 * professional exist and go together, the time is inside the window, past the notice, inside the
 * opening hours and on the grid, and the phone is within its limits. The professionals free then
 * come back as candidates (empty: the slot is taken; the caller answers 409 with alternatives).
 */
export async function planCatalogueBooking(
  sql: Sql,
  tenant: TenantInfo,
  request: CatalogueRequest,
  now: number,
): Promise<CataloguePlan> {
  const zone = safeZone(tenant.timezone);
  const start = request.startsAt.getTime();
  const day = dayOf(start, zone);
  const ctx = await loadDays(
    sql,
    {
      tenantId: tenant.id,
      serviceId: request.serviceId,
      professionalId: request.professionalId,
      phone: request.customerPhone,
    },
    day,
    day,
    zone,
  );
  requireCatalogue(ctx, request.professionalId);
  const service = ctx.service!;
  const { slot, dayFrom, dayTo } = checkTime(ctx, ctx.rules, zone, start, now);
  checkPhone(ctx.phone, ctx.rules, now);
  return {
    base: {
      customerName: request.customerName,
      customerPhone: request.customerPhone,
      notes: request.notes,
      service: service.name,
      serviceId: service.id,
      startsAt: new Date(slot.start),
      endsAt: new Date(slot.end),
    },
    candidates: freeProfessionalsAt(ctx.professionals, slot.start, slot.end, dayFrom, dayTo),
    rules: ctx.rules,
    zone,
  };
}
