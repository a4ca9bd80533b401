import type { Sql } from './database.ts';

/** What the dispatcher must have written for n notifications, each sent once. */
export interface LedgerCheck {
  ok: boolean;
  sent: number;
  failed: number;
  /** Rows with the chosen server and instance recorded (routing). */
  routed: number;
  /** Rows with Evolution's message id (webhook correlation). */
  withMessageId: number;
  /** delivery_attempts rows with outcome `sent`. */
  attempts: number;
}

export async function verifyLedger(sql: Sql, n: number): Promise<LedgerCheck> {
  const [row] = await sql<Omit<LedgerCheck, 'ok'>[]>`
    select count(*) filter (where status = 'sent')::int as sent,
           count(*) filter (where status = 'failed')::int as failed,
           count(*) filter (where evolution_api_id is not null and whatsapp_instance_id is not null)::int as routed,
           count(*) filter (where message_id is not null)::int as "withMessageId",
           (select count(*)::int from delivery_attempts where outcome = 'sent') as attempts
    from notifications`;
  const counts = row ?? { sent: 0, failed: 0, routed: 0, withMessageId: 0, attempts: 0 };
  const ok =
    counts.sent === n &&
    counts.failed === 0 &&
    counts.routed === n &&
    counts.withMessageId === n &&
    counts.attempts === n;
  return { ok, ...counts };
}
