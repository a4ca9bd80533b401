import { NO_EVOLUTION_API_AVAILABLE, NO_EVOLUTION_API_AVAILABLE_MESSAGE, type FleetServer } from './types.ts';

/** A server as placement sees it: `used` = WhatsApp instances registered on it. */
export interface PlacementServer extends FleetServer {
  readonly used: number;
}

/** `reason` is shown to operators as is (admin page, 409 details), so it is pt-BR. */
export interface PlacementVerdict {
  readonly serverId: string;
  readonly name: string;
  readonly eligible: boolean;
  readonly reason: string;
}

export type PlacementDecision =
  | {
      readonly ok: true;
      readonly server: PlacementServer;
      readonly reason: string;
      readonly verdicts: readonly PlacementVerdict[];
    }
  | {
      readonly ok: false;
      readonly code: typeof NO_EVOLUTION_API_AVAILABLE;
      readonly message: string;
      readonly verdicts: readonly PlacementVerdict[];
    };

function usage(server: PlacementServer): number {
  return server.used / server.capacity;
}

/**
 * Orders two eligible servers by the seed's criteria 3 and 4: highest priority, then least used
 * (by share of capacity, then by count), then name and id so ties never depend on input order.
 */
export function comparePlacement(a: PlacementServer, b: PlacementServer): number {
  return (
    b.priority - a.priority ||
    usage(a) - usage(b) ||
    a.used - b.used ||
    a.name.localeCompare(b.name) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/**
 * Where a new WhatsApp instance goes, by the seed's four criteria in order: 1. active?
 * 2. has room (used < capacity)? 3. highest priority? 4. least used? Pure; every server gets a
 * verdict so the admin can show why it was or was not chosen.
 */
export function placeInstance(servers: readonly PlacementServer[]): PlacementDecision {
  let best: PlacementServer | undefined;
  const verdicts: PlacementVerdict[] = [];
  for (const server of servers) {
    if (!server.isActive) {
      verdicts.push({ serverId: server.id, name: server.name, eligible: false, reason: 'inativa' });
      continue;
    }
    if (server.used >= server.capacity) {
      verdicts.push({
        serverId: server.id,
        name: server.name,
        eligible: false,
        reason: `cheia (${server.used}/${server.capacity})`,
      });
      continue;
    }
    verdicts.push({
      serverId: server.id,
      name: server.name,
      eligible: true,
      reason: `com espaço (${server.used}/${server.capacity}), prioridade ${server.priority}`,
    });
    if (!best || comparePlacement(server, best) < 0) best = server;
  }
  if (!best) {
    return { ok: false, code: NO_EVOLUTION_API_AVAILABLE, message: NO_EVOLUTION_API_AVAILABLE_MESSAGE, verdicts };
  }
  return {
    ok: true,
    server: best,
    reason: `${best.name}: ativa, com espaço (${best.used}/${best.capacity}), maior prioridade (${best.priority}), menos usada entre as de mesma prioridade`,
    verdicts,
  };
}
