import type { AdminApiConfig } from '@bora/config';
import {
  type DbHandle,
  type EvolutionApi,
  type EvolutionHealth,
  type InstanceStatus,
  notifyFleetChanged,
} from '@bora/db';
import type { ConnectionState, EvolutionClient } from '@bora/evolution-client';
import { isEvolutionError } from '@bora/evolution-client';
import type { Logger } from '@bora/logger';
import { errorFields, healthFromError, withServerClient } from './server-client.ts';
import { operatorMessage } from './operator-messages.ts';

export interface PollDeps {
  db: DbHandle;
  config: Pick<AdminApiConfig, 'secretKey' | 'evolutionTimeoutMs'>;
  logger: Logger;
  /** Servers polled at once; each polls its own instances one by one (they share one socket pool). */
  concurrency?: number;
}

export interface ServerPoll {
  evolutionApiId: string;
  health: EvolutionHealth;
  error: string | null;
  statuses: Record<string, InstanceStatus>;
}

export interface PollReport {
  servers: ServerPoll[];
  instancesChanged: number;
  healthChanged: number;
}

const FROM_STATE: Record<ConnectionState, InstanceStatus> = {
  open: 'connected',
  connecting: 'connecting',
  close: 'disconnected',
  refused: 'disconnected',
};

/** A failure that speaks about the whole server (down, wrong key, wrong version) ends its round. */
class ServerDown extends Error {
  constructor(readonly reason: unknown) {
    super('server-level failure');
  }
}

async function pollServer(
  client: EvolutionClient,
  instances: { id: string; instanceName: string }[],
): Promise<Record<string, InstanceStatus>> {
  const statuses: Record<string, InstanceStatus> = {};
  // Even an empty server gets one authenticated call, so its health is known before it hosts anything.
  if (instances.length === 0)
    await client.fetchInstances().catch((error: unknown) => Promise.reject(new ServerDown(error)));
  for (const instance of instances) {
    try {
      const { state } = await client.connectionState(instance.instanceName);
      // No state = known to the server but not loaded in memory: it cannot send.
      statuses[instance.id] = state ? FROM_STATE[state] : 'disconnected';
    } catch (error) {
      if (isEvolutionError(error) && error.code === 'INSTANCE_NOT_FOUND') statuses[instance.id] = 'disconnected';
      else if (healthFromError(error)) throw new ServerDown(error);
    }
  }
  return statuses;
}

/**
 * One round of the health poll: for every active server, the real `connectionState` of each of its
 * instances, and the server's health from how it answered. Writes only what changed (instance
 * statuses in one statement, then the server row) and wakes the dispatchers once if anything did.
 * Pure of timers: the plugin schedules it, tests call it.
 */
export async function pollFleetHealth(deps: PollDeps): Promise<PollReport> {
  const { sql } = deps.db;
  const servers = await sql<(Pick<EvolutionApi, 'id' | 'url' | 'apiKeyEncrypted' | 'health'> & { name: string })[]>`
    select id, name, url, api_key_encrypted as "apiKeyEncrypted", health from evolution_apis where is_active order by id`;
  const instances = await sql<{ id: string; instanceName: string; evolutionApiId: string }[]>`
    select w.id, w.instance_name as "instanceName", w.evolution_api_id as "evolutionApiId"
    from whatsapp_instances w join evolution_apis e on e.id = w.evolution_api_id where e.is_active`;
  const byServer = new Map<string, { id: string; instanceName: string }[]>();
  for (const i of instances) byServer.set(i.evolutionApiId, [...(byServer.get(i.evolutionApiId) ?? []), i]);

  const results: ServerPoll[] = [];
  const queue = [...servers];
  const worker = async () => {
    for (let server = queue.shift(); server; server = queue.shift()) {
      const poll: ServerPoll = { evolutionApiId: server.id, health: 'online', error: null, statuses: {} };
      try {
        poll.statuses = await withServerClient(deps.config, server, (client) =>
          pollServer(client, byServer.get(server!.id) ?? []),
        );
      } catch (error) {
        const cause = error instanceof ServerDown ? error.reason : error;
        poll.health = healthFromError(cause) ?? 'unreachable';
        poll.error = operatorMessage(cause);
        if (server.health !== poll.health)
          deps.logger.warn(
            { evolutionApiId: server.id, health: poll.health, ...errorFields(cause) },
            'evolution api health changed',
          );
      }
      results.push(poll);
    }
  };
  await Promise.all(Array.from({ length: Math.min(deps.concurrency ?? 16, Math.max(1, servers.length)) }, worker));

  const changes = results.flatMap((r) => Object.entries(r.statuses).map(([id, status]) => ({ id, status })));
  let instancesChanged = 0;
  if (changes.length > 0) {
    const updated = await sql<{ id: string }[]>`
      update whatsapp_instances w
         set status = v.status, status_changed_at = now(), updated_at = now()
        from (select * from json_to_recordset(${JSON.stringify(changes)}::json) as x(id uuid, status text)) v
       where w.id = v.id and w.status <> v.status
      returning w.id`;
    instancesChanged = updated.length;
  }
  const health = results.map((r) => ({ id: r.evolutionApiId, health: r.health, error: r.error }));
  let healthChanged = 0;
  if (health.length > 0) {
    const [row] = await sql<{ changed: number }[]>`
      with v as (
        select x.*, e.health as previous
        from json_to_recordset(${JSON.stringify(health)}::json) as x(id uuid, health text, error text)
        join evolution_apis e on e.id = x.id
      ), u as (
        update evolution_apis e
           set health = v.health, last_error = v.error, last_checked_at = now(),
               updated_at = case when v.previous is distinct from v.health then now() else e.updated_at end
          from v where e.id = v.id
        returning v.previous is distinct from v.health as changed
      )
      select count(*) filter (where changed)::int as changed from u`;
    healthChanged = row?.changed ?? 0;
  }
  if (instancesChanged > 0 || healthChanged > 0) await notifyFleetChanged(sql);
  return { servers: results, instancesChanged, healthChanged };
}
