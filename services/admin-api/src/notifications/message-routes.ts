import { ErrorBody } from '@bora/http';
import { normalizeMobilePhone, notFound, validationFailed } from '@bora/core';
import { createLedger } from '@bora/ledger';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AdminApiDeps } from '../deps.ts';
import { tenantIdBySlug } from '../tenants/store.ts';
import { createEvolutionApiStore } from '../evolution-apis/store.ts';
import { enqueueCommitted } from './enqueue.ts';
import { findAttempts, findNotifications } from './store.ts';
import { authErrors, IdParams, Uuid } from '../common-schemas.ts';
import { Accepted, MessageDetail } from './schemas.ts';
import { Slug } from '../tenants/schemas.ts';

const tags = ['messages'];

const SendMessage = Type.Object(
  {
    tenantSlug: Slug,
    to: Type.String({ minLength: 1, maxLength: 32, description: 'Celular do destinatário' }),
    text: Type.String({ minLength: 1, maxLength: 4096 }),
    evolutionApiId: Type.Optional(
      Type.Union([Uuid, Type.Null()], {
        description: 'Força este servidor (o evolution_api=evo1 do documento original)',
      }),
    ),
  },
  { additionalProperties: false },
);

/** The seed's `send_message_auto`: a manual message goes through the same ledger, queue and router as bookings. */
export const messageRoutes: FastifyPluginAsyncTypebox<{ deps: AdminApiDeps }> = async (app, { deps }) => {
  const evolutionApis = createEvolutionApiStore(deps.db.db);
  const ledger = createLedger(deps.db);
  app.post(
    '/v1/messages',
    {
      schema: {
        tags,
        summary: 'Enviar mensagem manual (send_message_auto); servidor opcionalmente forçado',
        body: SendMessage,
        response: { 202: Accepted, 400: ErrorBody, 404: ErrorBody, ...authErrors },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const phone = normalizeMobilePhone(body.to);
      if (!phone.ok) throw validationFailed([{ field: 'to', message: phone.reason }]);
      const tenantId = await tenantIdBySlug(deps.db.db, body.tenantSlug);
      if (body.evolutionApiId) await evolutionApis.get(body.evolutionApiId);
      const row = await ledger.owed.createManual({
        tenantId,
        recipient: phone.digits,
        text: body.text,
        forcedEvolutionApiId: body.evolutionApiId ?? null,
      });
      const status = await enqueueCommitted(deps, { ...row, tenantId }, 'new');
      request.log.info({ notificationId: row.id, forced: Boolean(body.evolutionApiId) }, 'manual message accepted');
      return reply.status(202).send({ id: row.id, status });
    },
  );

  app.get(
    '/v1/messages/:id',
    {
      schema: {
        tags,
        summary: 'Status de uma mensagem: servidor/instância usados, messageId, último erro e tentativas',
        params: IdParams,
        response: { 200: MessageDetail, 404: ErrorBody, ...authErrors },
      },
    },
    async (request) => {
      const [notification] = await findNotifications(deps.db.sql, { id: request.params.id, limit: 1 });
      if (!notification) throw notFound('MESSAGE_NOT_FOUND', 'Mensagem não encontrada');
      return { ...notification, attempts: await findAttempts(deps.db.sql, notification.id) };
    },
  );
};
