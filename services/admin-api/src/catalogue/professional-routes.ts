import { ErrorBody } from '@bora/http';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { authErrors } from '../common-schemas.ts';
import { EntryParams, ProfessionalBody, ProfessionalPatch, ProfessionalView, TenantScope } from './schemas.ts';
import type { CatalogueStore } from './store.ts';

const tags = ['catálogo'];

/** `/v1/tenants/:slug/professionals`: who does the services (name, which services, active). */
export const professionalRoutes: FastifyPluginAsyncTypebox<{ store: CatalogueStore }> = async (app, { store }) => {
  app.get(
    '/professionals',
    {
      schema: {
        tags,
        summary: 'Listar profissionais do negócio',
        params: TenantScope,
        response: { 200: Type.Object({ items: Type.Array(ProfessionalView) }), 404: ErrorBody, ...authErrors },
      },
    },
    async (request) => ({ items: await store.listProfessionals(request.params.slug) }),
  );

  app.post(
    '/professionals',
    {
      schema: {
        tags,
        summary: 'Cadastrar profissional',
        description: 'O nome é único no negócio (as mensagens e a agenda o mostram).',
        params: TenantScope,
        body: ProfessionalBody,
        response: { 201: ProfessionalView, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody, ...authErrors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await store.saveProfessional(request.params.slug, undefined, request.body)),
  );

  app.get(
    '/professionals/:id',
    {
      schema: {
        tags,
        summary: 'Ver profissional',
        params: EntryParams,
        response: { 200: ProfessionalView, 404: ErrorBody, ...authErrors },
      },
    },
    async (request) => store.getProfessional(request.params.slug, request.params.id),
  );

  app.patch(
    '/professionals/:id',
    {
      schema: {
        tags,
        summary: 'Alterar profissional',
        description: 'serviceIds, quando enviado, substitui a lista inteira.',
        params: EntryParams,
        body: ProfessionalPatch,
        response: { 200: ProfessionalView, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody, ...authErrors },
      },
    },
    async (request) => store.saveProfessional(request.params.slug, request.params.id, request.body),
  );

  app.delete(
    '/professionals/:id',
    {
      schema: {
        tags,
        summary: 'Excluir profissional',
        description: 'Um profissional com agendamentos não pode ser excluído (409 PROFESSIONAL_IN_USE): desative-o.',
        params: EntryParams,
        response: { 204: Type.Null(), 404: ErrorBody, 409: ErrorBody, ...authErrors },
      },
    },
    async (request, reply) => {
      await store.deleteProfessional(request.params.slug, request.params.id);
      return reply.status(204).send(null);
    },
  );
};
