import { toDate, type InboundAction, type InboundIntent, type Sql } from '@bora/db';

/** The number a customer wrote to, and whose it is (null: a shared platform sender). */
export interface ReceivingInstance {
  instanceId: string;
  tenantId: string | null;
}

export interface OpenBooking {
  id: string;
  code: string;
  service: string;
  startsAt: Date;
  endsAt: Date;
  customerPhone: string;
  tenantSlug: string;
  tenantName: string;
  timezone: string;
}

export interface StoredInbound {
  id: string;
  /** false: this message was seen before (a replayed webhook, the backstop poll). */
  fresh: boolean;
  action: InboundAction;
}

/** The conversation's statements; `sql` may be a transaction. */
export function conversationStore(sql: Sql) {
  return {
    async receivingInstance(serverId: string, instanceName: string): Promise<ReceivingInstance | undefined> {
      const [row] = await sql<{ id: string; tenant_id: string | null }[]>`
        select id, tenant_id from whatsapp_instances where evolution_api_id = ${serverId} and instance_name = ${instanceName}`;
      return row ? { instanceId: row.id, tenantId: row.tenant_id } : undefined;
    },

    /** A shared sender serves many businesses: the one that last wrote to this customer from it. */
    async tenantOfSharedChat(instanceId: string, numbers: readonly string[]): Promise<string | undefined> {
      const [row] = await sql<{ tenant_id: string }[]>`
        select tenant_id from notifications
         where whatsapp_instance_id = ${instanceId} and recipient = any(${numbers as string[]}::text[]) and sent_at is not null
         order by sent_at desc limit 1`;
      return row?.tenant_id;
    },

    /**
     * One customer's messages to one business are read in order, one at a time: a burst of them
     * (or the same one twice) cannot each see "not answered yet" and answer twice.
     */
    async lockConversation(tenantId: string, phone: string): Promise<void> {
      await sql`select pg_advisory_xact_lock(hashtextextended(${`conversation:${tenantId}:${phone}`}, 0))`;
    },

    /** Stores the message once (by its key); a second delivery of it finds the first. */
    async store(row: {
      tenantId: string | null;
      serverId: string;
      instanceId: string;
      keyId: string;
      phone: string | null;
      remoteJid: string;
      pushName: string | null;
      text: string;
      intent: InboundIntent;
      sentAt: Date | null;
    }): Promise<StoredInbound> {
      const [inserted] = await sql<{ id: string }[]>`
        insert into inbound_messages (tenant_id, evolution_api_id, whatsapp_instance_id, message_key, customer_phone, remote_jid, push_name, text, intent, sent_at)
        values (${row.tenantId}, ${row.serverId}, ${row.instanceId}, ${row.keyId}, ${row.phone}, ${row.remoteJid}, ${row.pushName}, ${row.text},
                ${row.intent}, ${row.sentAt?.toISOString() ?? null})
        on conflict (evolution_api_id, message_key) do nothing
        returning id`;
      if (inserted) return { id: inserted.id, fresh: true, action: 'none' };
      const [existing] = await sql<{ id: string; action: InboundAction }[]>`
        select id, action from inbound_messages where evolution_api_id = ${row.serverId} and message_key = ${row.keyId} for update`;
      return { id: existing!.id, fresh: false, action: existing!.action };
    },

    async setAction(id: string, action: InboundAction, bookingId: string | null): Promise<void> {
      await sql`update inbound_messages set action = ${action}, booking_id = ${bookingId} where id = ${id}`;
    },

    /** The customer's upcoming confirmed bookings with this business, soonest first. */
    async openBookings(tenantId: string, numbers: readonly string[]): Promise<OpenBooking[]> {
      const rows = await sql<
        {
          id: string;
          code: string;
          service: string;
          starts_at: Date | string;
          ends_at: Date | string;
          customer_phone: string;
          slug: string;
          name: string;
          timezone: string;
        }[]
      >`
        select b.id, b.code, b.service, b.starts_at, b.ends_at, b.customer_phone, t.slug, t.name, t.timezone
          from bookings b join tenants t on t.id = b.tenant_id
         where b.tenant_id = ${tenantId} and b.customer_phone = any(${numbers as string[]}::text[])
           and b.status = 'confirmed' and b.starts_at > now()
         order by b.starts_at limit 10`;
      return rows.map((r) => ({
        id: r.id,
        code: r.code,
        service: r.service,
        startsAt: toDate(r.starts_at),
        endsAt: toDate(r.ends_at),
        customerPhone: r.customer_phone,
        tenantSlug: r.slug,
        tenantName: r.name,
        timezone: r.timezone,
      }));
    },

    async tenant(tenantId: string): Promise<{ name: string; slug: string } | undefined> {
      const [row] = await sql<{ name: string; slug: string }[]>`select name, slug from tenants where id = ${tenantId}`;
      return row;
    },

    async isOptedOut(tenantId: string, phone: string): Promise<boolean> {
      const [row] = await sql<
        { found: number }[]
      >`select 1 as found from contact_preferences where tenant_id = ${tenantId} and phone = ${phone} and opted_out_at is not null`;
      return row !== undefined;
    },

    /** Records the customer's choice and its audit row; false when it was already so. */
    async setOptOut(tenantId: string, phone: string, optedOut: boolean, inboundId: string): Promise<boolean> {
      const changed = await sql<{ tenant_id: string }[]>`
        insert into contact_preferences (tenant_id, phone, opted_out_at, updated_at)
        values (${tenantId}, ${phone}, ${optedOut ? sql`now()` : null}, now())
        on conflict (tenant_id, phone) do update set opted_out_at = excluded.opted_out_at, updated_at = now()
          where (contact_preferences.opted_out_at is not null) <> ${optedOut}
        returning tenant_id`;
      if (changed.length === 0) return false;
      await sql`insert into consent_events (tenant_id, phone, event, channel, inbound_message_id)
                values (${tenantId}, ${phone}, ${optedOut ? 'opt-out' : 'opt-in'}, 'whatsapp', ${inboundId})`;
      return true;
    },

    /** Our answers to this customer lately (a flood of messages gets few answers). */
    async repliesSince(tenantId: string, phone: string, minutes: number, text?: string): Promise<number> {
      const [row] = await sql<{ n: number }[]>`
        select count(*)::int as n from notifications
         where tenant_id = ${tenantId} and recipient = ${phone} and kind = 'reply'
           and created_at > now() - ${minutes} * interval '1 minute'
           ${text === undefined ? sql`` : sql`and text = ${text}`}`;
      return row!.n;
    },
  };
}

export type ConversationStore = ReturnType<typeof conversationStore>;
