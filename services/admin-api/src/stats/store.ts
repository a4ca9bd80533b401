import type { Sql } from '@bora/db';

export interface ServerUsage {
  id: string;
  name: string;
  connected: number;
  capacity: number;
  available: number;
  usage_percentage: number;
  status: string;
  priority: number;
  is_active: boolean;
  registered: number;
  health: string;
  last_checked_at: string | null;
  last_error: string | null;
}

export interface UsageStats {
  total_instances: number;
  total_capacity: number;
  total_connected: number;
  total_registered: number;
  instances: ServerUsage[];
}

/** The seed's status column, from the operator's switch first and then what the poll last saw. */
export function statusLabel(isActive: boolean, health: string): string {
  if (!isActive) return '⛔ Inativa';
  switch (health) {
    case 'online':
      return '✅ Online';
    case 'unreachable':
      return '⚠️ Inacessível';
    case 'unauthorized':
      return '🔑 Chave inválida';
    case 'incompatible':
      return '⚠️ Incompatível';
    default:
      return '❔ Não verificada';
  }
}

interface Row {
  id: string;
  name: string;
  capacity: number;
  priority: number;
  is_active: boolean;
  health: string;
  last_checked_at: Date | null;
  last_error: string | null;
  registered: number;
  connected: number;
}

/**
 * The seed's `get_usage_stats()`, field names included, in one round trip: instances are
 * aggregated per server first (an index-only pass over `whatsapp_instances_server_status_idx`),
 * then joined to every server, so the cost is one scan of each table whatever the fleet size.
 * `total_instances` counts Evolution servers (the seed calls them instances).
 */
export async function getUsageStats(sql: Sql): Promise<UsageStats> {
  const rows = await sql<Row[]>`
    select e.id, e.name, e.capacity, e.priority, e.is_active, e.health, e.last_checked_at, e.last_error,
           coalesce(w.registered, 0)::int as registered,
           coalesce(w.connected, 0)::int as connected
    from evolution_apis e
    left join (
      select evolution_api_id,
             count(*) as registered,
             count(*) filter (where status = 'connected') as connected
      from whatsapp_instances
      group by evolution_api_id
    ) w on w.evolution_api_id = e.id
    order by e.priority desc, e.name asc`;

  const instances = rows.map((row) => ({
    id: row.id,
    name: row.name,
    connected: row.connected,
    capacity: row.capacity,
    // Capacity can be lowered below what a server already hosts; "room left" is then none.
    available: Math.max(0, row.capacity - row.registered),
    usage_percentage: Math.round((row.registered / row.capacity) * 100),
    status: statusLabel(row.is_active, row.health),
    priority: row.priority,
    is_active: row.is_active,
    registered: row.registered,
    health: row.health,
    last_checked_at: row.last_checked_at ? new Date(row.last_checked_at).toISOString() : null,
    last_error: row.last_error,
  }));
  return {
    total_instances: instances.length,
    total_capacity: instances.reduce((sum, s) => sum + s.capacity, 0),
    total_connected: instances.reduce((sum, s) => sum + s.connected, 0),
    total_registered: instances.reduce((sum, s) => sum + s.registered, 0),
    instances,
  };
}
