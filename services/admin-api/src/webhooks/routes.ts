import { ErrorBody } from '@bora/http';
import { safeEqual } from '@bora/core';
import { WEBHOOK_SECRET_HEADER } from '@bora/evolution-client';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AdminApiDeps } from '../deps.ts';
import { createEvolutionApiStore } from '../evolution-apis/store.ts';
import { receiveMessages } from '../conversation/receive.ts';
import { applyWebhookEvent, normalizeEventName } from './events.ts';
import { createWebhookEffects } from '../number-safety/webhook-effects.ts';
import { Uuid } from '../common-schemas.ts';

const Envelope = Type.Object({
  event: Type.String({ maxLength: 100 }),
  instance: Type.Optional(Type.Unknown()),
  data: Type.Optional(Type.Unknown()),
});

const Ack = Type.Object({
  ok: Type.Boolean(),
  event: Type.String(),
  result: Type.String({ description: 'updated | unchanged | ignored | unknown-instance | unmatched' }),
});

/**
 * Evolution → us. No admin token here: each server has its own secret, sent back by Evolution in
 * the header we configured (or pasted by an operator as `?secret=`), compared in constant time.
 * Anything we cannot use is still acknowledged with 200, so Evolution does not retry it ten times;
 * the one exception is a receipt that overtook the record of its send (425, retried).
 */
export const webhookRoutes: FastifyPluginAsyncTypebox<{ deps: AdminApiDeps }> = async (app, { deps }) => {
  const { sql } = deps.db;
  const servers = createEvolutionApiStore(deps.db.db);
  const effects = {
    ...createWebhookEffects({ sql, config: deps.config, queues: deps.queues, logger: deps.logger }),
    messages: (serverId: string, instanceName: string | undefined, data: unknown) =>
      receiveMessages(deps, serverId, instanceName, data, 'webhook'),
  };
  app.post(
    '/webhooks/evolution/:evolutionApiId',
    {
      config: { public: true },
      bodyLimit: 1024 * 1024,
      schema: {
        tags: ['webhooks'],
        summary: 'Webhook do Evolution (autenticado pelo segredo do servidor)',
        security: [],
        params: Type.Object({ evolutionApiId: Uuid }),
        querystring: Type.Object({ secret: Type.Optional(Type.String({ maxLength: 256 })) }),
        body: Envelope,
        response: { 200: Ack, 401: ErrorBody, 425: ErrorBody },
      },
    },
    async (request, reply) => {
      const serverId = request.params.evolutionApiId;
      const header = request.headers[WEBHOOK_SECRET_HEADER];
      const provided = (typeof header === 'string' ? header : undefined) ?? request.query.secret;
      const secret = await servers.webhookSecret(serverId, deps.config.secretKey);
      if (!secret || !provided || !safeEqual(provided, secret)) {
        return reply
          .status(401)
          .send({ error: { code: 'INVALID_WEBHOOK_SECRET', message: 'Segredo de webhook inválido' } });
      }
      const event = normalizeEventName(request.body.event);
      const result = await applyWebhookEvent(sql, serverId, request.body, effects);
      const log = request.log.child({ evolutionApiId: serverId, event });
      if (result === 'too-early') {
        // Not a failure: a receipt that overtook our record of the send. Evolution retries it.
        log.debug('receipt arrived before its send was recorded; asking Evolution to retry');
        return reply
          .status(425)
          .send({ error: { code: 'RECEIPT_TOO_EARLY', message: 'Envio ainda não registrado; reenvie o webhook' } });
      }
      if (result === 'unknown-instance')
        log.warn({ instance: String(request.body.instance ?? '') }, 'webhook for an instance we do not know');
      else log.debug({ result }, 'webhook applied');
      return { ok: true, event, result };
    },
  );
};
