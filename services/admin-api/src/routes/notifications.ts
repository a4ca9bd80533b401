import { conflict, notFound } from '@bora/core';
import type { NotificationStatus } from '@bora/db';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AdminApiDeps } from '../deps.ts';
import { enqueueCommitted } from '../lib/enqueue.ts';
import { findNotifications } from '../lib/notifications.ts';
import { authErrors, ErrorResponse, IdParams } from '../schemas/common.ts';
import { Accepted, NotificationKind, NotificationStatus as StatusSchema, NotificationView } from '../schemas/notification.ts';
import { Slug } from '../schemas/tenant.ts';

const tags = ['notifications'];

export function notificationRoutes(deps: AdminApiDeps): FastifyPluginAsyncTypebox {
  const { sql } = deps.db;
  return async (app) => {
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
          response: { 202: Accepted, 404: ErrorResponse, 409: ErrorResponse, ...authErrors },
        },
      },
      async (request, reply) => {
        // Attempts start over: the dispatcher fails a row once `attempts` reaches its maximum, so
        // a retried dead letter would otherwise get a single try. The audit rows keep the history.
        // Raw timestamps come back as text (drizzle's postgres.js setup disables date parsing).
        const [row] = await sql<{ id: string; due_at: string }[]>`
          update notifications
             set status = 'pending', attempts = 0, due_at = now(), failed_at = null, lease_until = null, updated_at = now()
           where id = ${request.params.id} and status = 'failed'
          returning id, due_at`;
        if (!row) {
          const [current] = await sql<{ status: NotificationStatus }[]>`select status from notifications where id = ${request.params.id}`;
          if (!current) throw notFound('NOTIFICATION_NOT_FOUND', 'Notificação não encontrada');
          throw conflict('NOTIFICATION_NOT_FAILED', `Só notificações com falha podem ser reenviadas (status atual: ${current.status})`, {
            status: current.status,
          });
        }
        const status = await enqueueCommitted(deps, { id: row.id, dueAt: new Date(row.due_at) }, 'retry');
        request.log.info({ notificationId: row.id }, 'failed notification re-queued by an operator');
        return reply.status(202).send({ id: row.id, status });
      },
    );
  };
}
