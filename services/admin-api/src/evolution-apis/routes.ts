import { ErrorBody } from '@bora/http';
import { encryptSecret, randomToken } from '@bora/core';
import type { EvolutionApi, NewEvolutionApi } from '@bora/db';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import type { AdminApiDeps } from '../deps.ts';
import { webhookUrl } from '@bora/evolution-client';
import { serverUrlFrom } from './server-url.ts';
import { authErrors, IdParams } from '../common-schemas.ts';
import { createEvolutionApiStore } from './store.ts';
import { EvolutionApiCreate, EvolutionApiPatch, EvolutionApiView, evolutionApiView } from './schemas.ts';

const tags = ['evolution-apis'];

/** `url` is the body's URL already checked by `serverUrlFrom`. */
function columnsFrom(
  body: Static<typeof EvolutionApiPatch>,
  url: string | undefined,
  secretKey: string,
): Partial<NewEvolutionApi> {
  const values: Partial<NewEvolutionApi> = {};
  if (body.name !== undefined) values.name = body.name;
  if (url !== undefined) values.url = url;
  if (body.apiKey !== undefined) values.apiKeyEncrypted = encryptSecret(body.apiKey, secretKey);
  if (body.url !== undefined || body.apiKey !== undefined) {
    // A new address or key is unproven: the next check or poll decides the health again.
    values.health = 'unknown';
    values.lastError = null;
  }
  if (body.capacity !== undefined) values.capacity = body.capacity;
  if (body.priority !== undefined) values.priority = body.priority;
  if (body.isActive !== undefined) values.isActive = body.isActive;
  return values;
}

/** The seed's Passo 3: the Evolution servers (name, URL, key, capacity, priority, active). */
export const evolutionApiRoutes: FastifyPluginAsyncTypebox<{ deps: AdminApiDeps }> = async (app, { deps }) => {
  const store = createEvolutionApiStore(deps.db.db);
  const { secretKey, publicUrl } = deps.config;
  const checkedUrl = (url: string | undefined) => (url === undefined ? undefined : serverUrlFrom(url, deps.lookup));
  const view = (row: EvolutionApi) => evolutionApiView(row, webhookUrl(publicUrl, row.id));

  app.post(
    '/v1/evolution-apis',
    {
      schema: {
        tags,
        summary: 'Cadastrar Evolution API',
        body: EvolutionApiCreate,
        response: { 201: EvolutionApiView, 400: ErrorBody, 409: ErrorBody, ...authErrors },
      },
    },
    async (request, reply) => {
      const values = {
        ...columnsFrom(request.body, await checkedUrl(request.body.url), secretKey),
        webhookSecretEncrypted: encryptSecret(randomToken(24), secretKey),
      } as NewEvolutionApi;
      const row = await store.create(values);
      request.log.info({ evolutionApiId: row.id }, 'evolution api created');
      return reply.status(201).send(view(row));
    },
  );

  app.get(
    '/v1/evolution-apis',
    {
      schema: {
        tags,
        summary: 'Listar Evolution APIs',
        response: { 200: Type.Object({ items: Type.Array(EvolutionApiView) }), ...authErrors },
      },
    },
    async () => {
      return { items: (await store.list()).map(view) };
    },
  );

  app.get(
    '/v1/evolution-apis/:id',
    {
      schema: {
        tags,
        summary: 'Ver Evolution API',
        params: IdParams,
        response: { 200: EvolutionApiView, 404: ErrorBody, ...authErrors },
      },
    },
    async (request) => {
      return view(await store.get(request.params.id));
    },
  );

  app.patch(
    '/v1/evolution-apis/:id',
    {
      schema: {
        tags,
        summary: 'Alterar Evolution API (apiKey opcional: substitui a atual)',
        params: IdParams,
        body: EvolutionApiPatch,
        response: {
          200: EvolutionApiView,
          400: ErrorBody,
          404: ErrorBody,
          409: ErrorBody,
          ...authErrors,
        },
      },
    },
    async (request) => {
      const values = columnsFrom(request.body, await checkedUrl(request.body.url), secretKey);
      return view(await store.update(request.params.id, values));
    },
  );

  app.delete(
    '/v1/evolution-apis/:id',
    {
      schema: {
        tags,
        summary: 'Excluir Evolution API (409 se ainda hospeda WhatsApps, a menos que ?force=true)',
        params: IdParams,
        querystring: Type.Object({ force: Type.Boolean({ default: false }) }),
        response: { 204: Type.Null(), 404: ErrorBody, 409: ErrorBody, ...authErrors },
      },
    },
    async (request, reply) => {
      await store.remove(request.params.id, request.query.force);
      request.log.info({ evolutionApiId: request.params.id, force: request.query.force }, 'evolution api deleted');
      return reply.status(204).send(null);
    },
  );
};
