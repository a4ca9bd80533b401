import { sql } from 'drizzle-orm';
import { bigserial, check, index, integer, pgTable, text, timestamp, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { bookings } from './bookings.ts';
import { evolutionApis } from './evolution-apis.ts';
import { tenants } from './tenants.ts';
import { whatsappInstances } from './whatsapp-instances.ts';

export const NOTIFICATION_KIND = ['confirmation', 'reminder', 'cancellation', 'manual'] as const;
export type NotificationKind = (typeof NOTIFICATION_KIND)[number];

export const NOTIFICATION_STATUS = [
  'pending',
  'queued',
  'sending',
  'sent',
  'delivered',
  'read',
  'failed',
  'cancelled',
] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUS)[number];

/** The ledger and the outbox: one WhatsApp message owed. Source of truth; Redis holds pointers. */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    bookingId: uuid('booking_id').references(() => bookings.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: NOTIFICATION_KIND }).notNull(),
    recipient: text('recipient').notNull(),
    /** Set at creation for manual messages; rendered from the tenant template when claimed otherwise. */
    text: text('text'),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull().defaultNow(),
    status: text('status', { enum: NOTIFICATION_STATUS }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    /** The seed's `evolution_api=evo1`: the caller forced this server. */
    forcedEvolutionApiId: uuid('forced_evolution_api_id').references(() => evolutionApis.id, { onDelete: 'set null' }),
    evolutionApiId: uuid('evolution_api_id').references(() => evolutionApis.id, { onDelete: 'set null' }),
    whatsappInstanceId: uuid('whatsapp_instance_id').references(() => whatsappInstances.id, { onDelete: 'set null' }),
    messageId: text('message_id'),
    remoteJid: text('remote_jid'),
    lastErrorCode: text('last_error_code'),
    lastErrorMessage: text('last_error_message'),
    /** While `sending`, the claim is valid until then; the sweeper recovers expired leases. */
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    readAt: timestamp('read_at', { withTimezone: true }),
    failedAt: timestamp('failed_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('notifications_booking_kind_unique').on(t.bookingId, t.kind),
    check('notifications_kind_valid', sql`${t.kind} in ('confirmation','reminder','cancellation','manual')`),
    check(
      'notifications_status_valid',
      sql`${t.status} in ('pending','queued','sending','sent','delivered','read','failed','cancelled')`,
    ),
    check('notifications_booking_required', sql`(${t.kind} = 'manual') = (${t.bookingId} is null)`),
    index('notifications_due_idx').on(t.dueAt, t.id).where(sql`${t.status} in ('pending','queued')`),
    index('notifications_sending_lease_idx').on(t.leaseUntil).where(sql`${t.status} = 'sending'`),
    uniqueIndex('notifications_message_id_idx').on(t.messageId).where(sql`${t.messageId} is not null`),
    index('notifications_status_created_idx').on(t.status, t.createdAt),
    index('notifications_tenant_created_idx').on(t.tenantId, t.createdAt),
  ],
);

/** One row per HTTP send: the audit trail the admin and the dashboard show. */
export const deliveryAttempts = pgTable(
  'delivery_attempts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    notificationId: uuid('notification_id')
      .notNull()
      .references(() => notifications.id, { onDelete: 'cascade' }),
    attempt: integer('attempt').notNull(),
    evolutionApiId: uuid('evolution_api_id').references(() => evolutionApis.id, { onDelete: 'set null' }),
    whatsappInstanceId: uuid('whatsapp_instance_id').references(() => whatsappInstances.id, { onDelete: 'set null' }),
    outcome: text('outcome', { enum: ['sent', 'failed'] }).notNull(),
    errorCode: text('error_code'),
    errorScope: text('error_scope'),
    errorMessage: text('error_message'),
    httpStatus: integer('http_status'),
    latencyMs: integer('latency_ms').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('delivery_attempts_notification_idx').on(t.notificationId, t.id)],
);

export type Notification = typeof notifications.$inferSelect;
export type NewNotification = typeof notifications.$inferInsert;
export type DeliveryAttempt = typeof deliveryAttempts.$inferSelect;
