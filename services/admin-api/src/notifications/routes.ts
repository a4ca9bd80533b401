import { ErrorBody } from '@bora/http';
import { conflict, notFound } from '@bora/core';
import { createLedger } from '@bora/ledger';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AdminApiDeps } from '../deps.ts';
import { enqueueCommitted } from './enqueue.ts';
import { findNotifications } from './store.ts';
import { authErrors, IdParams } from '../common-schemas.ts';
import { Accepted, NotificationKind, NotificationStatus as StatusSchema, NotificationView } from './schemas.ts';
import { Slug } from '../tenants/schemas.ts';

const tags = ['notifications'];

export const notificationRoutes: FastifyPluginAsyncTypebox<{ deps: AdminApiDeps }> = async (app, { deps }) => {
  const { sql } = deps.db;
  const ledger = createLedger(deps.db);
  app.get(
    '/v1/notifications',
    {
      schema: {
        tags,
        summary: 'Listar notificações (mais recentes primeiro)',
        querystring: Type.Object({
          status: Type.Optional(StatusSchema),
          tenantSlug: Type.Optional(Slug),
          kind: Type.Optional(NotificationKind),
          limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
        }),
        response: { 200: Type.Object({ items: Type.Array(NotificationView) }), ...authErrors },
      },
    },
    async (request) => ({ items: await findNotifications(sql, request.query) }),
  );

  app.post(
    '/v1/notifications/:id/retry',
    {
      schema: {
        tags,
        summary: 'Reenviar uma notificação que falhou (volta para a fila)',
        params: IdParams,
        response: { 202: Accepted, 404: ErrorBody, 409: ErrorBody, ...authErrors },
      },
    },
    async (request, reply) => {
      // The ledger's one reopen rule: a fresh attempt budget, due now (the audit rows keep the history).
      const reopened = await ledger.owed.reopen(request.params.id);
      if (!reopened.reopened) {
        if (!reopened.status) throw notFound('NOTIFICATION_NOT_FOUND', 'Notificação não encontrada');
        throw conflict(
          'NOTIFICATION_NOT_FAILED',
          `Só notificações com falha podem ser reenviadas (status atual: ${reopened.status})`,
          {
            status: reopened.status,
          },
        );
      }
      const row = { id: reopened.id, tenantId: reopened.tenantId, dueAt: reopened.dueAt };
      const status = await enqueueCommitted(deps, row, 'retry');
      request.log.info({ notificationId: row.id }, 'failed notification re-queued by an operator');
      return reply.status(202).send({ id: row.id, status });
    },
  );
};
