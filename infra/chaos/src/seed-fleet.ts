import { randomToken } from '@bora/core';
import { createDb, seedFleet as seedFleetRows } from '@bora/db';
import { webhookFor } from '@bora/evolution-client';

/**
 * What a scenario runs against: tenants, Evolution servers (virtual servers of the simulator, or
 * a URL nobody listens on) and their WhatsApp instances. Seeded in Postgres and in the simulator
 * from this one description, with fresh random API keys and webhook secrets.
 */
export interface InstanceSpec {
  name: string;
  phone: string;
  /** Tenant slug owning the number; null = a shared platform sender. */
  tenant: string | null;
  isPrimary?: boolean;
  state?: 'open' | 'connecting' | 'close';
  /** What the ledger believes, when it differs from the simulator's `state` (a stale status). */
  ledgerStatus?: 'connected' | 'connecting' | 'disconnected';
  /** Further simulator options for this instance (e.g. `session: 'unpaired'`). */
  sim?: Record<string, unknown>;
}

export interface ServerSpec {
  name: string;
  /** Virtual server name in the simulator; ignored when `url` is given. */
  simName: string;
  priority: number;
  /** Overrides the simulator URL, e.g. a closed port for a server that refuses connections. */
  url?: string;
  instances: InstanceSpec[];
}

export interface TenantSpec {
  slug: string;
  name: string;
  allowSharedSender?: boolean;
  timezone?: string;
}

export interface FleetSpec {
  tenants: TenantSpec[];
  servers: ServerSpec[];
}

export interface SeededServer extends ServerSpec {
  id: string;
  apiKey: string;
  webhookSecret: string;
}

const STATUS = { open: 'connected', connecting: 'connecting', close: 'disconnected' } as const;

export async function seedFleet(
  databaseUrl: string,
  secretKey: string,
  simUrl: string,
  fleet: FleetSpec,
): Promise<SeededServer[]> {
  const handle = createDb(databaseUrl, { max: 1, applicationName: 'bora-chaos-seed' });
  const { sql } = handle;
  try {
    const tenantIds = new Map<string, string>();
    for (const t of fleet.tenants) {
      const [row] = await sql<{ id: string }[]>`
        insert into tenants (slug, name, allow_shared_sender, timezone)
        values (${t.slug}, ${t.name}, ${t.allowSharedSender ?? true}, ${t.timezone ?? 'America/Sao_Paulo'}) returning id`;
      tenantIds.set(t.slug, row!.id);
    }
    // Chaos keys are long random strings, so the log audit can search for them verbatim.
    const servers = fleet.servers.map((server) => ({
      name: server.name,
      url: server.url ?? `${simUrl}/${server.simName}`,
      apiKey: `chaos-key-${randomToken(18)}`,
      webhookSecret: randomToken(24),
      priority: server.priority,
      instances: server.instances.map((i) => ({
        name: i.name,
        phone: i.phone,
        tenantId: i.tenant ? tenantIds.get(i.tenant)! : null,
        isPrimary: i.isPrimary ?? false,
        status: i.ledgerStatus ?? STATUS[i.state ?? 'open'],
      })),
    }));
    const seeded = await seedFleetRows(sql, secretKey, servers);
    return fleet.servers.map((server, i) => ({ ...server, ...seeded.servers[i]! }));
  } finally {
    await handle.close();
  }
}

/** The simulator's SIM_CONFIG for the seeded servers that live in it, webhooks aimed at admin-api. */
export function simulatorConfig(servers: SeededServer[], adminUrl: string, webhook: Record<string, unknown>) {
  return {
    servers: servers
      .filter((s) => !s.url)
      .map((s) => ({
        name: s.simName,
        apiKey: s.apiKey,
        instances: s.instances.map((i) => ({
          name: i.name,
          state: i.state ?? 'open',
          ownerNumber: i.phone,
          ...i.sim,
          webhook: webhookFor(adminUrl, s.id, s.webhookSecret),
        })),
      })),
    webhook,
  };
}
