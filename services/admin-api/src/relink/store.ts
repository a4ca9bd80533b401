import { notifyFleetChanged, type RelinkReason, type Sql, type SqlFragment } from '@bora/db';

/** An open re-link case with what the alert and the page need. */
export interface RelinkCase {
  id: string;
  instanceId: string;
  reason: RelinkReason;
  openedAt: Date;
  alertedAt: Date | null;
  alertNotificationId: string | null;
  resolvedAt: Date | null;
  qr: { base64: string | null; code: string | null; pairingCode: string | null; updatedAt: Date | null };
  instance: { name: string; displayName: string; phoneNumber: string; status: string; serverId: string };
  tenant: { id: string; name: string; ownerPhone: string | null; allowSharedSender: boolean };
}

interface CaseRow {
  id: string;
  whatsapp_instance_id: string;
  reason: RelinkReason;
  opened_at: Date;
  alerted_at: Date | null;
  alert_notification_id: string | null;
  resolved_at: Date | null;
  qr_base64: string | null;
  qr_code: string | null;
  pairing_code: string | null;
  qr_updated_at: Date | null;
  instance_name: string;
  display_name: string;
  phone_number: string;
  status: string;
  evolution_api_id: string;
  tenant_id: string;
  tenant_name: string;
  owner_phone: string | null;
  allow_shared_sender: boolean;
}

const toCase = (r: CaseRow): RelinkCase => ({
  id: r.id,
  instanceId: r.whatsapp_instance_id,
  reason: r.reason,
  openedAt: new Date(r.opened_at),
  alertedAt: r.alerted_at ? new Date(r.alerted_at) : null,
  alertNotificationId: r.alert_notification_id,
  resolvedAt: r.resolved_at ? new Date(r.resolved_at) : null,
  qr: {
    base64: r.qr_base64,
    code: r.qr_code,
    pairingCode: r.pairing_code,
    updatedAt: r.qr_updated_at ? new Date(r.qr_updated_at) : null,
  },
  instance: {
    name: r.instance_name,
    displayName: r.display_name,
    phoneNumber: r.phone_number,
    status: r.status,
    serverId: r.evolution_api_id,
  },
  tenant: { id: r.tenant_id, name: r.tenant_name, ownerPhone: r.owner_phone, allowSharedSender: r.allow_shared_sender },
});

/** The re-link cases: one open per number at most (a unique partial index), closed by the next `open`. */
export function createRelinkStore(sql: Sql) {
  const select = (where: SqlFragment) => sql<CaseRow[]>`
    select r.*, w.instance_name, w.display_name, w.phone_number, w.status, w.evolution_api_id,
           t.id as tenant_id, t.name as tenant_name, t.owner_phone, t.allow_shared_sender
      from relink_requests r
      join whatsapp_instances w on w.id = r.whatsapp_instance_id
      join tenants t on t.id = w.tenant_id
     where ${where}`;

  async function find(id: string): Promise<RelinkCase | null> {
    const [row] = await select(sql`r.id = ${id}`);
    return row ? toCase(row) : null;
  }

  return {
    find,
    /** Opens a case for a business's number that is down; null when one is open already (or it is a shared sender). */
    async open(instanceId: string, reason: RelinkReason): Promise<RelinkCase | null> {
      const [row] = await sql<{ id: string }[]>`
        insert into relink_requests (whatsapp_instance_id, reason)
        select w.id, ${reason} from whatsapp_instances w
         where w.id = ${instanceId} and w.tenant_id is not null and w.status <> 'connected'
        on conflict (whatsapp_instance_id) where resolved_at is null do nothing
        returning id`;
      if (!row) return null;
      await notifyFleetChanged(sql);
      return find(row.id);
    },

    async openFor(instanceId: string): Promise<RelinkCase | null> {
      const [row] = await select(sql`r.whatsapp_instance_id = ${instanceId} and r.resolved_at is null`);
      return row ? toCase(row) : null;
    },

    async markAlerted(id: string, notificationId: string | null): Promise<void> {
      await sql`update relink_requests set alerted_at = now(), alert_notification_id = ${notificationId} where id = ${id}`;
    },

    /** The number is connected again: its open case is closed (idempotent). */
    async resolve(instanceId: string): Promise<boolean> {
      const rows = await sql<{ id: string }[]>`
        update relink_requests set resolved_at = now(), qr_base64 = null, qr_code = null, pairing_code = null
         where whatsapp_instance_id = ${instanceId} and resolved_at is null returning id`;
      return rows.length > 0;
    },

    /** The server's current QR (and pairing code) for a number with an open case; null clears it. */
    async setQr(
      serverId: string,
      instanceName: string,
      qr: { base64?: string; code?: string; pairingCode?: string } | null,
    ): Promise<boolean> {
      const rows = await sql<{ id: string }[]>`
        update relink_requests r
           set qr_base64 = ${qr?.base64 ?? null}, qr_code = ${qr?.code ?? null},
               pairing_code = ${qr?.pairingCode ?? null}, qr_updated_at = now()
          from whatsapp_instances w
         where w.id = r.whatsapp_instance_id and w.evolution_api_id = ${serverId} and w.instance_name = ${instanceName}
           and r.resolved_at is null
        returning r.id`;
      return rows.length > 0;
    },

    /** Business numbers down longer than `afterMs` with no open case (a plain close the health poll saw). */
    async overdue(afterMs: number): Promise<string[]> {
      const rows = await sql<{ id: string }[]>`
        select w.id from whatsapp_instances w
         where w.tenant_id is not null and w.status = 'disconnected'
           and w.status_changed_at < now() - ${afterMs} * interval '1 millisecond'
           and not exists (select 1 from relink_requests r where r.whatsapp_instance_id = w.id and r.resolved_at is null)
         limit 100`;
      return rows.map((r) => r.id);
    },

    /** Open cases whose number is connected again (the poll saw it, or a webhook was lost). */
    async resolveConnected(): Promise<number> {
      const rows = await sql<{ id: string }[]>`
        update relink_requests r set resolved_at = now(), qr_base64 = null, qr_code = null, pairing_code = null
          from whatsapp_instances w
         where w.id = r.whatsapp_instance_id and w.status = 'connected' and r.resolved_at is null
        returning r.id`;
      return rows.length;
    },
  };
}

export type RelinkStore = ReturnType<typeof createRelinkStore>;
