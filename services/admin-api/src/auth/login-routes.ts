import { safeEqual } from '@bora/core';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { loginPage, safeNext } from './login-page.ts';
import type { LoginThrottle } from './login-throttle.ts';
import { issueSession, SESSION_COOKIE, SESSION_TTL_MS } from './session.ts';

const Html = { content: { 'text/html': { schema: Type.String() } } };

export interface LoginRouteOptions {
  adminToken: string;
  secretKey: string;
  throttle: LoginThrottle;
  /** PUBLIC_URL: `next` must stay on its origin. */
  publicUrl: string;
  /** COOKIE_SECURE (see packages/config): Secure even when the request we see is plain HTTP. */
  cookieSecure: boolean;
}

/**
 * Behind a TLS-terminating proxy the request we see is plain HTTP (TRUST_PROXY_HOPS=0 keeps
 * X-Forwarded-Proto unbelieved), so the Secure flag comes from configuration, not the request.
 */
function cookieAttributes(secure: boolean) {
  return { path: '/', httpOnly: true, sameSite: 'strict' as const, secure };
}

/** The browser's way in: a pt-BR form that trades the admin token for an HttpOnly session cookie. */
export const loginRoutes: FastifyPluginAsyncTypebox<LoginRouteOptions> = async (app, options) => {
  await app.register(helmet, { global: true });
  await app.register(formbody);

  app.get(
    '/admin/login',
    {
      config: { public: true },
      schema: {
        tags: ['admin'],
        summary: 'Formulário de login',
        security: [],
        querystring: Type.Object({ next: Type.Optional(Type.String()) }),
        response: { 200: Html },
      },
    },
    async (request, reply) =>
      reply.type('text/html; charset=utf-8').send(loginPage({ next: safeNext(request.query.next, options.publicUrl) })),
  );

  app.post(
    '/admin/login',
    {
      config: { public: true },
      schema: {
        tags: ['admin'],
        summary: 'Entrar com o token de administrador (cria o cookie de sessão)',
        security: [],
        body: Type.Object({
          token: Type.String({ maxLength: 1024 }),
          next: Type.Optional(Type.String({ maxLength: 2048 })),
        }),
        response: { 303: Type.Null(), 401: Html, 429: Html },
      },
    },
    async (request, reply) => {
      const next = safeNext(request.body.next, options.publicUrl);
      reply.type('text/html; charset=utf-8');
      // The token is compared first: the throttle refuses failures only, never a right token.
      if (!safeEqual(request.body.token, options.adminToken)) {
        const verdict = await options.throttle.recordFailure(request.ip);
        request.log.warn({ throttled: verdict.throttled }, 'admin login failed');
        if (verdict.throttled) {
          reply.header('retry-after', String(verdict.retryAfterSeconds));
          return reply
            .status(429)
            .send(loginPage({ next, error: 'Muitas tentativas. Aguarde um minuto e tente de novo.' }));
        }
        return reply.status(401).send(loginPage({ next, error: 'Token inválido.' }));
      }
      reply.setCookie(SESSION_COOKIE, issueSession(options), {
        ...cookieAttributes(options.cookieSecure || request.protocol === 'https'),
        maxAge: Math.floor(SESSION_TTL_MS / 1000),
      });
      return reply.redirect(next, 303);
    },
  );

  app.post(
    '/admin/logout',
    {
      config: { public: true },
      schema: {
        tags: ['admin'],
        summary: 'Sair (apaga o cookie de sessão)',
        security: [],
        response: { 303: Type.Null() },
      },
    },
    async (request, reply) => {
      reply.clearCookie(SESSION_COOKIE, cookieAttributes(options.cookieSecure || request.protocol === 'https'));
      return reply.redirect('/admin/login', 303);
    },
  );
};
