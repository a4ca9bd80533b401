import { decryptSecret, encryptSecret, randomToken } from '@bora/core';
import { createDb, FLEET_CHANGED_CHANNEL, evolutionApis, tenants, whatsappInstances } from '@bora/db';
import { eq } from 'drizzle-orm';
import { DEMO_SERVERS, DEMO_TENANT, type DemoInstance } from './demo-fleet.ts';

export interface SeededServer {
  id: string;
  simName: string;
  apiKey: string;
  webhookSecret: string;
  instances: DemoInstance[];
}

const STATUS = { open: 'connected', connecting: 'connecting', close: 'disconnected' } as const;

/**
 * Inserts the demo fleet unless it is already there (matched by tenant slug, server name and
 * instance name), so running `pnpm start` again never duplicates it. Returns what the simulator
 * needs: each server's id, key and webhook secret.
 */
export async function seedDemo(databaseUrl: string, secretKey: string, simUrl: string): Promise<SeededServer[]> {
  const handle = createDb(databaseUrl, { max: 2, applicationName: 'bora-dev-seed' });
  const { db } = handle;
  try {
    await db.insert(tenants).values(DEMO_TENANT).onConflictDoNothing({ target: tenants.slug });
    const [tenant] = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, DEMO_TENANT.slug));
    const seeded: SeededServer[] = [];
    for (const server of DEMO_SERVERS) {
      await db
        .insert(evolutionApis)
        .values({
          name: server.name,
          url: `${simUrl}/${server.simName}`,
          apiKeyEncrypted: encryptSecret(server.apiKey, secretKey),
          webhookSecretEncrypted: encryptSecret(randomToken(), secretKey),
          capacity: 20,
          priority: server.priority,
        })
        .onConflictDoNothing({ target: evolutionApis.name });
      const [row] = await db.select().from(evolutionApis).where(eq(evolutionApis.name, server.name));
      for (const instance of server.instances) {
        await db
          .insert(whatsappInstances)
          .values({
            evolutionApiId: row!.id,
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
        id: row!.id,
        simName: server.simName,
        apiKey: decryptSecret(row!.apiKeyEncrypted, secretKey),
        webhookSecret: decryptSecret(row!.webhookSecretEncrypted, secretKey),
        instances: server.instances,
      });
    }
    await handle.sql`select pg_notify(${FLEET_CHANGED_CHANNEL}, '')`;
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
        webhook: {
          url: `${adminUrl}/webhooks/evolution/${s.id}`,
          headers: { 'x-bora-webhook-secret': s.webhookSecret },
          events: ['SEND_MESSAGE', 'MESSAGES_UPDATE', 'CONNECTION_UPDATE', 'LOGOUT_INSTANCE', 'STATUS_INSTANCE'],
        },
      })),
    })),
    webhook: { ackDelaysMs: [300, 1500, 4000] },
  };
}
