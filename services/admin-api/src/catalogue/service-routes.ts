import { ErrorBody } from '@bora/http';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { authErrors } from '../common-schemas.ts';
import { EntryParams, ServiceBody, ServicePatch, ServiceView, TenantScope } from './schemas.ts';
import { toCents, type CatalogueStore } from './store.ts';

const tags = ['catálogo'];

/** `/v1/tenants/:slug/services`: what the business sells (name, duration, price, active). */
export const serviceRoutes: FastifyPluginAsyncTypebox<{ store: CatalogueStore }> = async (app, { store }) => {
  app.get(
    '/services',
    {
      schema: {
        tags,
        summary: 'Listar serviços do negócio',
        params: TenantScope,
        response: { 200: Type.Object({ items: Type.Array(ServiceView) }), 404: ErrorBody, ...authErrors },
      },
    },
    async (request) => ({ items: await store.listServices(request.params.slug) }),
  );

  app.post(
    '/services',
    {
      schema: {
        tags,
        summary: 'Cadastrar serviço',
        description:
          'O primeiro serviço liga o catálogo: a partir dele o mini-site e a API pedem serviceId (os campos de texto livre deixam de valer).',
        params: TenantScope,
        body: ServiceBody,
        response: { 201: ServiceView, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody, ...authErrors },
      },
    },
    async (request, reply) => {
      const { price, ...rest } = request.body;
      const created = await store.createService(request.params.slug, { ...rest, priceCents: toCents(price) ?? null });
      return reply.status(201).send(created);
    },
  );

  app.get(
    '/services/:id',
    {
      schema: {
        tags,
        summary: 'Ver serviço',
        params: EntryParams,
        response: { 200: ServiceView, 404: ErrorBody, ...authErrors },
      },
    },
    async (request) => store.getService(request.params.slug, request.params.id),
  );

  app.patch(
    '/services/:id',
    {
      schema: {
        tags,
        summary: 'Alterar serviço',
        params: EntryParams,
        body: ServicePatch,
        response: { 200: ServiceView, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody, ...authErrors },
      },
    },
    async (request) => {
      const { price, ...rest } = request.body;
      const cents = toCents(price);
      return store.updateService(request.params.slug, request.params.id, {
        ...rest,
        ...(cents === undefined ? {} : { priceCents: cents }),
      });
    },
  );

  app.delete(
    '/services/:id',
    {
      schema: {
        tags,
        summary: 'Excluir serviço',
        description: 'Um serviço com agendamentos não pode ser excluído (409 SERVICE_IN_USE): desative-o.',
        params: EntryParams,
        response: { 204: Type.Null(), 404: ErrorBody, 409: ErrorBody, ...authErrors },
      },
    },
    async (request, reply) => {
      await store.deleteService(request.params.slug, request.params.id);
      return reply.status(204).send(null);
    },
  );
};
