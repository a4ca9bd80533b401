import { assetRoutes } from '@bora/http';
import { readFile } from 'node:fs/promises';
import helmet from '@fastify/helmet';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

const ASSETS = {
  'admin.js': 'text/javascript; charset=utf-8',
  'inbox.js': 'text/javascript; charset=utf-8',
  'admin-catalogue.js': 'text/javascript; charset=utf-8',
  'admin.css': 'text/css; charset=utf-8',
} as const;

async function load(name: string): Promise<string> {
  return readFile(new URL(`../public/${name}`, import.meta.url), 'utf8');
}

/**
 * The seed's "Monitoramento" page: plain HTML plus one small script, no build step. The files are
 * read once when the app is built. Helmet's CSP (scripts only from this origin) is scoped to these
 * pages; bull-board ships its own inline bootstrapping and lives outside this context.
 */
export const adminPageRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(helmet, { global: true });
  const page = await load('admin.html');

  app.get(
    '/admin',
    {
      schema: {
        tags: ['admin'],
        summary: 'Painel da frota (HTML)',
        response: { 200: { content: { 'text/html': { schema: Type.String() } } } },
      },
    },
    async (_request, reply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page),
  );

  await app.register(assetRoutes, {
    prefix: '/admin/assets',
    dir: new URL('../public/', import.meta.url),
    files: ASSETS,
    cacheControl: 'no-cache',
  });
};
