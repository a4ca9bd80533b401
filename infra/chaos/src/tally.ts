import type { Sql } from '@bora/db';
import type { SimMessage } from '@bora/evolution-sim';

export type { SimMessage };

export interface NotificationTally {
  id: string;
  bookingId: string;
  recipient: string;
  customerName: string;
  status: string;
  messageId: string | null;
  /** What the simulator received for this notification (matched on number and text). */
  received: SimMessage[];
}

export interface Tally {
  bookings: number;
  /** Confirmations the simulator received at least once. */
  sent: number;
  /** Extra copies beyond the first, summed over all confirmations. */
  duplicates: number;
  /** Confirmations the simulator never received. */
  lost: number;
  /** Confirmations whose ledger row does not say sent/delivered/read, or names no received key. */
  ledgerMismatches: NotificationTally[];
  items: NotificationTally[];
}

export async function simMessages(simUrl: string): Promise<SimMessage[]> {
  const res = await fetch(`${simUrl}/__sim/messages`, { signal: AbortSignal.timeout(10_000) });
  return (await res.json()) as SimMessage[];
}

const DONE = new Set(['sent', 'delivered', 'read']);

/**
 * Counts, for every booking's confirmation, what reached the simulator: the customer's number
 * and a text naming the customer (every chaos customer name is unique). `onlyBookings` restricts
 * the count to some bookings (a scenario's own), by id.
 */
export async function tallyConfirmations(sql: Sql, simUrl: string, onlyBookings?: readonly string[]): Promise<Tally> {
  const rows = await sql<
    {
      id: string;
      booking_id: string;
      recipient: string;
      customer_name: string;
      status: string;
      message_id: string | null;
    }[]
  >`
    select n.id, n.booking_id, n.recipient, b.customer_name, n.status, n.message_id
      from notifications n join bookings b on b.id = n.booking_id
     where n.kind = 'confirmation'`;
  const wanted = onlyBookings ? new Set(onlyBookings) : undefined;
  const messages = await simMessages(simUrl);
  const byNumber = new Map<string, SimMessage[]>();
  for (const m of messages) byNumber.set(m.number, [...(byNumber.get(m.number) ?? []), m]);
  const items = rows
    .filter((r) => !wanted || wanted.has(r.booking_id))
    .map((r) => ({
      id: r.id,
      bookingId: r.booking_id,
      recipient: r.recipient,
      customerName: r.customer_name,
      status: r.status,
      messageId: r.message_id,
      received: (byNumber.get(r.recipient) ?? []).filter((m) => m.text.includes(r.customer_name)),
    }));
  const sent = items.filter((i) => i.received.length > 0).length;
  return {
    bookings: items.length,
    sent,
    duplicates: items.reduce((sum, i) => sum + Math.max(0, i.received.length - 1), 0),
    lost: items.length - sent,
    ledgerMismatches: items.filter((i) => !DONE.has(i.status) || !i.received.some((m) => m.keyId === i.messageId)),
    items,
  };
}

/**
 * Polls until every confirmation reached the simulator and its row names what was received (or the
 * deadline passes); returns the last tally. `keyed: false` waits only for a done status, for rows
 * recorded sent without a key (an answer whose key could not be stored).
 */
export async function waitAllDelivered(
  sql: Sql,
  simUrl: string,
  timeoutMs: number,
  onlyBookings?: readonly string[],
  keyed = true,
): Promise<Tally> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const tally = await tallyConfirmations(sql, simUrl, onlyBookings);
    const recorded = keyed ? tally.ledgerMismatches.length === 0 : tally.items.every((i) => DONE.has(i.status));
    if ((tally.lost === 0 && recorded) || Date.now() > deadline) return tally;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
