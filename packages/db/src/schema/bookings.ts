import { sql } from 'drizzle-orm';
import { check, index, pgTable, primaryKey, integer, jsonb, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { professionals, services } from './catalogue.ts';
import { tenants } from './tenants.ts';

export const BOOKING_STATUS = ['confirmed', 'cancelled'] as const;
export type BookingStatus = (typeof BOOKING_STATUS)[number];

/**
 * No two confirmed bookings of one tenant+professional overlap: the exclusion constraint
 * `bookings_no_overlap` (btree_gist + tstzrange) lives in a custom migration, since drizzle
 * cannot express it. `professional` is '' when the business does not name one, so the
 * constraint still applies (NULLs would never compare equal).
 *
 * A booking made from the catalogue also names its `serviceId` and `professionalId` (and keeps
 * their names, which messages render); `bookings_no_overlap_professional` (custom migration too)
 * keeps one professional's confirmed bookings apart by id, so renaming a professional cannot
 * open a double booking. Legacy bookings (tenants without a catalogue) leave both ids null.
 */
export const bookings = pgTable(
  'bookings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    customerName: text('customer_name').notNull(),
    customerPhone: text('customer_phone').notNull(),
    service: text('service').notNull(),
    professional: text('professional').notNull().default(''),
    notes: text('notes'),
    serviceId: uuid('service_id').references(() => services.id),
    professionalId: uuid('professional_id').references(() => professionals.id),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    status: text('status', { enum: BOOKING_STATUS }).notNull().default('confirmed'),
    cancelReason: text('cancel_reason'),
    /**
     * Short code the customer types (or the wa.me link carries) to name this booking in WhatsApp:
     * the id's first 8 hex digits, derived by Postgres (so no writer can forget it). Not unique on
     * its own; with the customer's number it names one booking.
     */
    code: text('code').generatedAlwaysAs(sql`upper(substr(replace(id::text, '-', ''), 1, 8))`),
    /** The customer said they will come (a WhatsApp reply, the wa.me message, the manage page). */
    attendanceConfirmedAt: timestamp('attendance_confirmed_at', { withTimezone: true }),
    attendanceConfirmedVia: text('attendance_confirmed_via'),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('bookings_status_valid', sql`${t.status} in ('confirmed','cancelled')`),
    check('bookings_ends_after_starts', sql`${t.endsAt} > ${t.startsAt}`),
    check('bookings_phone_digits', sql`${t.customerPhone} ~ '^[0-9]{8,15}$'`),
    index('bookings_tenant_starts_idx').on(t.tenantId, t.startsAt),
    index('bookings_tenant_code_idx').on(t.tenantId, t.code),
    // A customer's bookings with one business: the WhatsApp conversation and the per-phone booking limits.
    index('bookings_tenant_phone_starts_idx').on(t.tenantId, t.customerPhone, t.startsAt),
    // Retention: bookings still naming their customer, by appointment (anonymised ones leave it).
    index('bookings_identified_starts_idx')
      .on(t.startsAt)
      .where(sql`${t.customerPhone} <> '00000000'`),
  ],
);

/** Replays of `POST /bookings` with one Idempotency-Key answer the first response. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    responseStatus: integer('response_status').notNull(),
    responseBody: jsonb('response_body').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.key] }), index('idempotency_keys_expires_idx').on(t.expiresAt)],
);

export type Booking = typeof bookings.$inferSelect;
export type NewBooking = typeof bookings.$inferInsert;
