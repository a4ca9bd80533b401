import { sql } from 'drizzle-orm';
import { check, index, pgTable, primaryKey, integer, jsonb, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { tenants } from './tenants.ts';

export const BOOKING_STATUS = ['confirmed', 'cancelled'] as const;
export type BookingStatus = (typeof BOOKING_STATUS)[number];

/**
 * No two confirmed bookings of one tenant+professional overlap: the exclusion constraint
 * `bookings_no_overlap` (btree_gist + tstzrange) lives in a custom migration, since drizzle
 * cannot express it. `professional` is '' when the business does not name one, so the
 * constraint still applies (NULLs would never compare equal).
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
    // Retention: bookings still naming their customer, by appointment (anonymised ones leave it).
    index('bookings_identified_starts_idx').on(t.startsAt).where(sql`${t.customerPhone} <> '00000000'`),
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
