import { safeEqual } from '@bora/core';
import cookie from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { LoginThrottle } from './login-throttle.ts';
import { SESSION_COOKIE, verifySession } from './session.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route answers without credentials (login page, Evolution webhooks with their own secret). */
    public?: boolean;
  }
}

/** Registered by @bora/http without route config; probes and scrapers carry no credentials. */
const OPEN_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);

export interface AuthOptions {
  adminToken: string;
  /** PUBLIC_URL: browsers reach us there, so its origin is same-site. */
  publicUrl: string;
  secretKey: string;
  throttle: LoginThrottle;
}

function wantsHtmlPage(request: FastifyRequest): boolean {
  if (request.method !== 'GET') return false;
  const path = request.url.split('?')[0] ?? '';
  const page = path === '/admin' || path.startsWith('/admin/') || path === '/docs' || path.startsWith('/docs/');
  return page && (request.headers.accept ?? '').includes('text/html');
}

/**
 * Cookie sessions are only as safe as their CSRF story: SameSite=Strict already keeps other sites'
 * requests cookieless, and a state-changing request that does carry an Origin must come from us.
 */
function crossOrigin(request: FastifyRequest, publicHost: string): boolean {
  if (request.method === 'GET' || request.method === 'HEAD') return false;
  const origin = request.headers.origin;
  if (!origin) return false;
  try {
    // Behind a proxy the Host we see may be internal: the public URL's host counts as ours too.
    const host = new URL(origin).host;
    return host !== request.host && host !== publicHost;
  } catch {
    return true;
  }
}

function deny(reply: FastifyReply, status: number, code: string, message: string) {
  return reply.status(status).send({ error: { code, message } });
}

/**
 * Every route needs the admin token (`Authorization: Bearer …`, compared in constant time) or a
 * browser session cookie, except the probes and routes marked `config.public`. Deny by default, so
 * a route added later cannot be forgotten open.
 */
export const authPlugin = fp<AuthOptions>(
  async (app, options) => {
    await app.register(cookie);
    const secrets = { adminToken: options.adminToken, secretKey: options.secretKey };
    const publicHost = new URL(options.publicUrl).host;

    app.addHook('onRequest', async (request, reply) => {
      const route = request.routeOptions;
      if (route.config?.public === true || (route.url !== undefined && OPEN_ROUTES.has(route.url))) return;

      const header = request.headers.authorization;
      if (header !== undefined) {
        // Compared first (in constant time), so a right token is never refused by the throttle:
        // failures cost the guesser, not an operator who shares the guesser's address.
        const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
        if (match?.[1] && safeEqual(match[1], options.adminToken)) return;
        // A wrong token is a failed login too: the same per-IP budget stops guessing through the API.
        const verdict = await options.throttle.recordFailure(request.ip);
        if (verdict.throttled) {
          reply.header('retry-after', String(verdict.retryAfterSeconds));
          return deny(reply, 429, 'TOO_MANY_ATTEMPTS', 'Muitas tentativas com token inválido; aguarde um minuto');
        }
        return deny(reply, 401, 'INVALID_TOKEN', 'Token de administrador inválido');
      }

      if (verifySession(request.cookies[SESSION_COOKIE], secrets)) {
        if (crossOrigin(request, publicHost))
          return deny(reply, 403, 'CROSS_ORIGIN', 'Requisição de outra origem recusada');
        return;
      }
      if (wantsHtmlPage(request)) {
        return reply.redirect(`/admin/login?next=${encodeURIComponent(request.url)}`, 303);
      }
      return deny(
        reply,
        401,
        'UNAUTHENTICATED',
        'Autenticação necessária: envie Authorization: Bearer <ADMIN_TOKEN> ou entre em /admin/login',
      );
    });
  },
  { name: 'admin-auth' },
);
