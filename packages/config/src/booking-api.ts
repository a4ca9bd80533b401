import { port, str } from 'envalid';
import { commonFrom, commonSpecs, secretChecks } from './common.ts';
import { DEV_SECRET_KEY, nonNegativeInt, parseEnv, positiveInt } from './load.ts';
import { redisChecks } from './redis.ts';

const specs = {
  ...commonSpecs,
  BOOKING_API_PORT: port({ default: 3000 }),
  // Signs the links customers use to manage a booking (the same key as the dispatcher's, which writes them).
  SECRET_KEY: str({ devDefault: DEV_SECRET_KEY }),
  RATE_LIMIT_PER_MINUTE: positiveInt({ default: 120 }),
  ENQUEUE_TIMEOUT_MS: positiveInt({ default: 500 }),
  IDEMPOTENCY_TTL_HOURS: positiveInt({ default: 24 }),
  // Slug → tenant lookups are on every booking; a short TTL keeps edits visible within seconds.
  TENANT_CACHE_TTL_MS: nonNegativeInt({ default: 30_000 }),
  // Proxies in front of the service whose X-Forwarded-For may be believed (0 = none). Trusting
  // more than really exist lets a client pick its own IP and dodge the per-IP rate limit.
  TRUST_PROXY_HOPS: nonNegativeInt({ default: 0 }),
};

export type BookingApiConfig = ReturnType<typeof loadBookingApiConfig>;

export function loadBookingApiConfig(env: Record<string, string | undefined>) {
  const e = parseEnv(env, specs, (c) => ({
    ...redisChecks(c),
    ...secretChecks(c.NODE_ENV, { SECRET_KEY: c.SECRET_KEY }),
  }));
  return {
    ...commonFrom(e),
    port: e.BOOKING_API_PORT,
    secretKey: e.SECRET_KEY,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    enqueueTimeoutMs: e.ENQUEUE_TIMEOUT_MS,
    idempotencyTtlHours: e.IDEMPOTENCY_TTL_HOURS,
    tenantCacheTtlMs: e.TENANT_CACHE_TTL_MS,
    trustProxyHops: e.TRUST_PROXY_HOPS,
  };
}
