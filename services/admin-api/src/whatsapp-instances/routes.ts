import { ErrorBody } from '@bora/http';
import { isEvolutionError } from '@bora/evolution-client';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AdminApiDeps } from '../deps.ts';
import { errorFields, evolutionFailure, withServerClient } from '../evolution-apis/server-client.ts';
import {
  countInstances,
  deleteInstance,
  findInstances,
  findInstanceWithServer,
  instanceNotFound,
  updateInstance,
} from './store.ts';
import { safetyValues } from '../number-safety/instance-safety.ts';
import { relinkUrl } from '../relink/link.ts';
import { authErrors, IdParams, Uuid } from '../common-schemas.ts';
import { Slug } from '../tenants/schemas.ts';
import { InstancePage, InstancePatch, InstanceStatusSchema, InstanceView } from './schemas.ts';

const tags = ['whatsapp-instances'];

export const whatsappInstanceRoutes: FastifyPluginAsyncTypebox<{ deps: AdminApiDeps }> = async (app, { deps }) => {
  const { db } = deps.db;
  // Operators get the same signed re-link link the owner got (fresh, so it never shows expired).
  const safety = {
    sql: deps.db.sql,
    relinkLink: (id: string) =>
      relinkUrl(deps.config.publicUrl, deps.config.secretKey, id, Date.now() + deps.config.relink.linkTtlMs),
  };
  app.get(
    '/v1/whatsapp-instances',
    {
      schema: {
        tags,
        summary: 'Listar WhatsApps (?status=connected é o get_connected_whatsapps do documento original)',
        description:
          'Paginado por limit/offset: `total` diz quantos há com estes filtros e `nextOffset`, quando não é null, é o offset da próxima página.',
        querystring: Type.Object({
          status: Type.Optional(InstanceStatusSchema),
          evolutionApiId: Type.Optional(Uuid),
          tenantSlug: Type.Optional(Slug),
          limit: Type.Integer({ minimum: 1, maximum: 20_000, default: 1000 }),
          offset: Type.Integer({ minimum: 0, default: 0 }),
        }),
        response: { 200: InstancePage, ...authErrors },
      },
    },
    async (request) => {
      const [items, total] = await Promise.all([
        findInstances(db, request.query, safety),
        countInstances(db, request.query),
      ]);
      const reached = request.query.offset + items.length;
      return { items, total, nextOffset: reached < total ? reached : null };
    },
  );

  app.get(
    '/v1/whatsapp-instances/:id',
    {
      schema: {
        tags,
        summary: 'Ver WhatsApp',
        params: IdParams,
        response: { 200: InstanceView, 404: ErrorBody, ...authErrors },
      },
    },
    async (request) => {
      const [instance] = await findInstances(db, { id: request.params.id }, safety);
      if (!instance) throw instanceNotFound();
      return instance;
    },
  );

  app.patch(
    '/v1/whatsapp-instances/:id',
    {
      schema: {
        tags,
        summary: 'Alterar WhatsApp (nome de exibição, negócio, principal, status, limites de envio, já aquecido)',
        params: IdParams,
        body: InstancePatch,
        response: { 200: InstanceView, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody, ...authErrors },
      },
    },
    async (request) => {
      const { displayName, tenantSlug, isPrimary, status } = request.body;
      await updateInstance(db, request.params.id, {
        displayName,
        tenantSlug,
        isPrimary,
        status,
        safety: safetyValues(request.body),
      });
      const [instance] = await findInstances(db, { id: request.params.id }, safety);
      return instance!;
    },
  );

  app.delete(
    '/v1/whatsapp-instances/:id',
    {
      schema: {
        tags,
        summary: 'Excluir WhatsApp (?deleteOnServer=true também apaga a instância no Evolution)',
        params: IdParams,
        querystring: Type.Object({ deleteOnServer: Type.Boolean({ default: false }) }),
        response: { 204: Type.Null(), 404: ErrorBody, 502: ErrorBody, ...authErrors },
      },
    },
    async (request, reply) => {
      const row = await findInstanceWithServer(db, request.params.id);
      if (request.query.deleteOnServer) {
        try {
          await withServerClient(deps.config, row.server, (client) => client.deleteInstance(row.instance.instanceName));
        } catch (error) {
          // Already gone on the server is the outcome we wanted.
          if (!(isEvolutionError(error) && error.code === 'INSTANCE_NOT_FOUND')) {
            request.log.warn(
              { ...errorFields(error), instance: row.instance.instanceName },
              'deleting the instance on evolution failed',
            );
            throw evolutionFailure(error, 'Não foi possível apagar a instância no servidor Evolution');
          }
        }
      }
      await deleteInstance(db, row.instance.id);
      return reply.status(204).send(null);
    },
  );
};
