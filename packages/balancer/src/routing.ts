import type { FleetIndex } from './fleet-index.ts';
import type { FleetInstance } from './types.ts';

export interface RouteRequest {
  readonly tenantId: string;
  readonly allowSharedSender: boolean;
  /** The seed's `evolution_api=evo1`: only this server may send. */
  readonly forcedServerId?: string | null;
  /** An answer to a customer goes from the number they wrote to, and from no other. */
  readonly forcedInstanceId?: string | null;
  /**
   * Only the platform's shared senders, whatever the tenant allows: the platform writing to a
   * business owner (a re-link alert) never speaks through the business's own numbers.
   */
  readonly sharedOnly?: boolean;
}

/** Everything that changes between messages, passed in so routing stays pure. */
export interface RouteState {
  /** Servers whose circuit is open (shared across dispatcher replicas). */
  readonly openCircuits?: ReadonlySet<string>;
  /** Instances already tried in this attempt, or known to be failing right now. */
  readonly excludedInstances?: ReadonlySet<string>;
  /**
   * Numbers that already talked with this customer, most recent first (sticky sender): the first
   * one this message may use goes first, as `sticky-sender`, so a customer keeps hearing from the
   * number that messaged them before.
   */
  readonly preferredInstances?: readonly string[];
  /**
   * Where the round-robin over equally ranked shared senders starts; any integer. A caller that
   * adds one per routed message (the dispatcher does) gets DESIGN.md's "priority, then least
   * recent load": among senders of equal priority, the one used least recently goes first.
   */
  readonly rotation?: number;
  /** How many candidates to return at most. */
  readonly limit?: number;
}

export type CandidateReason =
  'forced-instance' | 'forced-server' | 'sticky-sender' | 'tenant-primary' | 'tenant-instance' | 'shared-sender';
export type SkipReason =
  | 'server-inactive'
  | 'server-unknown'
  | 'circuit-open'
  | 'instance-not-connected'
  | 'instance-failing'
  | 'already-tried';

export interface RouteCandidate {
  readonly serverId: string;
  readonly instanceId: string;
  readonly instanceName: string;
  readonly reason: CandidateReason;
  /** The number's own health, when judged (see `InstanceHealth`). */
  readonly health?: FleetInstance['health'];
  /** False for a shared platform sender. */
  readonly own: boolean;
}

export interface RouteDecision {
  readonly candidates: readonly RouteCandidate[];
  readonly skipped: readonly {
    readonly instanceId: string;
    readonly instanceName: string;
    readonly reason: SkipReason;
  }[];
  /** Set when nothing can send, in words an operator understands. */
  readonly problem?: string;
}

const DEFAULT_LIMIT = 5;

/**
 * The ordered (server, instance) candidates for one message: a forced server's instances; else the
 * tenant's own connected instances (healthy before degraded, primary first); then, when the tenant
 * allows it, shared senders by server priority, then least recent load (round-robin among equals,
 * see `RouteState.rotation`). The number that last talked with the customer, if it may send this
 * message, goes first. Inactive servers, open circuits, instances that are not connected, numbers
 * that swallow their messages and instances already tried are skipped, each with its reason.
 */
