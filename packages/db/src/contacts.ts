import type { Sql, SqlFragment } from './client.ts';

/**
 * Where "this WhatsApp number already talked with this customer" comes from. Each source is a
 * query over `recipients` (E.164 digits) yielding `(whatsapp_instance_id uuid, at timestamptz)`:
 * one row per exchange, any number of rows. A new source is one more entry here; every reader —
 * the dispatcher's new-contact budget and sticky sender, admin-api's reach-out lock — sees it at once.
 */
export type ContactSource = (sql: Sql, recipients: readonly string[]) => SqlFragment;

/** Messages we sent from that number and WhatsApp accepted (a refused one gets its `sent_at` back to null). */
export const sentNotifications: ContactSource = (sql, recipients) => sql`
  select whatsapp_instance_id, max(sent_at) as at
    from notifications
   where recipient = any(${recipients as string[]}::text[]) and sent_at is not null and whatsapp_instance_id is not null
   group by whatsapp_instance_id`;

/** Customers who wrote to that number (their replies, the wa.me message): a chat they opened. */
export const inboundMessages: ContactSource = (sql, recipients) => sql`
  select whatsapp_instance_id, max(received_at) as at
    from inbound_messages
   where customer_phone = any(${recipients as string[]}::text[]) and whatsapp_instance_id is not null
   group by whatsapp_instance_id`;

export const CONTACT_SOURCES: readonly ContactSource[] = [sentNotifications, inboundMessages];

/** The numbers that talked with this customer, most recent exchange first (instance id → when). */
export async function contactHistory(
  sql: Sql,
  recipients: readonly string[],
  sources: readonly ContactSource[] = CONTACT_SOURCES,
): Promise<Map<string, Date>> {
  if (recipients.length === 0 || sources.length === 0) return new Map();
  const union = sources
    .slice(1)
    .reduce<SqlFragment>(
      (acc, source) => sql`${acc} union all ${source(sql, recipients)}`,
      sources[0]!(sql, recipients),
    );
  const rows = await sql<{ whatsapp_instance_id: string; at: Date }[]>`
    select whatsapp_instance_id, max(at) as at from (${union}) talked group by whatsapp_instance_id order by max(at) desc`;
  return new Map(rows.map((r) => [r.whatsapp_instance_id, new Date(r.at)]));
}
