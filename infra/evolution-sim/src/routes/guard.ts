// Evolution's guards, in its order: the route must exist, then the instance, then the apikey.
import type { FastifyRequest } from 'fastify';
import { envelope, EvoError, instanceNotFound, unauthorized } from '../errors.ts';
import type { InstanceRecord, ServerRecord, SimStore } from '../store.ts';
import type { WebhookEmitter } from '../webhooks.ts';

export interface SimContext {
  store: SimStore;
  webhooks: WebhookEmitter;
}

export interface EvoParams {
  server: string;
  instance: string;
}

export type EvoRequest = FastifyRequest<{ Params: EvoParams; Body: unknown; Querystring: Record<string, string | undefined> }>;

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
  if (v1Method && (req.method === v1Method) !== (server.version === 'v1')) throw routeNotFound(store, req.method, req.url);
  return server;
}

function apikeyOf(req: FastifyRequest): string | undefined {
  const key = req.headers.apikey;
  return typeof key === 'string' && key.length > 0 ? key : undefined;
}

/** Routes without an instance (create, fetchInstances): the global key; fetchInstances also takes a token. */
export function authorizeServer(server: ServerRecord, req: FastifyRequest, allowToken = false): InstanceRecord | 'global' {
  const key = apikeyOf(req);
  if (!key) throw unauthorized();
  if (key === server.apiKey) return 'global';
  if (allowToken) for (const instance of server.instances.values()) if (instance.token === key) return instance;
  throw unauthorized();
}

/** Instance routes: 404 for an unknown instance before the key is even looked at. */
export function guardInstance(store: SimStore, req: EvoRequest, v1Method?: string): InstanceRecord {
  const server = serverFor(store, req, v1Method);
  const instance = server.instances.get(req.params.instance);
  if (!instance) throw instanceNotFound(req.params.instance);
  const key = apikeyOf(req);
  if (key !== server.apiKey && (key === undefined || key !== instance.token)) throw unauthorized();
  return instance;
}
