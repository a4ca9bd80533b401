import type { Sql } from '@bora/db';
import type { Ledger } from '@bora/ledger';

/** The retention settings, in days after the appointment (0 = forever). */
export interface RetentionDays {
  attempts: number;
  messageText: number;
  customerData: number;
}

/**
 * One kind of personal data kept only as long as needed, as a bounded batch: at most `limit`
 * rows, answering how many it touched (the job repeats it until a short batch). Statements on
 * `notifications` live in the ledger (`ledger.retention`); a new table is one more entry here,
 * or one entry in PARTITIONED_TABLES when it is partitioned by month. Opt-outs
 * (`contact_preferences`, `consent_events`) are kept: honouring the objection needs the number.
 */
export interface RetentionRule {
  name: string;
  setting: keyof RetentionDays;
  batch(days: number, limit: number): Promise<number>;
}

/**
 * Name and number of customers whose appointment is `days` past: kept as a booking, without who.
 * The literal '00000000' in the statement matches the partial index `bookings_identified_starts_idx`.
 */
export const ANONYMOUS_NAME = 'Dados removidos (LGPD)';
export const ANONYMOUS_PHONE = '00000000';

export function retentionRules(deps: { sql: Sql; ledger: Ledger }): RetentionRule[] {
  const { sql, ledger } = deps;
  return [
    {
      name: 'notifications.text',
      setting: 'messageText',
      batch: (days, limit) => ledger.retention.clearMessageText(days, limit),
    },
    {
      name: 'notifications.recipient',
      setting: 'customerData',
      batch: (days, limit) => ledger.retention.anonymiseRecipients(days, limit),
    },
    {
      name: 'bookings.customer',
      setting: 'customerData',
      async batch(days, limit) {
        const rows = await sql<{ id: string }[]>`
          update bookings set customer_name = ${ANONYMOUS_NAME}, customer_phone = ${ANONYMOUS_PHONE}, notes = null, cancel_reason = null
           where id in (
             select id from bookings
              where starts_at < now() - ${days} * interval '1 day' and customer_phone <> '00000000'
              limit ${limit} for update skip locked)
          returning id`;
        return rows.length;
      },
    },
    {
      // What customers wrote to a business (the conversation): the text goes after the message-text
      // window, who wrote it after the customer-data window; the action taken stays (statistics).
      name: 'inbound_messages.text',
      setting: 'messageText',
      async batch(days, limit) {
        const rows = await sql<{ id: string }[]>`
          update inbound_messages set text = '' where id in (
            select id from inbound_messages where received_at < now() - ${days} * interval '1 day' and text <> ''
             limit ${limit} for update skip locked)
          returning id`;
        return rows.length;
      },
    },
    {
      name: 'inbound_messages.customer',
      setting: 'customerData',
      async batch(days, limit) {
        const rows = await sql<{ id: string }[]>`
          update inbound_messages set customer_phone = null, remote_jid = null, push_name = null, text = '' where id in (
            select id from inbound_messages where received_at < now() - ${days} * interval '1 day' and customer_phone is not null
             limit ${limit} for update skip locked)
          returning id`;
        return rows.length;
      },
    },
  ];
}
