import { readFile } from 'node:fs/promises';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { RouteShorthandOptions } from 'fastify';
import { Type } from 'typebox';

export interface AssetOptions {
  /** The folder the files are in (a `file:` URL ending in `/`). */
  dir: URL;
  /** File name → content type: only these are served. */
  files: Record<string, string>;
  cacheControl: string;
  /** Merged into each route's options (e.g. `config: { public: true }`, a route-level helmet). */
  routeOptions?: Omit<RouteShorthandOptions, 'schema'>;
}

/**
 * A page's own scripts and styles: read once at registration (no build step, no file system access
 * per request), served at `<prefix>/:name` with their type; any other name is a 400 from the
 * schema. Register it with `{ prefix }` beside the pages that link them.
 */
export const assetRoutes: FastifyPluginAsyncTypebox<AssetOptions> = async (app, options) => {
  const names = Object.keys(options.files);
  const contents = new Map(
    await Promise.all(names.map(async (name) => [name, await readFile(new URL(name, options.dir), 'utf8')] as const)),
  );
  app.get(
    '/:name',
    { ...options.routeOptions, schema: { hide: true, params: Type.Object({ name: Type.Enum(names) }) } },
    async (request, reply) => {
      const { name } = request.params as { name: string };
      return reply.type(options.files[name]!).header('cache-control', options.cacheControl).send(contents.get(name));
    },
  );
};
