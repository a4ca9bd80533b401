import { ErrorBody } from '@bora/http';
import { notFound } from '@bora/core';
import { INBOUND_ACTION, INBOUND_INTENT } from '@bora/db';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { findInbox, findOptOuts, markHandled } from './inbox.ts';
import type { AdminApiDeps } from '../deps.ts';
import { tenantIdBySlug } from '../tenants/store.ts';
import { authErrors, IdParams, NullableString, NullableTimestamp, Timestamp } from '../common-schemas.ts';
import { Slug } from '../tenants/schemas.ts';

const tags = ['inbox'];

const InboxItem = Type.Object({
  id: Type.String(),
  tenantSlug: NullableString,
  customerPhone: NullableString,
  customerName: Type.Union([Type.String(), Type.Null()], { description: 'O nome que o cliente usa no WhatsApp' }),
  text: Type.String(),
  intent: Type.Enum(INBOUND_INTENT, { description: 'O que a mensagem pedia' }),
  action: Type.Enum(INBOUND_ACTION, { description: 'O que a plataforma fez (inbox: ficou para o negócio responder)' }),
  bookingId: NullableString,
  instanceName: NullableString,
  sentAt: NullableTimestamp,
  receivedAt: Timestamp,
  handledAt: NullableTimestamp,
});

const OptOut = Type.Object({
  phone: Type.String(),
  optedOutAt: Timestamp,
  messageId: Type.Union([Type.String(), Type.Null()], { description: 'A mensagem do cliente que pediu para parar' }),
  message: NullableString,
});

/**
 * What customers wrote. The inbox holds what the platform did not act on (questions, unclear
 * answers) until the business marks it handled; `state=all` is the whole conversation log.
 */
export const inboxRoutes: FastifyPluginAsyncTypebox<{ deps: AdminApiDeps }> = async (app, { deps }) => {
  const { sql } = deps.db;
  app.get(
    '/v1/inbox',
    {
      schema: {
        tags,
        summary: 'Mensagens dos clientes (as que ficaram para o negócio responder, ou todas)',
        querystring: Type.Object({
          tenantSlug: Type.Optional(Slug),
          state: Type.Enum(['open', 'all'], { default: 'open' }),
          limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
        }),
        response: { 200: Type.Object({ items: Type.Array(InboxItem) }), ...authErrors },
      },
    },
    async (request) => ({
      items: await findInbox(sql, { ...request.query, state: request.query.state as 'open' | 'all' }),
    }),
  );

  app.post(
    '/v1/inbox/:id/handled',
    {
      schema: {
        tags,
        summary: 'Marcar uma mensagem do cliente como respondida',
        params: IdParams,
        response: { 200: InboxItem, 404: ErrorBody, ...authErrors },
      },
    },
    async (request) => {
      const item = await markHandled(sql, request.params.id);
      if (!item) throw notFound('INBOUND_MESSAGE_NOT_FOUND', 'Mensagem não encontrada');
      return item;
    },
  );

  app.get(
    '/v1/tenants/:slug/opt-outs',
    {
      schema: {
        tags,
        summary: 'Números que pediram para não receber mais mensagens (só o cliente desfaz, enviando VOLTAR)',
        params: Type.Object({ slug: Slug }),
        response: { 200: Type.Object({ items: Type.Array(OptOut) }), 404: ErrorBody, ...authErrors },
      },
    },
    async (request) => {
      const tenantId = await tenantIdBySlug(deps.db.db, request.params.slug);
      return { items: await findOptOuts(sql, tenantId) };
    },
  );
};
