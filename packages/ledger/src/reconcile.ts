import { toDate, toDateOrNull, type NotificationKind, type Sql } from '@bora/db';
import { RESEND_NO_EVIDENCE, RESEND_NOT_SENT } from './claim.ts';
import { fromStates } from './states.ts';

/** An unconfirmed send whose next look is due, with what a lookup on its server needs. */
export interface UnconfirmedRow {
  id: string;
  kind: NotificationKind;
  recipient: string;
  text: string;
  serverId: string | null;
  instanceId: string | null;
  unconfirmedAt: Date;
  /** For a confirmation or reminder: its appointment (no resend after it started). */
  startsAt: Date | null;
}

interface Row {
  id: string;
  kind: NotificationKind;
  recipient: string;
  text: string | null;
  evolution_api_id: string | null;
  whatsapp_instance_id: string | null;
  unconfirmed_at: Date | string | null;
  starts_at: Date | string | null;
}

/** Why an unconfirmed send goes out again: the server says it never sent it, or nobody could say. */
export type ResendReason = 'not-sent' | 'no-evidence';

/** Statements of the reconciler, which settles every `unconfirmed` row one way or the other. */
export function createReconcile(sql: Sql) {
  return {
    /** The unconfirmed rows due for a look, oldest first (locked briefly so two sweepers split them). */
    async due(limit: number): Promise<UnconfirmedRow[]> {
      const rows = await sql<Row[]>`
        select n.id, n.kind, n.recipient, n.text, n.evolution_api_id, n.whatsapp_instance_id, n.unconfirmed_at,
               case when n.kind in ('confirmation', 'reminder') then b.starts_at end as starts_at
          from notifications n left join bookings b on b.id = n.booking_id
         where n.status = 'unconfirmed' and n.reconcile_at <= now()
         order by n.reconcile_at
         limit ${limit}`;
      return rows.map((r) => ({
        id: r.id,
        kind: r.kind,
        recipient: r.recipient,
        text: r.text ?? '',
        serverId: r.evolution_api_id,
        instanceId: r.whatsapp_instance_id,
        unconfirmedAt: toDateOrNull(r.unconfirmed_at) ?? new Date(0),
        startsAt: r.starts_at === null ? null : toDate(r.starts_at),
      }));
    },

    /** The server has the message: it was sent (with the key it got). */
    async settleSent(id: string, found: { keyId: string; remoteJid: string | null }): Promise<boolean> {
      const rows = await sql<{ id: string }[]>`
        update notifications
           set status = 'sent', message_id = ${found.keyId}, remote_jid = ${found.remoteJid}, sent_at = now(), reconcile_at = null,
               last_error_code = null, last_error_message = null, last_error_scope = null, updated_at = now()
         where id = ${id} and status = 'unconfirmed' and status = any(${fromStates('sent')}::text[])
        returning id`;
      return rows.length > 0;
    },

    /**
     * Back in line to be sent again, counted on the row (`resends`). A `no-evidence` resend marks its
     * attempts as possible duplicates; `not-sent` was proven by the server's own message store.
     */
    async resend(id: string, reason: ResendReason): Promise<{ dueAt: Date; tenantId: string } | undefined> {
      const code = reason === 'not-sent' ? RESEND_NOT_SENT : RESEND_NO_EVIDENCE;
      const message =
        reason === 'not-sent'
          ? 'O servidor não tinha a mensagem após um envio sem resposta; enviada novamente'
          : 'Envio sem resposta e sem confirmação dentro do prazo; enviada novamente (o cliente pode receber duas vezes)';
      const [row] = await sql<{ due_at: Date | string; tenant_id: string }[]>`
        update notifications
           set status = 'queued', resends = resends + 1, due_at = now(), reconcile_at = null,
               last_error_code = ${code}, last_error_message = ${message}, last_error_scope = 'unknown', updated_at = now()
         where id = ${id} and status = any(${fromStates('resend')}::text[])
        returning due_at, tenant_id`;
      return row ? { dueAt: toDate(row.due_at), tenantId: row.tenant_id } : undefined;
    },

    /** Look again at `at`; null = stop looking (its appointment started: it stays unconfirmed, honestly). */
    async defer(id: string, at: Date | null): Promise<void> {
      await sql`update notifications set reconcile_at = ${at?.toISOString() ?? null}, updated_at = now() where id = ${id} and status = 'unconfirmed'`;
    },

    /** Which of these key ids are messages this platform recorded as sent (proof a server keeps history). */
    async knownKeys(keyIds: readonly string[]): Promise<Set<string>> {
      if (keyIds.length === 0) return new Set();
      const rows = await sql<
        { message_id: string }[]
      >`select message_id from notifications where message_id = any(${keyIds as string[]}::text[])`;
      return new Set(rows.map((r) => r.message_id));
    },
  };
}

export type Reconcile = ReturnType<typeof createReconcile>;
