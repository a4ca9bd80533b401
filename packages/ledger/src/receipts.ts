import { isDeterministicPgError, type Sql } from '@bora/db';
import { fromStates } from './states.ts';

/** What a receipt or a `send.message` webhook did to the ledger. */
export type EvidenceResult = 'updated' | 'unchanged' | 'too-early' | 'unmatched';

/** Message status (Evolution's `messages.update`) → the ledger event it means. SERVER_ACK/PENDING add nothing. */
const RECEIPTS = { DELIVERY_ACK: 'delivered', READ: 'read', PLAYED: 'read' } as const;

export type ReceiptStatus = keyof typeof RECEIPTS;

export function receiptEvent(status: string): 'delivered' | 'read' | undefined {
  return RECEIPTS[status.toUpperCase() as ReceiptStatus];
}

/**
 * The numbers a WhatsApp JID may stand for: its digits, and for a Brazilian mobile whose JID
 * dropped the 9th digit (`55 DD XXXXXXXX`, 12 digits) also the 13-digit form the customer gave.
 * Empty for anything that is not a phone JID (`@lid`, groups).
 */
export function numbersOfJid(jid: string | undefined): string[] {
  if (!jid?.endsWith('@s.whatsapp.net')) return [];
  const digits = jid.slice(0, jid.indexOf('@')).split(':')[0]!;
  if (!/^\d{8,15}$/.test(digits)) return [];
  return digits.length === 12 && digits.startsWith('55')
    ? [digits, `${digits.slice(0, 4)}9${digits.slice(4)}`]
    : [digits];
}

export interface Receipt {
  keyId: string;
  status: 'delivered' | 'read';
  /** The chat, and the instance that posted it: they let a receipt settle an unconfirmed send. */
  remoteJid?: string;
  instanceName?: string;
}

/** A message WhatsApp refused after acceptance, put back in line. */
export interface Refusal {
  id: string;
  tenantId: string;
  dueAt: Date;
  instanceId: string | null;
  recipient: string;
}

export interface SendEvidence {
  keyId: string;
  remoteJid?: string;
  instanceName?: string;
  text?: string;
}

/** A key another row already holds (or a byte Postgres refuses) settles nothing; a dropped connection is thrown. */
function settledNothing(error: unknown): never[] {
  if (isDeterministicPgError(error)) return [];
  throw error;
}

