import { sql } from 'drizzle-orm';
import { boolean, check, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const EVOLUTION_HEALTH = ['unknown', 'online', 'unreachable', 'unauthorized', 'incompatible'] as const;
export type EvolutionHealth = (typeof EVOLUTION_HEALTH)[number];

export const evolutionApis = pgTable(
  'evolution_apis',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull().unique('evolution_apis_name_unique'),
    /** Base URL (no trailing slash, no `/message/sendText`). */
    url: text('url').notNull(),
    /** AES-256-GCM under SECRET_KEY; never returned or logged. */
    apiKeyEncrypted: text('api_key_encrypted').notNull(),
    /** Shared secret Evolution sends back on webhooks (encrypted like the key). */
    webhookSecretEncrypted: text('webhook_secret_encrypted').notNull(),
    capacity: integer('capacity').notNull().default(20),
    priority: integer('priority').notNull().default(0),
    isActive: boolean('is_active').notNull().default(true),
    health: text('health', { enum: EVOLUTION_HEALTH }).notNull().default('unknown'),
    lastCheckedAt: timestamp('last_checked_at', { withTimezone: true }),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('evolution_apis_capacity_positive', sql`${t.capacity} > 0`),
    check(
      'evolution_apis_health_valid',
      sql`${t.health} in ('unknown','online','unreachable','unauthorized','incompatible')`,
    ),
  ],
);

export type EvolutionApi = typeof evolutionApis.$inferSelect;
export type NewEvolutionApi = typeof evolutionApis.$inferInsert;
