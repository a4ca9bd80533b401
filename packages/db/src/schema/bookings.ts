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
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('bookings_status_valid', sql`${t.status} in ('confirmed','cancelled')`),
    check('bookings_ends_after_starts', sql`${t.endsAt} > ${t.startsAt}`),
    check('bookings_phone_digits', sql`${t.customerPhone} ~ '^[0-9]{8,15}$'`),
    index('bookings_tenant_starts_idx').on(t.tenantId, t.startsAt),
    // The per-phone booking limits count a customer's bookings with one tenant.
    index('bookings_tenant_phone_idx').on(t.tenantId, t.customerPhone),
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
