import { bool, port, str, url } from 'envalid';
import { commonFrom, commonSpecs, isLoopbackHost, secretChecks } from './common.ts';
import { DEV_ADMIN_TOKEN, DEV_SECRET_KEY, nonNegativeInt, parseEnv, positiveInt } from './load.ts';
import { redisChecks } from './redis.ts';

const specs = {
  ...commonSpecs,
  ADMIN_API_PORT: port({ default: 3001 }),
  ADMIN_TOKEN: str({ devDefault: DEV_ADMIN_TOKEN }),
  SECRET_KEY: str({ devDefault: DEV_SECRET_KEY }),
  // Where Evolution servers reach our webhook route; pre-configured on instances we create.
  PUBLIC_URL: url({ devDefault: 'http://127.0.0.1:3001' }),
  // Where customers open the links in our answers (the booking-api's mini-site).
  BOOKING_PUBLIC_URL: url({ default: 'http://127.0.0.1:3000' }),
  HEALTH_POLL_INTERVAL_MS: positiveInt({ default: 30_000 }),
  // How often quiet numbers are polled for customer messages no webhook brought.
  INBOUND_BACKSTOP_INTERVAL_MS: positiveInt({ default: 60_000 }),
  LOGIN_ATTEMPTS_PER_MINUTE: positiveInt({ default: 10 }),
  EVOLUTION_TIMEOUT_MS: positiveInt({ default: 10_000 }),
  // Proxies in front of the service whose X-Forwarded-For may be believed (0 = none). Trusting
  // more than really exist lets a client pick its own IP and dodge the per-IP rate limit.
  TRUST_PROXY_HOPS: nonNegativeInt({ default: 0 }),
  // The session cookie's Secure flag. Unset: on in production (TLS usually ends at a proxy, so
  // the request we see is plain HTTP) and wherever PUBLIC_URL is https; off only for plain-HTTP
  // development, where a browser would drop a Secure cookie and the login form could not work.
  COOKIE_SECURE: bool({ default: undefined }),
  // WhatsApp's reach-out lock (a first-contact send refused): first contacts from that number
  // pause this long, doubling for each new lock within a week (at most 8×).
  REACHOUT_LOCK_MS: positiveInt({ default: 6 * 3_600_000 }),
  // A business's number down this long (a plain close) opens a re-link case and tells the owner;
  // a logout, a refused session or an expired QR does at once.
  RELINK_ALERT_AFTER_MS: nonNegativeInt({ default: 2 * 60_000 }),
  // How long the signed re-link link sent to the owner stays valid.
  RELINK_LINK_TTL_MS: positiveInt({ default: 24 * 3_600_000 }),
};

/**
 * The development token is in this repository for anyone to read: reachable from the network it
 * would open the admin to anyone on it, whatever NODE_ENV says.
 */
function knownTokenOffLoopback(token: string | undefined, host: string | undefined): Record<string, string> {
  if (token !== DEV_ADMIN_TOKEN || host === undefined || isLoopbackHost(host)) return {};
  return {
    ADMIN_TOKEN: `is the publicly known development token and HOST=${host} is reachable from the network; set a real ADMIN_TOKEN or bind HOST=127.0.0.1`,
  };
}

export type AdminApiConfig = ReturnType<typeof loadAdminApiConfig>;

export function loadAdminApiConfig(env: Record<string, string | undefined>) {
  // Production's own refusal of the default token, when there is one, is the message kept.
  const e = parseEnv(env, specs, (c) => ({
    ...redisChecks(c),
    ...knownTokenOffLoopback(c.ADMIN_TOKEN, c.HOST),
    ...secretChecks(c.NODE_ENV, { ADMIN_TOKEN: c.ADMIN_TOKEN, SECRET_KEY: c.SECRET_KEY }),
  }));
  return {
    ...commonFrom(e),
    port: e.ADMIN_API_PORT,
    adminToken: e.ADMIN_TOKEN,
    secretKey: e.SECRET_KEY,
    publicUrl: e.PUBLIC_URL.replace(/\/+$/, ''),
    bookingPublicUrl: e.BOOKING_PUBLIC_URL.replace(/\/+$/, ''),
    healthPollIntervalMs: e.HEALTH_POLL_INTERVAL_MS,
    inboundBackstopIntervalMs: e.INBOUND_BACKSTOP_INTERVAL_MS,
    loginAttemptsPerMinute: e.LOGIN_ATTEMPTS_PER_MINUTE,
    evolutionTimeoutMs: e.EVOLUTION_TIMEOUT_MS,
    trustProxyHops: e.TRUST_PROXY_HOPS,
    cookieSecure: e.COOKIE_SECURE ?? (e.NODE_ENV === 'production' || e.PUBLIC_URL.startsWith('https:')),
    reachoutLockMs: e.REACHOUT_LOCK_MS,
    relink: { alertAfterMs: e.RELINK_ALERT_AFTER_MS, linkTtlMs: e.RELINK_LINK_TTL_MS },
  };
}
