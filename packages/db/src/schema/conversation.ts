import { sql } from 'drizzle-orm';
import { check, index, pgTable, primaryKey, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { bookings } from './bookings.ts';
import { evolutionApis } from './evolution-apis.ts';
import { tenants } from './tenants.ts';
import { whatsappInstances } from './whatsapp-instances.ts';

/** What a customer's message asked for (pt-BR phrasings, see admin-api's intent reader). */
export const INBOUND_INTENT = ['confirm', 'cancel', 'reschedule', 'stop', 'resume', 'help', 'unknown'] as const;
export type InboundIntent = (typeof INBOUND_INTENT)[number];

/** What the platform did about it. `inbox`: left for the business to read. */
export const INBOUND_ACTION = [
  'confirmed',
  'cancelled',
  'reschedule-link',
  'opted-out',
  'opted-in',
  'asked-which',
  'help',
  'inbox',
  'none',
] as const;
export type InboundAction = (typeof INBOUND_ACTION)[number];

/** A customer's WhatsApp message to one of a business's numbers (`messages.upsert`, or the backstop poll). */
export const inboundMessages = pgTable(
  'inbound_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id').references(() => tenants.id, { onDelete: 'cascade' }),
    evolutionApiId: uuid('evolution_api_id')
      .notNull()
      .references(() => evolutionApis.id, { onDelete: 'cascade' }),
    whatsappInstanceId: uuid('whatsapp_instance_id').references(() => whatsappInstances.id, { onDelete: 'set null' }),
    /** Evolution's `key.id`: a replayed or polled message is the same row. */
    messageKey: text('message_key').notNull(),
    /** The customer's number as our bookings hold it (E.164 digits; the JID may lack the 9th digit). */
    customerPhone: text('customer_phone'),
    remoteJid: text('remote_jid'),
    pushName: text('push_name'),
    text: text('text').notNull(),
    intent: text('intent', { enum: INBOUND_INTENT }).notNull(),
    action: text('action', { enum: INBOUND_ACTION }).notNull().default('none'),
    bookingId: uuid('booking_id').references(() => bookings.id, { onDelete: 'set null' }),
    /** When the business marked an inbox message as dealt with. */
    handledAt: timestamp('handled_at', { withTimezone: true }),
    /** WhatsApp's timestamp of the message. */
    sentAt: timestamp('sent_at', { withTimezone: true }),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('inbound_messages_key_unique').on(t.evolutionApiId, t.messageKey),
    index('inbound_messages_tenant_received_idx').on(t.tenantId, t.receivedAt),
    index('inbound_messages_phone_idx').on(t.tenantId, t.customerPhone, t.receivedAt),
    // Contact history (number safety): which numbers a customer wrote to, and when.
    index('inbound_messages_contact_idx')
      .on(t.customerPhone, t.whatsappInstanceId, t.receivedAt)
      .where(sql`${t.customerPhone} is not null`),
    // Retention: messages still naming their customer, oldest first.
    index('inbound_messages_retention_idx')
      .on(t.receivedAt)
      .where(sql`${t.customerPhone} is not null or ${t.text} <> ''`),
    index('inbound_messages_inbox_idx')
      .on(t.tenantId, t.receivedAt)
      .where(sql`${t.action} = 'inbox' and ${t.handledAt} is null`),
    check(
      'inbound_messages_intent_valid',
      sql`${t.intent} in (${sql.raw(INBOUND_INTENT.map((i) => `'${i}'`).join(','))})`,
    ),
    check(
      'inbound_messages_action_valid',
      sql`${t.action} in (${sql.raw(INBOUND_ACTION.map((a) => `'${a}'`).join(','))})`,
    ),
  ],
);

/**
 * Opt-out (LGPD): a customer who said "sair" gets no message of that business again until they say
 * "voltar". One row per business and number with its current state; `consent_events` keeps the history.
 */
export const contactPreferences = pgTable(
  'contact_preferences',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    phone: text('phone').notNull(),
    optedOutAt: timestamp('opted_out_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.phone] })],
);

export const CONSENT_EVENT = ['opt-out', 'opt-in'] as const;

/** The audit trail of opt-outs and opt-ins: when, how, which message. */
export const consentEvents = pgTable(
  'consent_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    phone: text('phone').notNull(),
    event: text('event', { enum: CONSENT_EVENT }).notNull(),
    /** `whatsapp` (the customer's message) — the only way, by design: only the customer decides. */
    channel: text('channel').notNull(),
    inboundMessageId: uuid('inbound_message_id').references(() => inboundMessages.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('consent_events_tenant_phone_idx').on(t.tenantId, t.phone, t.createdAt)],
);

export type InboundMessage = typeof inboundMessages.$inferSelect;
