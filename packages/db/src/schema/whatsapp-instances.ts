import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { evolutionApis } from './evolution-apis.ts';
import { tenants } from './tenants.ts';

export const INSTANCE_STATUS = ['connected', 'connecting', 'disconnected'] as const;
export type InstanceStatus = (typeof INSTANCE_STATUS)[number];

export const whatsappInstances = pgTable(
  'whatsapp_instances',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    evolutionApiId: uuid('evolution_api_id')
      .notNull()
      .references(() => evolutionApis.id, { onDelete: 'restrict' }),
    /** null = a shared platform sender any tenant that allows it may use. */
    tenantId: uuid('tenant_id').references(() => tenants.id, { onDelete: 'set null' }),
    instanceName: text('instance_name').notNull().unique('whatsapp_instances_name_unique'),
    phoneNumber: text('phone_number').notNull().unique('whatsapp_instances_phone_unique'),
    displayName: text('display_name').notNull(),
    status: text('status', { enum: INSTANCE_STATUS }).notNull().default('disconnected'),
    isPrimary: boolean('is_primary').notNull().default(false),
    statusChangedAt: timestamp('status_changed_at', { withTimezone: true }).notNull().defaultNow(),
    /** When Evolution last posted a customer's message for this number (a quiet one is polled). */
    lastInboundAt: timestamp('last_inbound_at', { withTimezone: true }),
    /** Up to when the backstop poll has read this number's messages. */
    inboundPolledAt: timestamp('inbound_polled_at', { withTimezone: true }),
    // Number safety (the dispatcher's send budgets and warm-up; see README "Number safety").
    /** Day 1 of the number's warm-up; restarted by its first send after WARMUP_IDLE_HOURS without any. */
    warmSince: timestamp('warm_since', { withTimezone: true }).notNull().defaultNow(),
    /** The dispatcher's last noted send (kept to the hour): an idle number warms up again. */
    lastSentAt: timestamp('last_sent_at', { withTimezone: true }),
    /** An operator said the number is already warm: no warm-up cap, until it idles again. */
    markedWarmAt: timestamp('marked_warm_at', { withTimezone: true }),
    /** Per-number send budgets; null = the dispatcher's defaults (BUDGET_*). */
    budgetPerMinute: integer('budget_per_minute'),
    budgetPerHour: integer('budget_per_hour'),
    budgetPerDay: integer('budget_per_day'),
    budgetNewContactsPerDay: integer('budget_new_contacts_per_day'),
    /** WhatsApp's reach-out lock (a first-contact send refused, error 463): first contacts wait until then. */
    reachoutLockedUntil: timestamp('reachout_locked_until', { withTimezone: true }),
    reachoutLockedAt: timestamp('reachout_locked_at', { withTimezone: true }),
    /** Locks in a row (each within a week of the last): the back-off doubles with each. */
    reachoutLocks: integer('reachout_locks').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('whatsapp_instances_status_valid', sql`${t.status} in ('connected','connecting','disconnected')`),
    check('whatsapp_instances_phone_digits', sql`${t.phoneNumber} ~ '^[0-9]{8,15}$'`),
    check(
      'whatsapp_instances_budgets_positive',
      sql`coalesce(${t.budgetPerMinute}, 1) > 0 and coalesce(${t.budgetPerHour}, 1) > 0 and coalesce(${t.budgetPerDay}, 1) > 0 and coalesce(${t.budgetNewContactsPerDay}, 1) > 0`,
    ),
    uniqueIndex('whatsapp_instances_one_primary_per_tenant')
      .on(t.tenantId)
      .where(sql`${t.isPrimary} and ${t.tenantId} is not null`),
    uniqueIndex('whatsapp_instances_one_shared_primary')
      .on(t.isPrimary)
      .where(sql`${t.isPrimary} and ${t.tenantId} is null`),
    index('whatsapp_instances_server_status_idx').on(t.evolutionApiId, t.status),
    index('whatsapp_instances_tenant_idx').on(t.tenantId),
  ],
);

export type WhatsappInstance = typeof whatsappInstances.$inferSelect;
export type NewWhatsappInstance = typeof whatsappInstances.$inferInsert;
