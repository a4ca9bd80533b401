import { BOOKING_SETTINGS_DEFAULTS } from '@bora/db';
import type { TestEnv } from '@bora/testing';

export interface CatalogueSpec {
  services?: { name: string; durationMinutes: number; priceCents?: number | null; active?: boolean }[];
  /** Each professional with the names of the services they do. */
  professionals?: { name: string; services: string[]; active?: boolean }[];
  /** ISO weekday (1 = Monday) → ["09:00", "18:00"] ranges. */
  weekly?: Record<number, [string, string][]>;
  /** YYYY-MM-DD → ranges (empty = closed). */
  exceptions?: Record<string, [string, string][]>;
  settings?: Partial<{
    slotStepMinutes: number | null;
    minNoticeMinutes: number;
    maxDaysAhead: number;
    maxFutureBookingsPerPhone: number;
    maxBookingsPerPhonePerHour: number;
    maxBookingsPerMinute: number;
  }>;
}

export interface SeededCatalogue {
  services: Record<string, string>;
  professionals: Record<string, string>;
}

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Writes a tenant's catalogue straight into its tables (admin-api has its own tests). */
export async function seedCatalogue(env: TestEnv, tenantId: string, spec: CatalogueSpec): Promise<SeededCatalogue> {
  const sql = env.db.sql;
  const services: Record<string, string> = {};
  for (const s of spec.services ?? []) {
    const [row] = await sql<{ id: string }[]>`
      insert into services (tenant_id, name, duration_minutes, price_cents, active)
      values (${tenantId}, ${s.name}, ${s.durationMinutes}, ${s.priceCents ?? null}, ${s.active ?? true}) returning id`;
    services[s.name] = row!.id;
  }
  const professionals: Record<string, string> = {};
  for (const p of spec.professionals ?? []) {
    const [row] = await sql<{ id: string }[]>`
      insert into professionals (tenant_id, name, active) values (${tenantId}, ${p.name}, ${p.active ?? true}) returning id`;
    professionals[p.name] = row!.id;
    for (const name of p.services)
      await sql`insert into professional_services (professional_id, service_id) values (${row!.id}, ${services[name]!})`;
  }
  for (const [weekday, ranges] of Object.entries(spec.weekly ?? {})) {
    for (const [start, end] of ranges) {
      await sql`insert into opening_hours (tenant_id, weekday, start_minute, end_minute) values (${tenantId}, ${Number(weekday)}, ${minutes(start)}, ${minutes(end)})`;
    }
  }
  for (const [date, ranges] of Object.entries(spec.exceptions ?? {})) {
    const json = JSON.stringify(ranges.map(([start, end]) => ({ start: minutes(start), end: minutes(end) })));
    await sql`insert into opening_exceptions (tenant_id, date, ranges) values (${tenantId}, ${date}, ${json}::jsonb)`;
  }
  if (spec.settings) {
    const s = { ...BOOKING_SETTINGS_DEFAULTS, ...spec.settings };
    await sql`
      insert into booking_settings (tenant_id, slot_step_minutes, min_notice_minutes, max_days_ahead,
                                    max_future_bookings_per_phone, max_bookings_per_phone_per_hour, max_bookings_per_minute)
      values (${tenantId}, ${s.slotStepMinutes}, ${s.minNoticeMinutes}, ${s.maxDaysAhead},
              ${s.maxFutureBookingsPerPhone}, ${s.maxBookingsPerPhonePerHour}, ${s.maxBookingsPerMinute})`;
  }
  return { services, professionals };
}

/** The next date (YYYY-MM-DD, São Paulo) with this ISO weekday at least `minDays` from today. */
export function nextWeekday(isoWeekday: number, minDays = 2): string {
  const today = new Date(Date.now() - 3 * 3_600_000);
  for (let d = minDays; ; d++) {
    const day = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + d));
    if (((day.getUTCDay() + 6) % 7) + 1 === isoWeekday) return day.toISOString().slice(0, 10);
  }
}

/** A mobile number per index, as customers type it. */
export const phone = (i: number) => `(11) 9${String(60_000_000 + i).padStart(8, '0')}`;
