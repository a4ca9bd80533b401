import { decryptSecret } from '@bora/core';
import { type DbHandle, FLEET_CHANGED_CHANNEL, notifyFleetChanged } from '@bora/db';
import { buildFleetIndex, type FleetIndex, type FleetInstance, type FleetServer } from '@bora/balancer';
import type { Logger } from '@bora/logger';
import type { NumberSafetyRow } from './number-safety/budget.ts';

export interface SenderServer extends FleetServer {
  readonly url: string;
  readonly apiKey: string;
}

export interface FleetView {
  readonly index: FleetIndex;
  readonly servers: ReadonlyMap<string, SenderServer>;
  /** Each number's warm-up, budget overrides and reach-out lock (number safety). */
  readonly safety: ReadonlyMap<string, NumberSafetyRow>;
  readonly loadedAt: number;
}

export interface Fleet {
  start(): Promise<void>;
  /** The current snapshot; refreshed in the background past its TTL, never per message. */
  view(): FleetView;
  /** A send said "Connection Closed": stop routing to it now, here and (via NOTIFY) everywhere. */
  markInstanceDisconnected(instanceId: string): Promise<void>;
  /**
   * A 401 (the key is wrong) or a redirect (the URL points elsewhere): stop routing to the server
   * until an operator fixes it (or the health poll finds it well again).
   */
  markServerUnusable(serverId: string, health: 'unauthorized' | 'incompatible', reason: string): Promise<void>;
  /**
   * A number sent (number safety): its last send is noted, at most once per `hourMs`, and a number
   * idle for `idleMs` starts its warm-up again at this send.
   */
  noteSent(instanceId: string, rule: { hourMs: number; idleMs: number }): Promise<void>;
  refresh(): Promise<void>;
  close(): Promise<void>;
}

interface FleetDeps {
  db: DbHandle;
  secretKey: string;
  logger: Logger;
  ttlMs: number;
}

interface InstanceRow {
  id: string;
  evolution_api_id: string;
  instance_name: string;
  tenant_id: string | null;
  status: FleetInstance['status'];
  is_primary: boolean;
  health: FleetInstance['health'] | null;
  created_at: Date;
  warm_since: Date;
  last_sent_at: Date | null;
  marked_warm_at: Date | null;
  budget_per_minute: number | null;
  budget_per_hour: number | null;
  budget_per_day: number | null;
  budget_new_contacts_per_day: number | null;
  reachout_locked_until: Date | null;
}

const ms = (date: Date | null) => (date ? new Date(date).getTime() : null);

function safetyOf(row: InstanceRow): NumberSafetyRow {
  return {
    createdAt: new Date(row.created_at).getTime(),
    warmSince: new Date(row.warm_since).getTime(),
    lastSentAt: ms(row.last_sent_at),
    markedWarmAt: ms(row.marked_warm_at),
    budget: {
      perMinute: row.budget_per_minute,
      perHour: row.budget_per_hour,
      perDay: row.budget_per_day,
      newContactsPerDay: row.budget_new_contacts_per_day,
    },
    reachoutLockedUntil: ms(row.reachout_locked_until),
  };
}

/**
 * The in-memory routing snapshot: every server (with its decrypted key) and instance, indexed by
 * the balancer. Kept fresh by Postgres LISTEN on the fleet channel (admin-api and other replicas
 * NOTIFY after changes) and by a TTL as a safety net.
 */
