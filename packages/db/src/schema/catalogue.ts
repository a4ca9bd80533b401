import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import { tenants } from './tenants.ts';

/**
 * A tenant's catalogue: what it sells, who does it, and when customers may book. A tenant with no
 * service at all keeps the legacy free-text booking fields; one service makes bookings name
 * catalogue entries. Wall-clock times (opening hours) are minutes after midnight in the tenant's
 * zone, so "09:00" stays 09:00 across a DST change; instants are computed when slots are.
 */
export const services = pgTable(
  'services',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    durationMinutes: integer('duration_minutes').notNull(),
    /** In centavos; null = no price shown. */
    priceCents: integer('price_cents'),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('services_tenant_name_unique').on(t.tenantId, t.name),
    check('services_duration_range', sql`${t.durationMinutes} between 5 and 720`),
    check('services_price_nonnegative', sql`${t.priceCents} is null or ${t.priceCents} >= 0`),
  ],
);

/**
 * Names are unique per tenant: a booking keeps its professional's name (messages render it), and
 * `bookings_no_overlap` compares that name, so two professionals sharing one would block each other.
 */
export const professionals = pgTable(
  'professionals',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('professionals_tenant_name_unique').on(t.tenantId, t.name)],
);

/** Which services each professional does. */
export const professionalServices = pgTable(
  'professional_services',
  {
    professionalId: uuid('professional_id')
      .notNull()
      .references(() => professionals.id, { onDelete: 'cascade' }),
    serviceId: uuid('service_id')
      .notNull()
      .references(() => services.id, { onDelete: 'cascade' }),
  },
  (t) => [
    primaryKey({ columns: [t.professionalId, t.serviceId] }),
    index('professional_services_service_idx').on(t.serviceId),
  ],
);

/** The weekly schedule: per ISO weekday (1 = Monday … 7 = Sunday) one or more [start, end) ranges. */
export const openingHours = pgTable(
  'opening_hours',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    weekday: smallint('weekday').notNull(),
    startMinute: smallint('start_minute').notNull(),
    /** Up to 1440 (midnight at the end of the day). */
    endMinute: smallint('end_minute').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.weekday, t.startMinute] }),
    check('opening_hours_weekday_range', sql`${t.weekday} between 1 and 7`),
    check(
      'opening_hours_minutes_range',
      sql`${t.startMinute} >= 0 and ${t.endMinute} <= 1440 and ${t.endMinute} > ${t.startMinute}`,
    ),
  ],
);

/**
 * A dated exception replaces the weekly schedule for that day: `ranges` empty = closed (a holiday),
 * otherwise special hours, as `[{"start": minutes, "end": minutes}]` (checked by admin-api).
 */
export const openingExceptions = pgTable(
  'opening_exceptions',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    date: date('date', { mode: 'string' }).notNull(),
    ranges: jsonb('ranges').$type<{ start: number; end: number }[]>().notNull().default([]),
    note: text('note'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.date] }),
    check('opening_exceptions_ranges_array', sql`jsonb_typeof(${t.ranges}) = 'array'`),
  ],
);

/** Booking rules per tenant; a tenant without a row gets these defaults. */
export const BOOKING_SETTINGS_DEFAULTS = {
  slotStepMinutes: null,
  minNoticeMinutes: 60,
  maxDaysAhead: 60,
  maxFutureBookingsPerPhone: 3,
  maxBookingsPerPhonePerHour: 5,
  maxBookingsPerMinute: 60,
} as const;

export const bookingSettings = pgTable(
  'booking_settings',
  {
    tenantId: uuid('tenant_id')
      .primaryKey()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    /** Minutes between slot starts; null = the service's own duration. */
    slotStepMinutes: integer('slot_step_minutes'),
    minNoticeMinutes: integer('min_notice_minutes').notNull().default(BOOKING_SETTINGS_DEFAULTS.minNoticeMinutes),
    maxDaysAhead: integer('max_days_ahead').notNull().default(BOOKING_SETTINGS_DEFAULTS.maxDaysAhead),
    maxFutureBookingsPerPhone: integer('max_future_bookings_per_phone')
      .notNull()
      .default(BOOKING_SETTINGS_DEFAULTS.maxFutureBookingsPerPhone),
    maxBookingsPerPhonePerHour: integer('max_bookings_per_phone_per_hour')
      .notNull()
      .default(BOOKING_SETTINGS_DEFAULTS.maxBookingsPerPhonePerHour),
    maxBookingsPerMinute: integer('max_bookings_per_minute')
      .notNull()
      .default(BOOKING_SETTINGS_DEFAULTS.maxBookingsPerMinute),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('booking_settings_step_range', sql`${t.slotStepMinutes} is null or ${t.slotStepMinutes} between 5 and 720`),
    check('booking_settings_notice_range', sql`${t.minNoticeMinutes} between 0 and 43200`),
    check('booking_settings_days_range', sql`${t.maxDaysAhead} between 1 and 366`),
    check(
      'booking_settings_limits_positive',
      sql`${t.maxFutureBookingsPerPhone} > 0 and ${t.maxBookingsPerPhonePerHour} > 0 and ${t.maxBookingsPerMinute} > 0`,
    ),
  ],
);

export type Service = typeof services.$inferSelect;
export type NewService = typeof services.$inferInsert;
export type Professional = typeof professionals.$inferSelect;
export type OpeningHour = typeof openingHours.$inferSelect;
export type OpeningException = typeof openingExceptions.$inferSelect;
export type BookingSettings = typeof bookingSettings.$inferSelect;
