import { encryptSecret } from '@bora/core';
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
 * case instance i belongs to owners[i % owners.length] (null entries stay shared). Bulk inserts:
 * 20,000 instances take one statement, not 20,000 API calls.
 */
export async function seedFleet(
  sql: Sql,
  secretKey: string,
  servers: readonly SeedServer[],
  instancesPerServer: number,
  owners: readonly (string | null)[] = [null],
): Promise<SeededInstance[]> {
  const serverRows = await sql<{ id: string; name: string }[]>`
    insert into evolution_apis (name, url, api_key_encrypted, webhook_secret_encrypted, priority, health)
    select * from unnest(
      ${sql.array(servers.map((s) => s.name))}::text[],
      ${sql.array(servers.map((s) => s.url))}::text[],
      ${sql.array(servers.map((s) => encryptSecret(s.apiKey, secretKey)))}::text[],
      ${sql.array(servers.map((s) => encryptSecret(`hook-${s.name}`, secretKey)))}::text[],
      ${sql.array(servers.map((s) => s.priority ?? 0))}::int[],
      ${sql.array(servers.map(() => 'online'))}::text[])
    returning id, name`;
  const idOf = new Map(serverRows.map((r) => [r.name, r.id]));

  const serverIds: string[] = [];
  const names: string[] = [];
  const phones: string[] = [];
  const tenants: (string | null)[] = [];
  let n = 0;
  for (const server of servers) {
    for (let i = 0; i < instancesPerServer; i++, n++) {
      serverIds.push(idOf.get(server.name)!);
      names.push(`${server.name}-wa${String(i).padStart(2, '0')}`);
      phones.push(mobileNumber(n, 8));
      tenants.push(owners[n % owners.length] ?? null);
    }
  }
  const rows = await sql<{ id: string; instance_name: string }[]>`
    insert into whatsapp_instances (evolution_api_id, instance_name, phone_number, display_name, tenant_id, status)
    select s, i, p, i, t, 'connected'
    from unnest(${sql.array(serverIds)}::uuid[], ${sql.array(names)}::text[], ${sql.array(phones)}::text[], ${sql.array(tenants)}::uuid[]) as x(s, i, p, t)
    returning id, instance_name`;
  // Production runs autovacuum, which analyzes fresh tables; this machine's server may not (the dev
  // one has it off), and a planner without statistics would measure a plan production never runs.
  await sql`analyze evolution_apis, whatsapp_instances, tenants`;
  const serverOfName = new Map(names.map((name, i) => [name, servers[Math.floor(i / instancesPerServer)]!.name]));
  return rows.map((r) => ({ id: r.id, name: r.instance_name, server: serverOfName.get(r.instance_name)! }));
}