export function routeMessage(index: FleetIndex, request: RouteRequest, state: RouteState = {}): RouteDecision {
  const limit = state.limit ?? DEFAULT_LIMIT;
  const candidates: RouteCandidate[] = [];
  const skipped: { instanceId: string; instanceName: string; reason: SkipReason }[] = [];
  const seen = new Set<string>();
  const sharedAllowed = request.sharedOnly === true || request.allowSharedSender;

  const skipReason = (instance: FleetInstance): SkipReason | undefined => {
    const server = index.servers.get(instance.serverId);
    if (!server) return 'server-unknown';
    if (!server.isActive) return 'server-inactive';
    if (state.openCircuits?.has(server.id)) return 'circuit-open';
    if (instance.status !== 'connected') return 'instance-not-connected';
    if (instance.health === 'failing') return 'instance-failing';
    if (state.excludedInstances?.has(instance.id)) return 'already-tried';
    return undefined;
  };
  const consider = (instance: FleetInstance, reason: CandidateReason): void => {
    if (seen.has(instance.id)) return;
    seen.add(instance.id);
    const skip = skipReason(instance);
    if (skip) skipped.push({ instanceId: instance.id, instanceName: instance.instanceName, reason: skip });
    else {
      candidates.push({
        serverId: instance.serverId,
        instanceId: instance.id,
        instanceName: instance.instanceName,
        reason,
        own: instance.tenantId !== null,
        ...(instance.health ? { health: instance.health } : {}),
      });
    }
  };
  /** May this message go out through this number at all (its owner, the forced server)? */
  const mayUse = (instance: FleetInstance): boolean => {
    if (request.forcedServerId && instance.serverId !== request.forcedServerId) return false;
    if (instance.tenantId === null) return sharedAllowed;
    return !request.sharedOnly && instance.tenantId === request.tenantId;
  };
  // An answer to a customer: the number they wrote to, or nothing (no sticky sender, no failover).
  if (request.forcedInstanceId) {
    const instance = index.instances.get(request.forcedInstanceId);
    if (!instance)
      return { candidates, skipped, problem: 'O WhatsApp que recebeu a mensagem do cliente não existe mais' };
    consider(instance, 'forced-instance');
    return finish(candidates, skipped, `O WhatsApp ${instance.instanceName} não está disponível para responder`);
  }

  // Sticky sender: the most recent number of this customer's that this message may use and that
  // can send now. One that cannot (disconnected, failing) is not noted: the usual order decides.
  for (const id of state.preferredInstances ?? []) {
    const instance = index.instances.get(id);
    if (instance && mayUse(instance) && !skipReason(instance)) {
      consider(instance, 'sticky-sender');
      break;
    }
  }

  if (request.forcedServerId) {
    const server = index.servers.get(request.forcedServerId);
    if (!server) return { candidates, skipped, problem: 'O servidor Evolution escolhido não existe' };
    const onServer = index.byServer.get(server.id) ?? [];
    // The tenant's own numbers on that server first, then shared ones there.
    const own = request.sharedOnly ? [] : onServer.filter((i) => i.tenantId === request.tenantId);
    const shared = onServer.filter((i) => i.tenantId === null);
    for (const instance of [...own, ...shared]) {
      if (candidates.length >= limit) break;
      consider(instance, 'forced-server');
    }
    return finish(candidates, skipped, `Nenhum WhatsApp conectado disponível em ${server.name}`);
  }

  if (!request.sharedOnly) {
    for (const instance of index.byTenant.get(request.tenantId) ?? []) {
      if (candidates.length >= limit) break;
      consider(instance, instance.isPrimary ? 'tenant-primary' : 'tenant-instance');
    }
  }
  if (sharedAllowed) {
    // Deliberate round-robin within each priority group (not "least used by count"): with the
    // rotation advancing per message it is least-recently-used spreading, and it stays pure
    // (no per-sender load state in the snapshot).
    const rotation = Math.abs(Math.trunc(state.rotation ?? 0));
    for (const group of index.sharedByPriority) {
      for (let i = 0; i < group.length && candidates.length < limit; i++) {
        consider(group[(i + rotation) % group.length]!, 'shared-sender');
      }
      if (candidates.length >= limit) break;
    }
  }
  return finish(
    candidates,
    skipped,
    request.sharedOnly
      ? 'Nenhum remetente compartilhado da plataforma conectado'
      : 'Nenhum WhatsApp conectado disponível para este negócio',
  );
}

function finish(candidates: RouteCandidate[], skipped: RouteDecision['skipped'], problem: string): RouteDecision {
  return candidates.length > 0 ? { candidates, skipped } : { candidates, skipped, problem };
}
