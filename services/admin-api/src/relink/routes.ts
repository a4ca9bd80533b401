import { assetRoutes, ErrorBody } from '@bora/http';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import type { AdminApiDeps } from '../deps.ts';
import { createRelinkAlerts } from './alert.ts';
import { createRelinkConnector, stateOf } from './connect.ts';
import { verifyRelink } from './link.ts';
import { formatPairingCode, relinkPage, relinkProblemPage } from './page.ts';
import { HtmlPage, RelinkParams, RelinkQuery, RelinkStateView } from './schemas.ts';
import type { RelinkCase } from './store.ts';

const ASSETS = { 'relink.js': 'text/javascript; charset=utf-8', 'relink.css': 'text/css; charset=utf-8' } as const;
const tags = ['relink'];

/**
 * The owner's re-link page and what it calls: public (no admin token), each request signed by the
 * link the owner got (HMAC with SECRET_KEY, expiring). Read-only for the business's data; its only
 * effects are asking the number's server for a QR code and, for an expired link, a new link.
 */
export const relinkRoutes: FastifyPluginAsyncTypebox<{ deps: AdminApiDeps }> = async (app, { deps }) => {
  const alerts = createRelinkAlerts({
    sql: deps.db.sql,
    config: deps.config,
    queues: deps.queues,
    logger: deps.logger,
  });
  const connector = createRelinkConnector({ db: deps.db, config: deps.config, logger: deps.logger });

  /** The case a signed request names, or the answer already sent. */
  async function signedCase(
    params: { id: string },
    query: { exp: number; sig: string },
    reply: FastifyReply,
    html: boolean,
  ): Promise<RelinkCase | undefined> {
    const verdict = verifyRelink(deps.config.secretKey, params.id, query.exp, query.sig);
    const c = verdict === 'invalid' ? null : await alerts.store.find(params.id);
    if (!c) {
      const body = { error: { code: 'RELINK_LINK_INVALID', message: 'Link de reconexão inválido' } };
      await (html
        ? reply.status(403).type('text/html; charset=utf-8').send(relinkProblemPage('invalid'))
        : reply.status(403).send(body));
      return undefined;
    }
    if (verdict === 'expired' && !c.resolvedAt) {
      const resent = await alerts.resend(c);
      const body = { error: { code: 'RELINK_LINK_EXPIRED', message: 'Link de reconexão expirado' } };
      await (html
        ? reply
            .status(410)
            .type('text/html; charset=utf-8')
            .send(relinkProblemPage(resent ? 'resent' : 'expired'))
        : reply.status(410).send(body));
      return undefined;
    }
    return c;
  }

  const signedUrl = (id: string, path: string, q: { exp: number; sig: string }) =>
    `/relink/${id}${path}?exp=${q.exp}&sig=${encodeURIComponent(q.sig)}`;

  // The signed link is in the URL: never sent on as a Referer.
  await app.register(helmet, { global: true, referrerPolicy: { policy: 'no-referrer' } });
  await app.register(formbody);
  const open = { config: { public: true } };

  app.get(
    '/:id',
    {
      ...open,
      schema: {
        tags,
        summary: 'Página de reconexão do WhatsApp (link assinado enviado ao dono)',
        security: [],
        params: RelinkParams,
        querystring: RelinkQuery,
        response: { 200: HtmlPage, 403: HtmlPage, 410: HtmlPage },
      },
    },
    async (request, reply) => {
      let c = await signedCase(request.params, request.query, reply, true);
      if (!c) return reply;
      c = await connector.ensureQr(c);
      const urls = {
        state: signedUrl(c.id, '/state', request.query),
        start: signedUrl(c.id, '/start', request.query),
      };
      return reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(relinkPage(c, stateOf(c), urls));
    },
  );

  app.get(
    '/:id/state',
    {
      ...open,
      schema: {
        tags,
        summary: 'Estado da reconexão: QR code atual e código de pareamento',
        security: [],
        params: RelinkParams,
        querystring: RelinkQuery,
        response: { 200: RelinkStateView, 403: ErrorBody, 410: ErrorBody },
      },
    },
    async (request, reply) => {
      const c = await signedCase(request.params, request.query, reply, false);
      if (!c) return reply;
      const state = stateOf(c);
      reply.header('cache-control', 'no-store');
      return {
        state,
        qr:
          state === 'qr' && c.qr.base64
            ? { base64: c.qr.base64, pairingCode: c.qr.pairingCode ? formatPairingCode(c.qr.pairingCode) : null }
            : null,
        updatedAt: c.qr.updatedAt?.toISOString() ?? null,
      };
    },
  );

  app.post(
    '/:id/start',
    {
      ...open,
      schema: {
        tags,
        summary: 'Gerar um novo QR code (o anterior expirou)',
        security: [],
        params: RelinkParams,
        querystring: RelinkQuery,
        response: { 303: Type.Null(), 403: HtmlPage, 410: HtmlPage },
      },
    },
    async (request, reply) => {
      const c = await signedCase(request.params, request.query, reply, true);
      if (!c) return reply;
      await connector.ensureQr(c);
      return reply.redirect(signedUrl(c.id, '', request.query), 303);
    },
  );

  await app.register(assetRoutes, {
    prefix: '/assets',
    dir: new URL('../public/', import.meta.url),
    files: ASSETS,
    cacheControl: 'no-cache',
    routeOptions: open,
  });
};
