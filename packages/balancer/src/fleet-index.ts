import type { FleetInstance, FleetServer } from './types.ts';

/**
 * A read-only fleet snapshot indexed for routing: a message looks only at its tenant's few
 * instances and the head of the shared-sender list, never at the whole fleet.
 */
export interface FleetIndex {
  readonly servers: ReadonlyMap<string, FleetServer>;
  readonly instances: ReadonlyMap<string, FleetInstance>;
  /** Each tenant's instances: healthy before degraded, then primary first, then by server priority, then name. */
  readonly byTenant: ReadonlyMap<string, readonly FleetInstance[]>;
  readonly byServer: ReadonlyMap<string, readonly FleetInstance[]>;
  /** Shared senders grouped by server priority, highest first; each group ordered by name. */
  readonly sharedByPriority: readonly (readonly FleetInstance[])[];
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function buildFleetIndex(servers: readonly FleetServer[], instances: readonly FleetInstance[]): FleetIndex {
  const serverMap = new Map(servers.map((s) => [s.id, s]));
  const priorityOf = (instance: FleetInstance) =>
    serverMap.get(instance.serverId)?.priority ?? Number.NEGATIVE_INFINITY;
  const byName = (a: FleetInstance, b: FleetInstance) =>
    a.instanceName < b.instanceName ? -1 : a.instanceName > b.instanceName ? 1 : 0;

  const byTenant = new Map<string, FleetInstance[]>();
  const byServer = new Map<string, FleetInstance[]>();
  const sharedGroups = new Map<number, FleetInstance[]>();
  for (const instance of instances) {
    push(byServer, instance.serverId, instance);
    if (instance.tenantId === null) push(sharedGroups, priorityOf(instance), instance);
    else push(byTenant, instance.tenantId, instance);
  }
  const degraded = (instance: FleetInstance) => Number(instance.health === 'degraded');
  for (const list of byTenant.values()) {
    list.sort(
      (a, b) =>
        degraded(a) - degraded(b) ||
        Number(b.isPrimary) - Number(a.isPrimary) ||
        priorityOf(b) - priorityOf(a) ||
        byName(a, b),
    );
  }
  for (const list of byServer.values()) list.sort(byName);
  const sharedByPriority = [...sharedGroups.entries()]
    .sort(([a], [b]) => b - a)
    .map(([, list]) => list.sort((a, b) => Number(b.isPrimary) - Number(a.isPrimary) || byName(a, b)));

  return {
    servers: serverMap,
    instances: new Map(instances.map((i) => [i.id, i])),
    byTenant,
    byServer,
    sharedByPriority,
  };
}
