import { decryptSecret, encryptSecret, randomToken } from '@bora/core';
import {
  createDb,
  type Db,
  type EvolutionApi,
  evolutionApis,
  notifyFleetChanged,
  tenants,
  whatsappInstances,
} from '@bora/db';
import { webhookFor } from '@bora/evolution-client';
import { eq } from 'drizzle-orm';
import { DEMO_SERVERS, DEMO_TENANT, type DemoInstance, type DemoServer } from './demo-fleet.ts';
import { seedDemoCatalogue } from './seed-catalogue.ts';

export interface SeededServer {
  id: string;
  simName: string;
  apiKey: string;
  webhookSecret: string;
  instances: DemoInstance[];
}

const STATUS = { open: 'connected', connecting: 'connecting', close: 'disconnected' } as const;

function opens(stored: string, secretKey: string): boolean {
  try {
    decryptSecret(stored, secretKey);
    return true;
  } catch {
    return false;
  }
}

/**
 * One demo server, inserted once. On later runs only what this run's configuration decides is
 * brought up to date: the URL (it carries SIM_PORT), and the encrypted key and webhook secret when
 * SECRET_KEY changed and they no longer decrypt. Operator edits (priority, capacity, active, a
 * key set through admin-api) are kept.
 */
async function ensureServer(db: Db, server: DemoServer, url: string, secretKey: string): Promise<EvolutionApi> {
  await db
    .insert(evolutionApis)
    .values({
      name: server.name,
      url,
      apiKeyEncrypted: encryptSecret(server.apiKey, secretKey),
      webhookSecretEncrypted: encryptSecret(randomToken(), secretKey),
      capacity: 20,
      priority: server.priority,
    })
    .onConflictDoNothing({ target: evolutionApis.name });
  const [row] = await db.select().from(evolutionApis).where(eq(evolutionApis.name, server.name));
  const patch: Partial<EvolutionApi> = {};
  if (row!.url !== url) patch.url = url;
  if (!opens(row!.apiKeyEncrypted, secretKey)) patch.apiKeyEncrypted = encryptSecret(server.apiKey, secretKey);
  if (!opens(row!.webhookSecretEncrypted, secretKey))
    patch.webhookSecretEncrypted = encryptSecret(randomToken(), secretKey);
  if (Object.keys(patch).length === 0) return row!;
  const [updated] = await db
    .update(evolutionApis)
    .set({ ...patch, updatedAt: new Date() })
    .where(eq(evolutionApis.id, row!.id))
    .returning();
  return updated!;
}

/**
 * Inserts the demo fleet and the demo business's catalogue unless they are already there (matched
 * by tenant slug, server name and instance name; a tenant with services keeps its own), so
 * running `pnpm start` again never duplicates it; a server's URL follows the simulator's current
 * port (see `ensureServer`). Returns what the simulator needs: each server's id, key and webhook
 * secret.
 */
export async function seedDemo(databaseUrl: string, secretKey: string, simUrl: string): Promise<SeededServer[]> {
  const handle = createDb(databaseUrl, { max: 2, applicationName: 'bora-dev-seed' });
  const { db } = handle;
  try {
    await db.insert(tenants).values(DEMO_TENANT).onConflictDoNothing({ target: tenants.slug });
    const [tenant] = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, DEMO_TENANT.slug));
    await seedDemoCatalogue(db, tenant!.id);
    const seeded: SeededServer[] = [];
    for (const server of DEMO_SERVERS) {
      const row = await ensureServer(db, server, `${simUrl}/${server.simName}`, secretKey);
      for (const instance of server.instances) {
        await db
          .insert(whatsappInstances)
          .values({
            evolutionApiId: row.id,
            tenantId: instance.owner === 'tenant' ? tenant!.id : null,
            instanceName: instance.name,
            phoneNumber: instance.phone,
            displayName: instance.displayName,
            isPrimary: instance.isPrimary,
            status: STATUS[instance.state],
          })
          .onConflictDoNothing();
      }
      seeded.push({
        id: row.id,
        simName: server.simName,
        apiKey: decryptSecret(row.apiKeyEncrypted, secretKey),
        webhookSecret: decryptSecret(row.webhookSecretEncrypted, secretKey),
        instances: server.instances,
      });
    }
    await notifyFleetChanged(handle.sql);
    return seeded;
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
