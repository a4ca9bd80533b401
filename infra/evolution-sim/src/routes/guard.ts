// Evolution's guards, in its order: the route must exist, then the instance, then the apikey.
import type { FastifyRequest } from 'fastify';
import { envelope, EvoError, instanceNotFound, unauthorized } from '../errors.ts';
import type { InstanceRecord, ServerRecord, SimStore } from '../store.ts';

export type { SimContext } from '../context.ts';

export interface EvoParams {
  server: string;
  instance: string;
}

export type EvoRequest = FastifyRequest<{
  Params: EvoParams;
  Body: unknown;
  Querystring: Record<string, string | undefined>;
}>;

/** The path the client would have used against a real server: the virtual server prefix removed. */
export function evolutionPath(store: SimStore, url: string): string {
  const end = url.indexOf('/', 1);
  const first = end === -1 ? url.slice(1).split('?')[0]! : url.slice(1, end);
  if (!store.servers.has(first)) return url;
  const rest = end === -1 ? url.slice(1 + first.length) : url.slice(end);
  return rest.startsWith('/') ? rest : `/${rest}`;
}

/** Express's default 404, which Evolution keeps: `Cannot METHOD /path`. */
export function routeNotFound(store: SimStore, method: string, url: string): EvoError {
  return new EvoError(404, envelope(404, [`Cannot ${method.toUpperCase()} ${evolutionPath(store, url)}`]));
}

/** The virtual server, or a 404 as if the route did not exist (a method only the other version has). */
export function serverFor(store: SimStore, req: EvoRequest, v1Method?: string): ServerRecord {
  const server = store.servers.get(req.params.server);
  if (!server) throw routeNotFound(store, req.method, req.url);
  if (v1Method && (req.method === v1Method) !== (server.version === 'v1'))
    throw routeNotFound(store, req.method, req.url);
  return server;
}

function apikeyOf(req: FastifyRequest): string | undefined {
  const key = req.headers.apikey;
  return typeof key === 'string' && key.length > 0 ? key : undefined;
}

/** Routes without an instance (create, verify-creds): the global key only. */
export function authorizeGlobal(server: ServerRecord, req: FastifyRequest): void {
  if (apikeyOf(req) !== server.apiKey) throw unauthorized();
}

/** The key a request carries: 'global', or a non-global key to be matched against tokens. */
export function requestKey(server: ServerRecord, req: FastifyRequest): 'global' | string {
  const key = apikeyOf(req);
  if (!key) throw unauthorized();
  return key === server.apiKey ? 'global' : key;
}

/**
 * An instance as an instance route sees it. `hosted: false` is a name known only from the shared
 * database (another server runs it): the guards pass, and then nothing in this process has it.
 */
export interface ResolvedInstance {
  instance: InstanceRecord;
  hosted: boolean;
}

/** Instance routes: 404 for an unknown instance before the key is even looked at. */
export function resolveInstance(store: SimStore, req: EvoRequest, v1Method?: string): ResolvedInstance {
  const server = serverFor(store, req, v1Method);
  const name = req.params.instance;
  const local = server.instances.get(name);
  const row = server.database.rows.get(name);
  const instance = local ?? row;
  if (!instance) throw instanceNotFound(name);
  const key = apikeyOf(req);
  // The token is read from the database row: gone with the row, whoever deleted it.
  if (key !== server.apiKey && (key === undefined || !row || row.token !== key)) throw unauthorized();
  return { instance, hosted: local !== undefined };
}

/** What a route handler reading `waMonitor.waInstances[name].<prop>` throws for an instance it does not host. */
export function notHostedTypeError(prop: string): string {
  return `Cannot read properties of undefined (reading '${prop}')`;
}
