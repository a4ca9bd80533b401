import type { Sql } from '@bora/db';

/** What booking intake and the mini-site need from a tenant. */
export interface TenantInfo {
  id: string;
  slug: string;
  name: string;
  timezone: string;
  reminderLeadMinutes: number;
  /**
   * The tenant has a catalogue (at least one service, active or not): bookings name catalogue
   * entries and follow its opening hours. Without one, the legacy free-text fields apply.
   */
  hasCatalogue: boolean;
}

export interface TenantCache {
  /** The tenant, or undefined when no tenant has this slug. */
  get(slug: string): Promise<TenantInfo | undefined>;
  /** Forget a slug (e.g. the tenant vanished under a cached entry). */
  evict(slug: string): void;
}

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

interface Entry {
  value: TenantInfo | undefined;
  expiresAt: number;
}

/**
 * slug → tenant with a short TTL, so the booking hot path does no tenant query at all in the
 * steady state. Misses are cached too (for a fifth of the TTL) so a bot hammering made-up slugs
 * costs no queries; concurrent lookups of one slug share a single query; the map is capped so
 * random slugs cannot grow it without bound. Slugs that cannot exist never reach Postgres.
 */
export function createTenantCache(sql: Sql, options: { ttlMs: number; maxEntries?: number; now?: () => number }): TenantCache {
  const entries = new Map<string, Entry>();
  const inFlight = new Map<string, Promise<TenantInfo | undefined>>();
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;

  async function load(slug: string): Promise<TenantInfo | undefined> {
    const rows = await sql<TenantInfo[]>`
      select id, slug, name, timezone, reminder_lead_minutes as "reminderLeadMinutes",
             exists(select 1 from services s where s.tenant_id = tenants.id) as "hasCatalogue"
      from tenants where slug = ${slug}`;
    const value = rows[0] ? { ...rows[0] } : undefined;
    if (options.ttlMs > 0) {
      entries.delete(slug); // re-inserting moves the slug to the young end of the eviction order
      if (entries.size >= maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) entries.delete(oldest);
      }
      entries.set(slug, { value, expiresAt: now() + (value ? options.ttlMs : Math.ceil(options.ttlMs / 5)) });
    }
    return value;
  }

  return {
    async get(slug) {
      if (slug.length > 63 || !SLUG.test(slug)) return undefined;
      const hit = entries.get(slug);
      if (hit && hit.expiresAt > now()) return hit.value;
      const pending = inFlight.get(slug);
      if (pending) return pending;
      const promise = load(slug).finally(() => inFlight.delete(slug));
      inFlight.set(slug, promise);
      return promise;
    },
    evict(slug) {
      entries.delete(slug);
    },
  };
}
