import { ErrorBody } from '@bora/http';
import type { EvolutionHealth } from '@bora/db';
import { isEvolutionError, WEBHOOK_EVENTS, WEBHOOK_SECRET_HEADER } from '@bora/evolution-client';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AdminApiDeps } from '../deps.ts';
import { errorFields, healthFromError, webhookConfigFor, withServerClient } from './server-client.ts';
import { operatorMessage, versionOf } from './operator-messages.ts';
import { assertServerUrlAllowed, hideCredentials } from './server-url.ts';
import { authErrors, IdParams } from '../common-schemas.ts';
import { CheckResult, WebhookConfigView } from './schemas.ts';
import { createEvolutionApiStore } from './store.ts';

const tags = ['evolution-apis'];

/**
 * Says what is wrong in words an operator can act on, naming the HTTP status or the URL when they
 * help — our classification only: nothing the server wrote is echoed (see evolution-messages.ts).
 */
function explain(error: unknown, storedUrl: string): string {
  const base = operatorMessage(error);
  const url = hideCredentials(storedUrl);
  if (!isEvolutionError(error)) return base;
  if (error.code === 'SERVER_ERROR' && error.httpStatus !== undefined) return `${base} (HTTP ${error.httpStatus})`;
  if (error.code === 'UNAUTHORIZED')
    return `${base} (o servidor respondeu HTTP 401). Copie de novo a chave global do EasyPanel.`;
  if (
    error.code === 'UNREACHABLE' ||
    error.code === 'TIMEOUT' ||
    error.code === 'CONNECT_TIMEOUT' ||
    error.code === 'CONNECTION_RESET'
  ) {
    return `${base} em ${url}. Verifique a URL, o DNS e se o servidor está no ar.`;
  }
  if (error.code === 'ROUTE_NOT_FOUND' || error.code === 'BAD_RESPONSE') return `${base} (${url})`;
  return base;
}

export const evolutionApiCheckRoutes: FastifyPluginAsyncTypebox<{ deps: AdminApiDeps }> = async (app, { deps }) => {
  const store = createEvolutionApiStore(deps.db.db);
  app.post(
    '/v1/evolution-apis/:id/check',
    {
      schema: {
        tags,
        summary: 'Testar URL e chave contra o servidor Evolution (atualiza o estado de saúde)',
        params: IdParams,
        response: { 200: CheckResult, 400: ErrorBody, 404: ErrorBody, ...authErrors },
      },
    },
    async (request) => {
      const server = await store.get(request.params.id);
      // A row stored before the address rules existed (or a name whose DNS changed since) is
      // refused here, before any request leaves.
      await assertServerUrlAllowed(server.url, deps.lookup);
      let result: {
        ok: boolean;
        health: EvolutionHealth;
        message: string;
        code?: string;
        version?: string | null;
        instanceCount?: number;
      };
      try {
        const check = await withServerClient(deps.config, server, (client) => client.checkServer());
        const reported = versionOf(check.version);
        const version = reported ? ` ${reported}` : '';
        result = {
          ok: true,
          health: 'online',
          message: `Conexão OK: Evolution API${version}, chave aceita, ${check.instanceCount} instância(s) no servidor`,
          version: reported,
          instanceCount: check.instanceCount,
        };
      } catch (error) {
        const code = isEvolutionError(error) ? error.code : 'UNKNOWN';
        result = {
          ok: false,
          health: healthFromError(error) ?? 'incompatible',
          message: explain(error, server.url),
          code,
        };
        request.log.warn({ evolutionApiId: server.id, ...errorFields(error) }, 'evolution api check failed');
      }
      await store.recordHealth(server.id, result.health, result.ok ? null : result.message);
      return result;
    },
  );

  app.get(
    '/v1/evolution-apis/:id/webhook',
    {
      schema: {
        tags,
        summary: 'Configuração de webhook para instâncias criadas fora do painel (URL, cabeçalho e segredo)',
        params: IdParams,
        response: { 200: WebhookConfigView, 404: ErrorBody, ...authErrors },
      },
    },
    async (request) => {
      const server = await store.get(request.params.id);
      const config = webhookConfigFor(deps.config, server);
      const secret = config.headers[WEBHOOK_SECRET_HEADER]!;
      return {
        url: config.url,
        urlWithSecret: `${config.url}?secret=${encodeURIComponent(secret)}`,
        header: WEBHOOK_SECRET_HEADER,
        secret,
        events: WEBHOOK_EVENTS,
      };
    },
  );
};
