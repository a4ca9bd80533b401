import type { InboundAction, InboundIntent, Sql } from '@bora/db';
import { iso } from '../common-schemas.ts';

interface InboxRow {
  id: string;
  tenant_slug: string | null;
  customer_phone: string | null;
  push_name: string | null;
  text: string;
  intent: InboundIntent;
  action: InboundAction;
  booking_id: string | null;
  instance_name: string | null;
  sent_at: Date | null;
  received_at: Date;
  handled_at: Date | null;
}

function view(row: InboxRow) {
  return {
    id: row.id,
    tenantSlug: row.tenant_slug,
    customerPhone: row.customer_phone,
    customerName: row.push_name,
    text: row.text,
    intent: row.intent,
    action: row.action,
    bookingId: row.booking_id,
    instanceName: row.instance_name,
    sentAt: iso(row.sent_at),
    receivedAt: iso(row.received_at)!,
    handledAt: iso(row.handled_at),
  };
}

export type InboxView = ReturnType<typeof view>;

export interface InboxFilter {
  tenantSlug?: string;
  /** `open`: left for the business and not yet handled (default); `all`: every customer message. */
  state?: 'open' | 'all';
  limit?: number;
  id?: string;
}

/** Customers' messages, newest first. */
export async function findInbox(sql: Sql, filter: InboxFilter): Promise<InboxView[]> {
  const rows = await sql<InboxRow[]>`
    select m.id, t.slug as tenant_slug, m.customer_phone, m.push_name, m.text, m.intent, m.action, m.booking_id,
           w.instance_name, m.sent_at, m.received_at, m.handled_at
      from inbound_messages m
      left join tenants t on t.id = m.tenant_id
      left join whatsapp_instances w on w.id = m.whatsapp_instance_id
     where true
       ${filter.id ? sql`and m.id = ${filter.id}` : sql``}
       ${filter.tenantSlug ? sql`and t.slug = ${filter.tenantSlug}` : sql``}
       ${(filter.state ?? 'open') === 'open' && !filter.id ? sql`and m.action = 'inbox' and m.handled_at is null` : sql``}
     order by m.received_at desc
     limit ${filter.limit ?? 50}`;
  return rows.map(view);
}

/** The business answered it (on the phone): it leaves the open inbox. Idempotent. */
export async function markHandled(sql: Sql, id: string): Promise<InboxView | undefined> {
  await sql`update inbound_messages set handled_at = coalesce(handled_at, now()) where id = ${id}`;
  const [item] = await findInbox(sql, { id, state: 'all', limit: 1 });
  return item;
}

interface OptOutRow {
  phone: string;
  opted_out_at: Date;
  inbound_message_id: string | null;
  text: string | null;
}

/** Numbers that asked this business to stop, with the message that said so. */
export async function findOptOuts(sql: Sql, tenantId: string) {
  const rows = await sql<OptOutRow[]>`
    select p.phone, p.opted_out_at, e.inbound_message_id, m.text
      from contact_preferences p
      left join lateral (
        select inbound_message_id from consent_events
         where tenant_id = p.tenant_id and phone = p.phone and event = 'opt-out' order by created_at desc limit 1
      ) e on true
      left join inbound_messages m on m.id = e.inbound_message_id
     where p.tenant_id = ${tenantId} and p.opted_out_at is not null
     order by p.opted_out_at desc
     limit 1000`;
  return rows.map((r) => ({
    phone: r.phone,
    optedOutAt: iso(r.opted_out_at)!,
    messageId: r.inbound_message_id,
    message: r.text,
  }));
}