export function createFleet(deps: FleetDeps): Fleet {
  const { sql } = deps.db;
  let current: FleetView = { index: buildFleetIndex([], []), servers: new Map(), safety: new Map(), loadedAt: 0 };
  let loading: Promise<void> | undefined;
  let debounce: NodeJS.Timeout | undefined;
  let unlisten: (() => Promise<void>) | undefined;
  let closed = false;

  async function load(): Promise<void> {
    const [serverRows, instanceRows] = await Promise.all([
      sql<
        {
          id: string;
          name: string;
          url: string;
          api_key_encrypted: string;
          capacity: number;
          priority: number;
          is_active: boolean;
          health: string;
        }[]
      >`
        select id, name, url, api_key_encrypted, capacity, priority, is_active, health from evolution_apis`,
      sql<InstanceRow[]>`
        select w.id, w.evolution_api_id, w.instance_name, w.tenant_id, w.status, w.is_primary, h.state as health,
               w.created_at, w.warm_since, w.last_sent_at, w.marked_warm_at, w.budget_per_minute, w.budget_per_hour,
               w.budget_per_day, w.budget_new_contacts_per_day, w.reachout_locked_until
          from whatsapp_instances w left join whatsapp_instance_health h on h.whatsapp_instance_id = w.id`,
    ]);
    const servers: SenderServer[] = [];
    for (const row of serverRows) {
      let apiKey = '';
      try {
        apiKey = decryptSecret(row.api_key_encrypted, deps.secretKey);
      } catch {
        deps.logger.error(
          { evolutionApiId: row.id },
          'cannot decrypt Evolution API key (wrong SECRET_KEY?); server skipped',
        );
      }
      servers.push({
        id: row.id,
        name: row.name,
        url: row.url,
        apiKey,
        capacity: row.capacity,
        priority: row.priority,
        // An unusable key or a server that answers what we cannot use (a redirect, v1) makes it
        // unroutable, exactly like an inactive one.
        isActive: row.is_active && row.health !== 'unauthorized' && row.health !== 'incompatible' && apiKey !== '',
      });
    }
    const instances: FleetInstance[] = instanceRows.map((row) => ({
      id: row.id,
      serverId: row.evolution_api_id,
      instanceName: row.instance_name,
      tenantId: row.tenant_id,
      status: row.status,
      isPrimary: row.is_primary,
      ...(row.health ? { health: row.health } : {}),
    }));
    const safety = new Map(instanceRows.map((row) => [row.id, safetyOf(row)]));
    current = {
      index: buildFleetIndex(servers, instances),
      servers: new Map(servers.map((s) => [s.id, s])),
      safety,
      loadedAt: Date.now(),
    };
  }

  function refresh(): Promise<void> {
    loading ??= load()
      .catch((err: unknown) => deps.logger.warn({ err }, 'fleet refresh failed; keeping the previous snapshot'))
      .finally(() => {
        loading = undefined;
      });
    return loading;
  }

  function scheduleRefresh(): void {
    if (closed) return;
    clearTimeout(debounce);
    // Bursts of admin changes arrive as bursts of NOTIFYs; one reload covers them all.
    debounce = setTimeout(() => void refresh(), 100);
  }

  async function notifyChanged(): Promise<void> {
    await notifyFleetChanged(sql);
  }

  /** Applies a change to the local snapshot at once, before the reload catches up. */
  function patchInstance(instanceId: string, status: FleetInstance['status']): void {
    const instances = [...current.index.instances.values()].map((i) => (i.id === instanceId ? { ...i, status } : i));
    current = { ...current, index: buildFleetIndex([...current.servers.values()], instances) };
  }

  return {
    async start() {
      await load();
      const listener = await sql.listen(FLEET_CHANGED_CHANNEL, () => scheduleRefresh());
      unlisten = () => listener.unlisten();
    },
    view() {
      if (Date.now() - current.loadedAt > deps.ttlMs) void refresh();
      return current;
    },
    async markInstanceDisconnected(instanceId) {
      patchInstance(instanceId, 'disconnected');
      await sql`
        update whatsapp_instances set status = 'disconnected', status_changed_at = now(), updated_at = now()
        where id = ${instanceId} and status <> 'disconnected'`;
      await notifyChanged();
    },
    async markServerUnusable(serverId, health, reason) {
      const server = current.servers.get(serverId);
      if (server) {
        const servers = [...current.servers.values()].map((s) => (s.id === serverId ? { ...s, isActive: false } : s));
        current = {
          ...current,
          index: buildFleetIndex(servers, [...current.index.instances.values()]),
          servers: new Map(servers.map((s) => [s.id, s])),
        };
      }
      await sql`
        update evolution_apis set health = ${health}, last_error = ${reason}, last_checked_at = now(), updated_at = now()
        where id = ${serverId}`;
      await notifyChanged();
    },
    async noteSent(instanceId, rule) {
      const known = current.safety.get(instanceId);
      if (!known || (known.lastSentAt !== null && Date.now() - known.lastSentAt < rule.hourMs)) return;
      const [row] = await sql<{ last_sent_at: Date; warm_since: Date; rewarmed: boolean }[]>`
        with before as (
          select id, greatest(warm_since, coalesce(last_sent_at, warm_since), coalesce(marked_warm_at, warm_since))
                   < now() - ${rule.idleMs} * interval '1 millisecond' as idle
            from whatsapp_instances where id = ${instanceId}
        )
        update whatsapp_instances w
           set last_sent_at = now(), warm_since = case when before.idle then now() else w.warm_since end
          from before
         where w.id = before.id and (w.last_sent_at is null or w.last_sent_at < now() - ${rule.hourMs} * interval '1 millisecond')
        returning w.last_sent_at, w.warm_since, before.idle as rewarmed`;
      if (!row) return;
      const safety = new Map(current.safety);
      safety.set(instanceId, {
        ...known,
        lastSentAt: new Date(row.last_sent_at).getTime(),
        warmSince: new Date(row.warm_since).getTime(),
      });
      current = { ...current, safety };
      // Only a restarted warm-up changes what other replicas must know at once.
      if (row.rewarmed) await notifyChanged();
    },
    refresh,
    async close() {
      closed = true;
      clearTimeout(debounce);
      await unlisten?.().catch(() => {});
      await loading;
    },
  };
}
