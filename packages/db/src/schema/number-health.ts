import { sql } from 'drizzle-orm';
import { bigserial, check, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { whatsappInstances } from './whatsapp-instances.ts';

/** How a number is doing by what its sends became (receipts), not by what Evolution says ("open"). */
export const NUMBER_HEALTH_STATE = ['healthy', 'degraded', 'failing'] as const;
export type NumberHealthState = (typeof NUMBER_HEALTH_STATE)[number];

/** One reason behind a score, for operators (pt-BR `text`) and code (`code`). */
export interface NumberHealthReason {
  code: string;
  text: string;
  penalty: number;
}

/** The counts a number's health score is computed from (the dispatcher's health pass gathers them). */
export interface NumberHealthCounts {
  /** Sends old enough to judge (older than the receipt window), since the last restart. */
  judgedSends: number;
  /** …of which a delivery receipt came within the window. */
  receipted: number;
  /** …still without any receipt (Evolution's PENDING / SERVER_ACK). */
  stuckPending: number;
  disconnectsLastHour: number;
  /** Sessions WhatsApp ended (401/403) in the last day. */
  sessionRefusals: number;
  /** First-contact sends WhatsApp refused (the 463 reach-out lock) in the last day. */
  reachoutRefusals: number;
  /** Other sends refused after acceptance (an ERROR receipt) in the last day. */
  sendRefusals: number;
  /** Whether the number's server delivers receipts at all (else missing ones prove nothing). */
  serverReceipts: boolean;
}

/** What the score was computed from, and the number's budget and use (the fleet page shows both). */
export interface NumberHealthStats extends NumberHealthCounts {
  usage: { sentLast24h: number; newContactsLast24h: number };
  budget: {
    perMinute: number;
    perHour: number;
    perDay: number;
    newContactsPerDay: number;
    /** Today's day budget (the warm-up's when lower). */
    today: number;
    /** The warm-up day (1…7), or null once warm. */
    warmupDay: number | null;
    /** Why it is warm: `aged` (past day 7) or `marked` by an operator; null while warming. */
    warm: 'aged' | 'marked' | null;
  };
}

export const NUMBER_EVENT_KIND = [
  'disconnected',
  'logged-out',
  'session-refused',
  'reachout-refused',
  'send-refused',
  'restarted',
] as const;
export type NumberEventKind = (typeof NUMBER_EVENT_KIND)[number];

/**
 * The number-health pass's verdict per WhatsApp number (one writer: the dispatcher's leader). The
 * dispatcher routes by `state`; the fleet page shows score and reasons.
 */
export const whatsappInstanceHealth = pgTable(
  'whatsapp_instance_health',
  {
    whatsappInstanceId: uuid('whatsapp_instance_id')
      .primaryKey()
      .references(() => whatsappInstances.id, { onDelete: 'cascade' }),
    score: integer('score').notNull(),
    state: text('state', { enum: NUMBER_HEALTH_STATE }).notNull(),
    reasons: jsonb('reasons').$type<NumberHealthReason[]>().notNull().default([]),
    stats: jsonb('stats').$type<NumberHealthStats>().notNull(),
    /** When the pass last restarted this number (`POST /instance/restart`, never a logout). */
    lastRestartAt: timestamp('last_restart_at', { withTimezone: true }),
    computedAt: timestamp('computed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('whatsapp_instance_health_state_valid', sql`${t.state} in ('healthy','degraded','failing')`),
    check('whatsapp_instance_health_score_range', sql`${t.score} between 0 and 100`),
  ],
);

/**
 * What happened to a number that says something about its health: disconnects, sessions WhatsApp
 * ended (401/403), sends it refused (an ERROR receipt; a first contact's is the 463 reach-out
 * lock), restarts. Kept a week.
 */
export const whatsappInstanceEvents = pgTable(
  'whatsapp_instance_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    whatsappInstanceId: uuid('whatsapp_instance_id')
      .notNull()
      .references(() => whatsappInstances.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: NUMBER_EVENT_KIND }).notNull(),
    /** The code WhatsApp gave (401, 403, 428…), when it gave one. */
    code: integer('code'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check(
      'whatsapp_instance_events_kind_valid',
      sql`${t.kind} in ('disconnected','logged-out','session-refused','reachout-refused','send-refused','restarted')`,
    ),
    index('whatsapp_instance_events_instance_at_idx').on(t.whatsappInstanceId, t.at),
    index('whatsapp_instance_events_at_idx').on(t.at),
  ],
);

export type WhatsappInstanceHealth = typeof whatsappInstanceHealth.$inferSelect;
