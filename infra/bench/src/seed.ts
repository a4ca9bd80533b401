import { seedFleet as seedFleetRows } from '@bora/db';
import type { Sql } from './database.ts';

export interface SeedServer {
  name: string;
  url: string;
  apiKey: string;
  priority?: number;
}

export interface SeededInstance {
  id: string;
  server: string;
  name: string;
}

export async function createTenant(sql: Sql, slug: string): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    insert into tenants (slug, name, allow_shared_sender) values (${slug}, ${`Negócio ${slug}`}, true) returning id`;
  if (!row) throw new Error('tenant insert returned nothing');
  return row.id;
}

/** A unique Brazilian mobile (E.164 digits) per index: 55 11 9 + 8 digits. */
export function mobileNumber(index: number, block = 7): string {
  return `55119${block}${String(index).padStart(7, '0')}`;
}

/**
 * Servers with their keys encrypted the way admin-api stores them, then `instancesPerServer`
 * connected WhatsApps on each: shared senders (tenant null) unless `owners` is given, in which
 * case instance i belongs to owners[i % owners.length] (null entries stay shared). In bulk
 * (`@bora/db`'s seeder): 20,000 instances take a few statements, not 20,000 API calls.
 */
export async function seedFleet(
  sql: Sql,
  secretKey: string,
  servers: readonly SeedServer[],
  instancesPerServer: number,
  owners: readonly (string | null)[] = [null],
): Promise<SeededInstance[]> {
  let n = 0;
  const fleet = servers.map((server) => ({
    name: server.name,
    url: server.url,
    apiKey: server.apiKey,
    webhookSecret: `hook-${server.name}`,
    priority: server.priority ?? 0,
    health: 'online' as const,
    instances: Array.from({ length: instancesPerServer }, (_, i) => {
      const instance = {
        name: `${server.name}-wa${String(i).padStart(2, '0')}`,
        phone: mobileNumber(n, 8),
        tenantId: owners[n % owners.length] ?? null,
      };
      n++;
      return instance;
    }),
  }));
  const seeded = await seedFleetRows(sql, secretKey, fleet);
  // Production runs autovacuum, which analyzes fresh tables; this machine's server may not (the dev
  // one has it off), and a planner without statistics would measure a plan production never runs.
  await sql`analyze evolution_apis, whatsapp_instances, tenants`;
  return fleet.flatMap((server) =>
    server.instances.map((i) => ({ id: seeded.instanceIds.get(i.name)!, name: i.name, server: server.name })),
  );
}
