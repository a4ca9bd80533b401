import { BOOKING_SETTINGS_DEFAULTS, type Sql } from '@bora/db';
import type { BusyProfessional, MinuteRange, Schedule } from './compute.ts';

export interface BookingRules {
  slotStepMinutes: number | null;
  minNoticeMinutes: number;
  maxDaysAhead: number;
  maxFutureBookingsPerPhone: number;
  maxBookingsPerPhonePerHour: number;
  maxBookingsPerMinute: number;
}

export interface CatalogueService {
  id: string;
  name: string;
  durationMinutes: number;
  active: boolean;
}

export interface PhoneHistory {
  /** Confirmed bookings of this phone with this tenant that have not started yet. */
  future: number;
  /** Bookings (any status) this phone made with this tenant in the last hour, and the oldest one. */
  lastHour: number;
  oldestInHourMs: number | null;
}

/** Everything slots or a booking need to know about one service over a few days, read at once. */
export interface SlotContext {
  /** The tenant has any service at all (else it is a legacy tenant, with free-text bookings). */
  hasCatalogue: boolean;
  service: CatalogueService | undefined;
  /** The professional asked for, when one was, and whether they can take this service. */
  requested: { id: string; name: string; active: boolean; doesService: boolean } | undefined;
  /** Active professionals doing the service (only the requested one, when one was asked for). */
  professionals: BusyProfessional[];
  rules: BookingRules;
  schedule: Schedule;
  phone: PhoneHistory | undefined;
}

export interface SlotQuery {
  tenantId: string;
  serviceId: string;
  professionalId?: string;
  /** Calendar days (YYYY-MM-DD) whose exceptions are read, and the instants whose bookings are. */
  fromDate: string;
  toDate: string;
  fromMs: number;
  toMs: number;
  /** E.164 digits: also count this customer's bookings with the tenant (booking path only). */
  phone?: string;
}

interface Row {
  hasCatalogue: boolean;
  service: CatalogueService | null;
  requested: { id: string; name: string; active: boolean; doesService: boolean } | null;
  professionals: { id: string; name: string }[];
  rules: BookingRules | null;
  weekly: [number, number, number][];
  exceptions: [string, MinuteRange[]][];
  busy: [string, number, number][];
  phone: [number, number, number | null] | null;
}

/** Longest booking there can be (a legacy one): bounds how far back an overlapping start may lie. */
const LONGEST_BOOKING_HOURS = 12;

/**
 * One round trip. A professional is busy during any confirmed booking that names them by id or by
 * name: exactly what the two exclusion constraints compare, so a slot shown free is one the insert
 * would accept (a legacy booking made under their name before the catalogue blocks them too).
 */
export async function loadSlotContext(sql: Sql, q: SlotQuery): Promise<SlotContext> {
  const professionalId = q.professionalId ?? null;
  const fromIso = new Date(q.fromMs).toISOString();
  const toIso = new Date(q.toMs).toISOString();
  const [row] = await sql<Row[]>`
    with p as (
      select pr.id, pr.name from professionals pr
      join professional_services ps on ps.professional_id = pr.id and ps.service_id = ${q.serviceId}::uuid
      where pr.tenant_id = ${q.tenantId}::uuid and pr.active
        and (${professionalId}::uuid is null or pr.id = ${professionalId}::uuid)
    )
    select
      exists(select 1 from services c where c.tenant_id = ${q.tenantId}::uuid) as "hasCatalogue",
      (select json_build_object('id', s.id, 'name', s.name, 'durationMinutes', s.duration_minutes, 'active', s.active)
         from services s where s.id = ${q.serviceId}::uuid and s.tenant_id = ${q.tenantId}::uuid) as service,
      (select json_build_object('id', r.id, 'name', r.name, 'active', r.active, 'doesService',
              exists(select 1 from professional_services x where x.professional_id = r.id and x.service_id = ${q.serviceId}::uuid))
         from professionals r where r.id = ${professionalId}::uuid and r.tenant_id = ${q.tenantId}::uuid) as requested,
      coalesce((select json_agg(json_build_object('id', p.id, 'name', p.name) order by p.name, p.id) from p), '[]') as professionals,
      (select json_build_object('slotStepMinutes', slot_step_minutes, 'minNoticeMinutes', min_notice_minutes, 'maxDaysAhead', max_days_ahead,
              'maxFutureBookingsPerPhone', max_future_bookings_per_phone, 'maxBookingsPerPhonePerHour', max_bookings_per_phone_per_hour,
              'maxBookingsPerMinute', max_bookings_per_minute)
         from booking_settings where tenant_id = ${q.tenantId}::uuid) as rules,
      coalesce((select json_agg(json_build_array(weekday, start_minute, end_minute)) from opening_hours where tenant_id = ${q.tenantId}::uuid), '[]') as weekly,
      coalesce((select json_agg(json_build_array(to_char(date, 'YYYY-MM-DD'), ranges)) from opening_exceptions
                 where tenant_id = ${q.tenantId}::uuid and date between ${q.fromDate}::date and ${q.toDate}::date), '[]') as exceptions,
      coalesce((select json_agg(json_build_array(p.id, floor(extract(epoch from b.starts_at) * 1000), floor(extract(epoch from b.ends_at) * 1000))
                        order by b.starts_at)
                 from bookings b join p on b.professional_id = p.id or b.professional = p.name
                 where b.tenant_id = ${q.tenantId}::uuid and b.status = 'confirmed'
                   and b.starts_at < ${toIso}::timestamptz and b.ends_at > ${fromIso}::timestamptz
                   and b.starts_at > ${fromIso}::timestamptz - make_interval(hours => ${LONGEST_BOOKING_HOURS})), '[]') as busy,
      (select json_build_array(
                count(*) filter (where status = 'confirmed' and starts_at > now()),
                count(*) filter (where created_at > now() - interval '1 hour'),
                floor(extract(epoch from min(created_at) filter (where created_at > now() - interval '1 hour')) * 1000))
         from bookings where ${q.phone ?? null}::text is not null and tenant_id = ${q.tenantId}::uuid and customer_phone = ${q.phone ?? null}::text) as phone`;
  if (!row) throw new Error('slot context query returned no row');

  const byProfessional = new Map<string, [number, number][]>();
  for (const [id, start, end] of row.busy) {
    let list = byProfessional.get(id);
    if (!list) byProfessional.set(id, (list = []));
    list.push([Number(start), Number(end)]);
  }
  const weekly = new Map<number, MinuteRange[]>();
  for (const [weekday, start, end] of row.weekly) {
    let list = weekly.get(weekday);
    if (!list) weekly.set(weekday, (list = []));
    list.push({ start, end });
  }
  for (const list of weekly.values()) list.sort((a, b) => a.start - b.start);
  const exceptions = new Map<number, MinuteRange[]>();
  for (const [date, ranges] of row.exceptions) exceptions.set(Date.parse(`${date}T00:00:00Z`) / 86_400_000, ranges);

  return {
    hasCatalogue: row.hasCatalogue,
    service: row.service ?? undefined,
    requested: row.requested ?? undefined,
    professionals: row.professionals.map((p) => ({ ...p, busy: byProfessional.get(p.id) ?? [] })),
    rules: row.rules ?? { ...BOOKING_SETTINGS_DEFAULTS },
    schedule: { weekly, exceptions },
    phone:
      q.phone && row.phone
        ? {
            future: Number(row.phone[0]),
            lastHour: Number(row.phone[1]),
            oldestInHourMs: row.phone[2] === null ? null : Number(row.phone[2]),
          }
        : undefined,
  };
}
