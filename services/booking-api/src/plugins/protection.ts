import type { AnyFastify } from '@bora/http';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';

/**
 * Security headers and a per-IP rate limit for the public surface (API and mini-site), not for
 * health, metrics or docs.
 *
 * Helmet's full set (with a CSP allowing only our own script and stylesheet — the page has no
 * inline code — so an injected `<script>` would not run even if escaping ever failed) goes on
 * the HTML routes, which opt in with `helmet: {}`: @fastify/helmet rebuilds its middleware on
 * every request, a cost the booking hot path does not pay for headers that protect documents,
 * not JSON. JSON answers still get `nosniff`.
 *
 * The limit lives in process memory: no Redis round trip per request, and a Redis outage cannot
 * turn into refusing bookings; with N replicas a client gets at most N× the limit.
 */
export async function registerProtection(app: AnyFastify, options: { perMinute: number }): Promise<void> {
  app.addHook('onRequest', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
  });
  await app.register(helmet, {
    global: false,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
    },
  });
  await app.register(rateLimit, {
    max: options.perMinute,
    timeWindow: 60_000,
    // The default builder throws an error with statusCode 429, which the shared handler turns
    // into {"error":{"code":"RATE_LIMITED",…}}; Retry-After is set before it.
  });
}
