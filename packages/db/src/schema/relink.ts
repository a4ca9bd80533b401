import { sql } from 'drizzle-orm';
import { check, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { notifications } from './notifications.ts';
import { whatsappInstances } from './whatsapp-instances.ts';

export const RELINK_REASON = ['disconnected', 'logged-out', 'qr-expired'] as const;
export type RelinkReason = (typeof RELINK_REASON)[number];

/**
 * A business's number that must be linked again (it disconnected, was logged out, or its QR
 * expired). The owner is told once per case (`alert_notification_id`) and re-links alone on a
 * signed page that shows the live QR and pairing code kept here (each `qrcode.updated`).
 * At most one open case per number; the next `open` connection closes it.
 */
export const relinkRequests = pgTable(
  'relink_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    whatsappInstanceId: uuid('whatsapp_instance_id')
      .notNull()
      .references(() => whatsappInstances.id, { onDelete: 'cascade' }),
    reason: text('reason', { enum: RELINK_REASON }).notNull(),
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull().defaultNow(),
    alertedAt: timestamp('alerted_at', { withTimezone: true }),
    alertNotificationId: uuid('alert_notification_id').references(() => notifications.id, { onDelete: 'set null' }),
    /** The QR currently shown by the server (a data: URL), its raw code and the pairing code. */
    qrBase64: text('qr_base64'),
    qrCode: text('qr_code'),
    pairingCode: text('pairing_code'),
    qrUpdatedAt: timestamp('qr_updated_at', { withTimezone: true }),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
  },
  (t) => [
    check('relink_requests_reason_valid', sql`${t.reason} in ('disconnected','logged-out','qr-expired')`),
    uniqueIndex('relink_requests_one_open_per_instance')
      .on(t.whatsappInstanceId)
      .where(sql`${t.resolvedAt} is null`),
  ],
);

export type RelinkRequest = typeof relinkRequests.$inferSelect;
