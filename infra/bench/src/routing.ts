import { buildFleetIndex, routeMessage, type FleetInstance, type FleetServer, type RouteRequest } from '@bora/balancer';
import { median, round } from './measure.ts';

export interface RoutingPoint {
  instances: number;
  servers: number;
  /** Median over samples of the mean time per routeMessage call. */
  routeUs: number;
  buildMs: number;
}

export interface RoutingResult {
  points: RoutingPoint[];
  /** routeUs at the largest fleet ÷ routeUs at the smallest: 1 = flat. */
  growth: number;
}

const PER_SERVER = 20;

/**
 * A fleet shaped like production: 20 numbers per server, three priority tiers, 2% of servers
 * inactive, 5% of numbers disconnected; 80% of numbers belong to a business (two per tenant), 20%
 * are shared senders. Requests cycle over every tenant plus as many tenants with no number of
 * their own (they fall through to the shared senders), with 1% of servers' circuits open.
 */
function syntheticFleet(instanceCount: number) {
  const serverCount = Math.max(1, Math.round(instanceCount / PER_SERVER));
  const servers: FleetServer[] = Array.from({ length: serverCount }, (_, s) => ({
    id: `srv-${s}`,
    name: `evo${s}`,
    capacity: PER_SERVER,
    priority: s % 3,
    isActive: s % 50 !== 49,
  }));
  const instances: FleetInstance[] = [];
  const tenants: string[] = [];
  for (let i = 0; i < serverCount * PER_SERVER; i++) {
    const shared = i % 5 === 4;
    const tenant = shared ? null : `tenant-${Math.floor(i / 2)}`;
    if (tenant && i % 2 === 0) tenants.push(tenant);
    instances.push({
      id: `wa-${i}`,
      serverId: `srv-${Math.floor(i / PER_SERVER)}`,
      instanceName: `wa-${String(i).padStart(6, '0')}`,
      tenantId: tenant,
      status: i % 20 === 7 ? 'disconnected' : 'connected',
      isPrimary: tenant !== null && i % 2 === 0,
    });
  }
  const requests: RouteRequest[] = [
    ...tenants.map((tenantId) => ({ tenantId, allowSharedSender: true })),
    ...tenants.map((_, k) => ({ tenantId: `no-numbers-${k}`, allowSharedSender: true })),
  ];
  const openCircuits = new Set(servers.filter((_, s) => s % 100 === 13).map((s) => s.id));
  return { servers, instances, requests, openCircuits };
}

/** `routeMessage` on a built index, per fleet size: the per-message cost must not grow with the fleet. */
export function runRouting(sizes: readonly number[], callsPerSample: number, samples: number): RoutingResult {
  const points: RoutingPoint[] = [];
  for (const size of sizes) {
    const fleet = syntheticFleet(size);
    // Built a few times: the first build runs cold (the JIT has not seen the code yet).
    const builds: number[] = [];
    let index = buildFleetIndex(fleet.servers, fleet.instances);
    for (let b = 0; b < 3; b++) {
      const built = performance.now();
      index = buildFleetIndex(fleet.servers, fleet.instances);
      builds.push(performance.now() - built);
    }
    const buildMs = median(builds);
    let rotation = 0;
    let sink = 0;
    const call = (k: number) => {
      const decision = routeMessage(index, fleet.requests[k % fleet.requests.length]!, {
        openCircuits: fleet.openCircuits,
        rotation: rotation++,
      });
      sink += decision.candidates.length;
    };
    for (let k = 0; k < callsPerSample; k++) call(k); // warm-up: let the JIT settle
    const perCall: number[] = [];
    for (let s = 0; s < samples; s++) {
      const start = process.hrtime.bigint();
      for (let k = 0; k < callsPerSample; k++) call(k);
      perCall.push(Number(process.hrtime.bigint() - start) / 1_000 / callsPerSample);
    }
    if (sink === 0) throw new Error('routing returned no candidates at all');
    points.push({
      instances: fleet.instances.length,
      servers: fleet.servers.length,
      routeUs: round(median(perCall), 3),
      buildMs: round(buildMs, 1),
    });
  }
  const first = points[0]!.routeUs;
  const last = points.at(-1)!.routeUs;
  return { points, growth: round(last / first, 2) };
}
