import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { bookings } from './bookings.ts';
import { evolutionApis } from './evolution-apis.ts';
import { tenants } from './tenants.ts';
import { whatsappInstances } from './whatsapp-instances.ts';

/**
 * `reply`: our answer to a customer's WhatsApp message, from the number they wrote to.
 * `owner_alert`: the platform telling a business owner (on their personal phone, from a shared
 * sender) that a number must be re-linked. Like `manual` it has no booking; unlike it, it never
 * goes out through the business's own numbers.
 */
export const NOTIFICATION_KIND = [
  'confirmation',
  'reminder',
  'cancellation',
  'manual',
  'reply',
  'owner_alert',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KIND)[number];
/** Kinds without a booking (their horizon is MESSAGE_HORIZON_MS, not an appointment). */
export const BOOKINGLESS_KINDS = ['manual', 'owner_alert'] as const satisfies readonly NotificationKind[];
const quoted = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(','));

export const NOTIFICATION_STATUS = [
  'pending',
  'queued',
  'sending',
  'unconfirmed',
  'sent',
  'delivered',
  'read',
  'failed',
  'cancelled',
  'expired',
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
    /** Which reminder of the booking (0, 1, …); 0 for every other kind. */
    seq: integer('seq').notNull().default(0),
    recipient: text('recipient').notNull(),
    /** Set at creation for manual messages; rendered from the tenant template when claimed otherwise. */
    text: text('text'),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull().defaultNow(),
    status: text('status', { enum: NOTIFICATION_STATUS }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    /** The seed's `evolution_api=evo1`: the caller forced this server. */
    forcedEvolutionApiId: uuid('forced_evolution_api_id').references(() => evolutionApis.id, { onDelete: 'set null' }),
    /** A reply goes from the number the customer wrote to, and from no other. */
    forcedInstanceId: uuid('forced_instance_id').references(() => whatsappInstances.id, { onDelete: 'set null' }),
    evolutionApiId: uuid('evolution_api_id').references(() => evolutionApis.id, { onDelete: 'set null' }),
    whatsappInstanceId: uuid('whatsapp_instance_id').references(() => whatsappInstances.id, { onDelete: 'set null' }),
    messageId: text('message_id'),
    remoteJid: text('remote_jid'),
    lastErrorCode: text('last_error_code'),
    lastErrorMessage: text('last_error_message'),
    /** Whose fault the last error was (`recipient`, `request`, `instance`, `server`, `auth`, `sender`, `internal`). */
    lastErrorScope: text('last_error_scope'),
    /** While `sending`, the claim is valid until then; the sweeper recovers expired leases. */
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    readAt: timestamp('read_at', { withTimezone: true }),
    failedAt: timestamp('failed_at', { withTimezone: true }),
    expiredAt: timestamp('expired_at', { withTimezone: true }),
    /** When a send's outcome became unknown (status `unconfirmed`). */
    unconfirmedAt: timestamp('unconfirmed_at', { withTimezone: true }),
    /** While `unconfirmed`: when the next reconciliation look is due; null = nothing more to look at. */
    reconcileAt: timestamp('reconcile_at', { withTimezone: true }),
    /** Sends made again after an unknown outcome (each one a possible duplicate if the first got through). */
    resends: integer('resends').notNull().default(0),
    /** Times a row dead-lettered for lack of a sender was put back in line when one came back. */
    revivals: integer('revivals').notNull().default(0),
    /** Why a recorded outcome is incomplete (a field the ledger could not store), for operators. */
    recordNote: text('record_note'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('notifications_booking_kind_seq_unique').on(t.bookingId, t.kind, t.seq),
    check('notifications_kind_valid', sql`${t.kind} in (${quoted(NOTIFICATION_KIND)})`),
    check('notifications_status_valid', sql`${t.status} in (${quoted(NOTIFICATION_STATUS)})`),
    // A booking's messages name it; manual messages and owner alerts never do; a reply may.
    check(
      'notifications_booking_required',
      sql`case when ${t.kind} in (${quoted(BOOKINGLESS_KINDS)}) then ${t.bookingId} is null when ${t.kind} = 'reply' then true else ${t.bookingId} is not null end`,
    ),
    index('notifications_due_idx')
      .on(t.dueAt, t.id)
      .where(sql`${t.status} in ('pending','queued')`),
    index('notifications_sending_lease_idx')
      .on(t.leaseUntil)
      .where(sql`${t.status} = 'sending'`),
    index('notifications_reconcile_idx')
      .on(t.reconcileAt)
      .where(sql`${t.status} = 'unconfirmed'`),
    index('notifications_failed_idx')
      .on(t.tenantId, t.failedAt)
      .where(sql`${t.status} = 'failed'`),
    uniqueIndex('notifications_message_id_idx')
      .on(t.messageId)
      .where(sql`${t.messageId} is not null`),
    index('notifications_status_created_idx').on(t.status, t.createdAt),
    index('notifications_tenant_created_idx').on(t.tenantId, t.createdAt),
    // Retention (the dispatcher's maintenance): rows still holding text, or the customer's number.
    index('notifications_text_retention_idx')
      .on(t.createdAt)
      .where(sql`${t.text} is not null or ${t.lastErrorMessage} is not null`),
    index('notifications_recipient_retention_idx')
      .on(t.createdAt)
      .where(sql`${t.recipient} <> ''`),
    // Number safety: receipts per number over recent sends (health), and who talked with a customer.
    index('notifications_sent_at_idx')
      .on(t.sentAt)
      .where(sql`${t.sentAt} is not null`),
    index('notifications_recipient_sent_idx')
      .on(t.recipient, t.whatsappInstanceId, t.sentAt)
      .where(sql`${t.sentAt} is not null`),
  ],
);

/**
 * One row per HTTP send: the audit trail the admin and the dashboard show. Partitioned by month
 * of `created_at` (native range partitioning, declared in the custom migration
 * `0009_partition_delivery_attempts`, since drizzle cannot): the primary key includes the
 * partition key, and old months are dropped whole by the dispatcher's maintenance
 * (RETENTION_ATTEMPT_DAYS). Nothing references this table.
 */
export const deliveryAttempts = pgTable(
  'delivery_attempts',
  {
    id: bigserial('id', { mode: 'number' }).notNull(),
    notificationId: uuid('notification_id')
      .notNull()
      .references(() => notifications.id, { onDelete: 'cascade' }),
    attempt: integer('attempt').notNull(),
    evolutionApiId: uuid('evolution_api_id').references(() => evolutionApis.id, { onDelete: 'set null' }),
    whatsappInstanceId: uuid('whatsapp_instance_id').references(() => whatsappInstances.id, { onDelete: 'set null' }),
    /** `unknown`: the request was written and no readable answer came (timeout, reset, garbage 2xx). */
    outcome: text('outcome', { enum: ['sent', 'failed', 'unknown'] }).notNull(),
    errorCode: text('error_code'),
    errorScope: text('error_scope'),
    errorMessage: text('error_message'),
    httpStatus: integer('http_status'),
    latencyMs: integer('latency_ms').notNull(),
    /** A send made again after an unknown outcome that could not be reconciled: the customer may get it twice. */
    possibleDuplicate: boolean('possible_duplicate').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.id, t.createdAt] }),
    index('delivery_attempts_notification_idx').on(t.notificationId, t.id),
  ],
);

export type Notification = typeof notifications.$inferSelect;
export type NewNotification = typeof notifications.$inferInsert;
export type DeliveryAttempt = typeof deliveryAttempts.$inferSelect;
