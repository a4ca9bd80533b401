import { ErrorBody } from '@bora/http';
import { conflict, encryptSecret, notFound, randomToken } from '@bora/core';
import { evolutionApis, type NewEvolutionApi, notifyFleetChanged, whatsappInstances } from '@bora/db';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { asc, count, eq, sql } from 'drizzle-orm';
import { Type, type Static } from 'typebox';
import type { AdminApiDeps } from '../deps.ts';
import { mapDbError } from '../db-errors.ts';
import { webhookUrl } from './server-client.ts';
import { serverUrlFrom } from './server-url.ts';
import { authErrors, IdParams } from '../common-schemas.ts';
import { EvolutionApiCreate, EvolutionApiPatch, EvolutionApiView, evolutionApiView } from './schemas.ts';

const tags = ['evolution-apis'];

export const evolutionApiNotFound = () => notFound('EVOLUTION_API_NOT_FOUND', 'Evolution API não encontrada');

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
  const { db } = deps.db;
  const { secretKey, publicUrl } = deps.config;
  const checkedUrl = (url: string | undefined) => (url === undefined ? undefined : serverUrlFrom(url, deps.lookup));
  const view = (row: typeof evolutionApis.$inferSelect) => evolutionApiView(row, webhookUrl(publicUrl, row.id));

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
      const row = await db
        .transaction(async (tx) => {
          const [inserted] = await tx.insert(evolutionApis).values(values).returning();
          await notifyFleetChanged(tx);
          return inserted!;
        })
        .catch(mapDbError);
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
      const rows = await db
        .select()
        .from(evolutionApis)
        .orderBy(sql`${evolutionApis.priority} desc`, asc(evolutionApis.name));
      return { items: rows.map(view) };
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
      const [row] = await db.select().from(evolutionApis).where(eq(evolutionApis.id, request.params.id));
      if (!row) throw evolutionApiNotFound();
      return view(row);
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
      const values = {
        ...columnsFrom(request.body, await checkedUrl(request.body.url), secretKey),
        updatedAt: sql`now()`,
      };
      const row = await db
        .transaction(async (tx) => {
          const [updated] = await tx
            .update(evolutionApis)
            .set(values)
            .where(eq(evolutionApis.id, request.params.id))
            .returning();
          if (!updated) throw evolutionApiNotFound();
          await notifyFleetChanged(tx);
          return updated;
        })
        .catch(mapDbError);
      return view(row);
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
      await db.transaction(async (tx) => {
        const [server] = await tx
          .select({ id: evolutionApis.id })
          .from(evolutionApis)
          .where(eq(evolutionApis.id, request.params.id))
          .for('update');
        if (!server) throw evolutionApiNotFound();
        const [hosted] = await tx
          .select({ n: count() })
          .from(whatsappInstances)
          .where(eq(whatsappInstances.evolutionApiId, server.id));
        const instances = hosted?.n ?? 0;
        if (instances > 0 && !request.query.force) {
          // A WhatsApp session lives on its server: there is no "move", only remove and recreate.
          throw conflict(
            'EVOLUTION_API_HAS_INSTANCES',
            `Esta Evolution API ainda hospeda ${instances} WhatsApp(s). Um WhatsApp não pode ser movido entre servidores (a sessão fica neste servidor): ` +
              'exclua-os e cadastre-os de novo em outra Evolution API (escaneando o QR code outra vez), ' +
              'ou exclua com ?force=true, que apaga também o cadastro desses WhatsApps.',
            { instances },
          );
        }
        // Forced: the registrations go with the server (the ledger keeps its history, the
        // references are set null); nothing is called on the Evolution side, which may be gone.
        if (instances > 0) await tx.delete(whatsappInstances).where(eq(whatsappInstances.evolutionApiId, server.id));
        await tx.delete(evolutionApis).where(eq(evolutionApis.id, server.id));
        await notifyFleetChanged(tx);
      });
      request.log.info({ evolutionApiId: request.params.id, force: request.query.force }, 'evolution api deleted');
      return reply.status(204).send(null);
    },
  );
};