/** The webhook-driven transitions: delivery receipts, and the server's own report of a send. */
export function createReceipts(sql: Sql) {
  /** Unconfirmed sends of that server and instance to that chat (what a receipt with an unknown key may settle). */
  function unconfirmedTo(serverId: string, instanceName: string | undefined, numbers: string[], text?: string) {
    return sql<{ id: string }[]>`
      select n.id from notifications n
        join whatsapp_instances w on w.id = n.whatsapp_instance_id
       where n.status = 'unconfirmed' and n.evolution_api_id = ${serverId}
         and w.evolution_api_id = ${serverId} and w.instance_name = ${instanceName ?? ''}
         and n.recipient = any(${numbers}::text[])
         ${text === undefined ? sql`` : sql`and n.text = ${text}`}
       limit 2`;
  }

  /**
   * A receipt could beat the dispatcher's ledger write (Evolution may post it the moment it
   * answers). If a send to that chat is in flight, it is probably ours: "too early" makes
   * Evolution post it again later.
   */
  async function inFlightTo(numbers: string[]): Promise<boolean> {
    if (numbers.length === 0) return false;
    const [row] = await sql<
      { found: number }[]
    >`select 1 as found from notifications where status = 'sending' and recipient = any(${numbers}::text[]) limit 1`;
    return row !== undefined;
  }

  async function known(serverId: string, keyId: string): Promise<boolean> {
    const [row] = await sql<
      { found: number }[]
    >`select 1 as found from notifications where message_id = ${keyId} and evolution_api_id = ${serverId}`;
    return row !== undefined;
  }

  return {
    /**
     * Receipts only move a message forward (sent < delivered < read): the guard makes a replayed
     * or late DELIVERY_ACK after READ a no-op. Timestamps are ours: Evolution's `date_time` is
     * local time mislabelled as UTC. A receipt whose key we never recorded settles the one
     * unconfirmed send of that instance to that chat: it is the proof the message got through.
     */
    async applyReceipt(serverId: string, receipt: Receipt): Promise<EvidenceResult> {
      const event = receipt.status;
      const moved = await sql<{ id: string }[]>`
        update notifications
           set status = ${event}, delivered_at = coalesce(delivered_at, now()),
               read_at = case when ${event} = 'read' then coalesce(read_at, now()) else read_at end,
               sent_at = coalesce(sent_at, now()), reconcile_at = null, updated_at = now()
         where message_id = ${receipt.keyId} and evolution_api_id = ${serverId} and status = any(${fromStates(event)}::text[])
        returning id`;
      if (moved.length > 0) return 'updated';
      if (await known(serverId, receipt.keyId)) return 'unchanged';
      const numbers = numbersOfJid(receipt.remoteJid);
      if (numbers.length > 0) {
        const candidates = await unconfirmedTo(serverId, receipt.instanceName, numbers);
        if (candidates.length === 1) {
          const settled = await sql<{ id: string }[]>`
            update notifications
               set status = ${event}, message_id = ${receipt.keyId}, remote_jid = ${receipt.remoteJid ?? null},
                   sent_at = coalesce(sent_at, now()), delivered_at = coalesce(delivered_at, now()),
                   read_at = case when ${event} = 'read' then now() else read_at end,
                   reconcile_at = null, last_error_code = null, last_error_message = null, last_error_scope = null, updated_at = now()
             where id = ${candidates[0]!.id} and status = 'unconfirmed'
            returning id`.catch(settledNothing);
          if (settled.length > 0) return 'updated';
        }
      }
      return (await inFlightTo(numbers)) ? 'too-early' : 'unmatched';
    },

    /**
     * An ERROR receipt for a message we recorded as sent: WhatsApp refused it, the customer never
     * got it. The row goes back in line (sent again by the dispatcher, counting an attempt), with
     * its key and `sent_at` cleared — so it no longer counts as a conversation with that customer.
     * `null` when no sent row of that server holds the key (unknown, already refused, delivered).
     */
    async applyRefusal(serverId: string, keyId: string): Promise<Refusal | null> {
      const [row] = await sql<
        { id: string; tenant_id: string; due_at: Date; whatsapp_instance_id: string | null; recipient: string }[]
      >`
        update notifications
           set status = 'queued', message_id = null, remote_jid = null, sent_at = null, due_at = now(),
               last_error_code = 'WHATSAPP_REFUSED',
               last_error_message = 'O WhatsApp recusou a mensagem depois de aceitá-la (por exemplo, o bloqueio de primeiro contato); ela será enviada de novo',
               last_error_scope = 'instance', updated_at = now()
         where message_id = ${keyId} and evolution_api_id = ${serverId} and status = any(${fromStates('refuse')}::text[])
        returning id, tenant_id, due_at, whatsapp_instance_id, recipient`;
      return row
        ? {
            id: row.id,
            tenantId: row.tenant_id,
            dueAt: new Date(row.due_at),
            instanceId: row.whatsapp_instance_id,
            recipient: row.recipient,
          }
        : null;
    },

    /**
     * The server's `send.message`: the message it really sent. Settles an unconfirmed send of the
     * same instance, chat and text as `sent` with its key; for a send still in flight it is too early.
     */
    async applySendEvidence(serverId: string, evidence: SendEvidence): Promise<EvidenceResult> {
      if (await known(serverId, evidence.keyId)) return 'unchanged';
      const numbers = numbersOfJid(evidence.remoteJid);
      if (numbers.length === 0) return 'unmatched';
      const candidates = await unconfirmedTo(serverId, evidence.instanceName, numbers, evidence.text);
      if (candidates.length === 1) {
        const settled = await sql<{ id: string }[]>`
          update notifications
             set status = 'sent', message_id = ${evidence.keyId}, remote_jid = ${evidence.remoteJid ?? null}, sent_at = now(),
                 reconcile_at = null, last_error_code = null, last_error_message = null, last_error_scope = null, updated_at = now()
           where id = ${candidates[0]!.id} and status = 'unconfirmed'
          returning id`.catch(settledNothing);
        if (settled.length > 0) return 'updated';
      }
      return (await inFlightTo(numbers)) ? 'too-early' : 'unmatched';
    },
  };
}

export type Receipts = ReturnType<typeof createReceipts>;
