import { sql } from 'drizzle-orm';
import { boolean, check, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const DEFAULT_TEMPLATES = {
  confirmation:
    'Olá, {cliente}! Seu agendamento de {servico} em {negocio} está confirmado para {data} às {hora}. ' +
    'Responda 1 para confirmar presença, 2 para cancelar ou 3 para remarcar. Para gerenciar: {link}',
  reminder:
    'Olá, {cliente}! Lembrete: {servico} em {negocio} {data} às {hora}. Te esperamos! ' +
    'Responda 1 para confirmar presença ou 2 para cancelar. {link}',
  cancellation: 'Olá, {cliente}. Seu agendamento de {servico} em {negocio} para {data} às {hora} foi cancelado.',
} as const;

/** Reminders before each appointment, in minutes: a day before and two hours before. */
export const DEFAULT_REMINDER_OFFSETS = [1440, 120];

export const tenants = pgTable(
  'tenants',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    slug: text('slug').notNull().unique('tenants_slug_unique'),
    name: text('name').notNull(),
    timezone: text('timezone').notNull().default('America/Sao_Paulo'),
    allowSharedSender: boolean('allow_shared_sender').notNull().default(true),
    confirmationTemplate: text('confirmation_template').notNull().default(DEFAULT_TEMPLATES.confirmation),
    reminderTemplate: text('reminder_template').notNull().default(DEFAULT_TEMPLATES.reminder),
    cancellationTemplate: text('cancellation_template').notNull().default(DEFAULT_TEMPLATES.cancellation),
    /** Every reminder, in minutes before the appointment (empty: no reminders). */
    reminderOffsetsMinutes: integer('reminder_offsets_minutes')
      .array()
      .notNull()
      .default(sql`'{1440,120}'::integer[]`),
    /** The reminders after the first go out only if the customer has not confirmed attendance. */
    laterRemindersOnlyUnconfirmed: boolean('later_reminders_only_unconfirmed').notNull().default(true),
    /** No reminder is sent between these local times (HH:MM, in the tenant's zone): moved, never dropped. */
    quietHoursStart: text('quiet_hours_start').notNull().default('21:00'),
    quietHoursEnd: text('quiet_hours_end').notNull().default('08:00'),
    /** A confirmation waits this long for the customer to write first (wa.me link); 0 = sent at once. */
    confirmationWaitMinutes: integer('confirmation_wait_minutes').notNull().default(0),
    /** The owner's personal WhatsApp (E.164 digits): told from the platform's sender when a number must be re-linked. */
    ownerPhone: text('owner_phone'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('tenants_slug_format', sql`${t.slug} ~ '^[a-z0-9]+(-[a-z0-9]+)*$'`),
    check(
      'tenants_reminder_offsets_positive',
      sql`0 < all(${t.reminderOffsetsMinutes}) and cardinality(${t.reminderOffsetsMinutes}) <= 5`,
    ),
    check(
      'tenants_quiet_hours_format',
      sql`${t.quietHoursStart} ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$' and ${t.quietHoursEnd} ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'`,
    ),
    check('tenants_confirmation_wait_range', sql`${t.confirmationWaitMinutes} between 0 and 120`),
    check('tenants_owner_phone_digits', sql`${t.ownerPhone} is null or ${t.ownerPhone} ~ '^[0-9]{8,15}$'`),
  ],
);

export type Tenant = typeof tenants.$inferSelect;
export type NewTenant = typeof tenants.$inferInsert;
