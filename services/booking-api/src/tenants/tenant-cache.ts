import type { Sql } from '@bora/db';

/** What booking intake and the mini-site need from a tenant. */
export interface TenantInfo {
  id: string;
  slug: string;
  name: string;
  timezone: string;
  reminderOffsetsMinutes: number[];
  quietHours: { start: string; end: string };
  confirmationWaitMinutes: number;
  /** The business's own WhatsApp number (its primary), for the "Confirmar pelo WhatsApp" link. */
  whatsappPhone: string | null;
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
export function createTenantCache(
  sql: Sql,
  options: { ttlMs: number; maxEntries?: number; now?: () => number },
): TenantCache {
  const entries = new Map<string, Entry>();
  const inFlight = new Map<string, Promise<TenantInfo | undefined>>();
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;

  async function load(slug: string): Promise<TenantInfo | undefined> {
    const rows = await sql<(Omit<TenantInfo, 'quietHours'> & { quietStart: string; quietEnd: string })[]>`
      select t.id, t.slug, t.name, t.timezone, t.reminder_offsets_minutes as "reminderOffsetsMinutes",
             t.quiet_hours_start as "quietStart", t.quiet_hours_end as "quietEnd", t.confirmation_wait_minutes as "confirmationWaitMinutes",
             (select w.phone_number from whatsapp_instances w where w.tenant_id = t.id
               order by w.is_primary desc, w.created_at limit 1) as "whatsappPhone",
             exists(select 1 from services s where s.tenant_id = t.id) as "hasCatalogue"
      from tenants t where t.slug = ${slug}`;
    const row = rows[0];
    const value: TenantInfo | undefined = row
      ? {
          id: row.id,
          slug: row.slug,
          name: row.name,
          timezone: row.timezone,
          reminderOffsetsMinutes: row.reminderOffsetsMinutes,
          quietHours: { start: row.quietStart, end: row.quietEnd },
          confirmationWaitMinutes: row.confirmationWaitMinutes,
          whatsappPhone: row.whatsappPhone,
          hasCatalogue: row.hasCatalogue,
        }
      : undefined;
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
