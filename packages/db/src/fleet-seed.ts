import { decryptSecret, encryptSecret } from '@bora/core';
import { notifyFleetChanged, type Sql } from './client.ts';
import type { EvolutionHealth } from './schema/evolution-apis.ts';
import type { InstanceStatus } from './schema/whatsapp-instances.ts';

export interface FleetSeedInstance {
  name: string;
  phone: string;
  /** Owning tenant's id; null = a shared platform sender. */
  tenantId: string | null;
  displayName?: string;
  isPrimary?: boolean;
  status?: InstanceStatus;
}

export interface FleetSeedServer {
  name: string;
  url: string;
  apiKey: string;
  webhookSecret: string;
  priority?: number;
  capacity?: number;
  isActive?: boolean;
  health?: EvolutionHealth;
  instances: FleetSeedInstance[];
}

export interface SeededFleetServer {
  id: string;
  name: string;
  /** The key and webhook secret the row holds (with `reuse`, an existing row's own). */
  apiKey: string;
  webhookSecret: string;
}

export interface SeededFleet {
  servers: SeededFleetServer[];
  /** Instance name → id. */
  instanceIds: Map<string, string>;
}

/** Rows per statement: 20,000 numbers go in a few statements, far from Postgres' parameter limit. */
const CHUNK = 2_000;

function opens(stored: string, secretKey: string): boolean {
  try {
    decryptSecret(stored, secretKey);
    return true;
  } catch {
    return false;
  }
}

/**
 * The one fleet seeder (pnpm start's demo, chaos, bench, tests): Evolution servers with their key
 * and webhook secret encrypted the way admin-api stores them, and their WhatsApps, in bulk; then
 * the dispatchers are told the fleet changed. Tenants are the caller's (their shape varies).
 *
 * `reuse` (a demo seeded again on every `pnpm start`): a server that exists by name keeps its
 * row and operator edits, and gets only this run's URL, and its key or secret again when they no
 * longer decrypt under this `secretKey`; an instance that exists by name or phone is left as is.
 */
export async function seedFleet(
  sql: Sql,
  secretKey: string,
  servers: readonly FleetSeedServer[],
  options: { reuse?: boolean } = {},
): Promise<SeededFleet> {
  const seeded: SeededFleet = { servers: [], instanceIds: new Map() };
  const rows = await sql<{ id: string; name: string; api_key_encrypted: string; webhook_secret_encrypted: string }[]>`
    insert into evolution_apis (name, url, api_key_encrypted, webhook_secret_encrypted, priority, capacity, is_active, health)
    select * from unnest(
      ${sql.array(servers.map((s) => s.name))}::text[],
      ${sql.array(servers.map((s) => s.url))}::text[],
      ${sql.array(servers.map((s) => encryptSecret(s.apiKey, secretKey)))}::text[],
      ${sql.array(servers.map((s) => encryptSecret(s.webhookSecret, secretKey)))}::text[],
      ${sql.array(servers.map((s) => s.priority ?? 0))}::int[],
      ${sql.array(servers.map((s) => s.capacity ?? 20))}::int[],
      ${sql.array(servers.map((s) => s.isActive ?? true))}::boolean[],
      ${sql.array(servers.map((s) => s.health ?? 'unknown'))}::text[])
    ${options.reuse ? sql`on conflict (name) do update set url = excluded.url, updated_at = now()` : sql``}
    returning id, name, api_key_encrypted, webhook_secret_encrypted`;
  const byName = new Map(rows.map((r) => [r.name, r]));
  for (const server of servers) {
    const row = byName.get(server.name)!;
    let { api_key_encrypted: key, webhook_secret_encrypted: secret } = row;
    if (!opens(key, secretKey) || !opens(secret, secretKey)) {
      // SECRET_KEY changed since the row was written: what it holds can no longer be read.
      key = opens(key, secretKey) ? key : encryptSecret(server.apiKey, secretKey);
      secret = opens(secret, secretKey) ? secret : encryptSecret(server.webhookSecret, secretKey);
      await sql`update evolution_apis set api_key_encrypted = ${key}, webhook_secret_encrypted = ${secret}, updated_at = now() where id = ${row.id}`;
    }
    seeded.servers.push({
      id: row.id,
      name: server.name,
      apiKey: decryptSecret(key, secretKey),
      webhookSecret: decryptSecret(secret, secretKey),
    });
  }

  const instances = servers.flatMap((s) => s.instances.map((i) => ({ ...i, serverId: byName.get(s.name)!.id })));
  for (let start = 0; start < instances.length; start += CHUNK) {
    const chunk = instances.slice(start, start + CHUNK);
    const inserted = await sql<{ id: string; instance_name: string }[]>`
      insert into whatsapp_instances (evolution_api_id, tenant_id, instance_name, phone_number, display_name, is_primary, status)
      select * from unnest(
        ${sql.array(chunk.map((i) => i.serverId))}::uuid[],
        ${sql.array(chunk.map((i) => i.tenantId))}::uuid[],
        ${sql.array(chunk.map((i) => i.name))}::text[],
        ${sql.array(chunk.map((i) => i.phone))}::text[],
        ${sql.array(chunk.map((i) => i.displayName ?? i.name))}::text[],
        ${sql.array(chunk.map((i) => i.isPrimary ?? false))}::boolean[],
        ${sql.array(chunk.map((i) => i.status ?? 'connected'))}::text[])
      ${options.reuse ? sql`on conflict do nothing` : sql``}
      returning id, instance_name`;
    for (const r of inserted) seeded.instanceIds.set(r.instance_name, r.id);
  }
  await notifyFleetChanged(sql);
  return seeded;
}
