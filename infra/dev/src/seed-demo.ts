import { randomToken } from '@bora/core';
import { createDb, seedFleet, tenants } from '@bora/db';
import { webhookFor } from '@bora/evolution-client';
import { eq } from 'drizzle-orm';
import { DEMO_SERVERS, DEMO_TENANT, type DemoInstance } from './demo-fleet.ts';
import { seedDemoCatalogue } from './seed-catalogue.ts';

export interface SeededServer {
  id: string;
  simName: string;
  apiKey: string;
  webhookSecret: string;
  instances: DemoInstance[];
}

const STATUS = { open: 'connected', connecting: 'connecting', close: 'disconnected' } as const;

/**
 * Inserts the demo fleet and the demo business's catalogue unless they are already there (matched
 * by tenant slug, server name and instance name; a tenant with services keeps its own), so
 * running `pnpm start` again never duplicates it; a server's URL follows the simulator's current
 * port. Returns what the simulator needs: each server's id, key and webhook
 * secret.
 */
export async function seedDemo(databaseUrl: string, secretKey: string, simUrl: string): Promise<SeededServer[]> {
  const handle = createDb(databaseUrl, { max: 2, applicationName: 'bora-dev-seed' });
  const { db } = handle;
  try {
    await db.insert(tenants).values(DEMO_TENANT).onConflictDoNothing({ target: tenants.slug });
    const [tenant] = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, DEMO_TENANT.slug));
    await seedDemoCatalogue(db, tenant!.id);
    // Seeded again on every run: existing rows are reused (their URL follows SIM_PORT; their key
    // and secret are replaced only when they no longer decrypt under SECRET_KEY).
    const { servers } = await seedFleet(
      handle.sql,
      secretKey,
      DEMO_SERVERS.map((server) => ({
        name: server.name,
        url: `${simUrl}/${server.simName}`,
        apiKey: server.apiKey,
        webhookSecret: randomToken(),
        priority: server.priority,
        instances: server.instances.map((instance) => ({
          name: instance.name,
          phone: instance.phone,
          tenantId: instance.owner === 'tenant' ? tenant!.id : null,
          displayName: instance.displayName,
          isPrimary: instance.isPrimary,
          status: STATUS[instance.state],
        })),
      })),
      { reuse: true },
    );
    return DEMO_SERVERS.map((server, i) => ({
      id: servers[i]!.id,
      simName: server.simName,
      apiKey: servers[i]!.apiKey,
      webhookSecret: servers[i]!.webhookSecret,
      instances: server.instances,
    }));
  } finally {
    await handle.close();
  }
}

/** The simulator's configuration for the seeded fleet, with webhooks pointing at admin-api. */
export function simulatorConfig(servers: SeededServer[], adminUrl: string) {
  return {
    servers: servers.map((s) => ({
      name: s.simName,
      apiKey: s.apiKey,
      instances: s.instances.map((i) => ({
        name: i.name,
        state: i.state,
        ownerNumber: i.phone,
        profileName: i.displayName,
        webhook: webhookFor(adminUrl, s.id, s.webhookSecret),
      })),
    })),
    webhook: { ackDelaysMs: [300, 1500, 4000] },
  };
}
