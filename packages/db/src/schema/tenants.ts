import { sql } from 'drizzle-orm';
import { boolean, check, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const DEFAULT_TEMPLATES = {
  confirmation:
    'Olá, {cliente}! Seu agendamento de {servico} em {negocio} está confirmado para {data} às {hora}. Até lá!',
  reminder: 'Olá, {cliente}! Lembrete: {servico} em {negocio} {data} às {hora}. Te esperamos!',
  cancellation:
    'Olá, {cliente}. Seu agendamento de {servico} em {negocio} para {data} às {hora} foi cancelado.',
} as const;

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
    reminderLeadMinutes: integer('reminder_lead_minutes').notNull().default(1440),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('tenants_slug_format', sql`${t.slug} ~ '^[a-z0-9]+(-[a-z0-9]+)*$'`),
    check('tenants_reminder_lead_nonnegative', sql`${t.reminderLeadMinutes} >= 0`),
  ],
);

export type Tenant = typeof tenants.$inferSelect;
export type NewTenant = typeof tenants.$inferInsert;
