import type { Server } from 'node:http';
import closeWithGrace from 'close-with-grace';
import type { AnyFastify } from './types.ts';

/**
 * How long a client may hold a connection, as Fastify options (every service spreads them into
 * `Fastify({...})`). Node's own defaults wait 5 minutes for a request and forever on a silent
 * socket, so a few slow clients could hold every socket.
 * - requestTimeout: the whole request (headers and body) must arrive within 30 s; bodies are small.
 * - keepAliveTimeout: an idle keep-alive socket closes after 65 s — longer than the 60 s idle
 *   timeout of common load balancers, so the proxy closes first and never reuses a socket we
 *   are closing (which shows up as sporadic 502s).
 * - connectionTimeout: a socket with no traffic for 60 s is destroyed (a client that stopped
 *   reading, or a handler that hangs), longer than any bounded call a route makes.
 */
export const SERVER_TIMEOUTS = {
  requestTimeout: 30_000,
  keepAliveTimeout: 65_000,
  connectionTimeout: 60_000,
} as const;

/** The same bounds on a Node server already built (an app created without the options). */
export function boundServer(server: Server): void {
  server.requestTimeout = SERVER_TIMEOUTS.requestTimeout;
  server.keepAliveTimeout = SERVER_TIMEOUTS.keepAliveTimeout;
  server.setTimeout(SERVER_TIMEOUTS.connectionTimeout);
}

export interface ServeOptions {
  app: AnyFastify;
  port: number;
  host: string;
  /** Force-exit if a graceful close takes longer than this. */
  shutdownDeadlineMs?: number;
}

/**
 * Listens, then closes the app on SIGTERM/SIGINT (or an uncaught error) within a deadline:
 * `app.close()` stops intake first and runs every plugin's onClose (workers, queues, DB, Redis) in
 * reverse registration order; close-with-grace exits the process when the deadline passes.
 * Every served app gets SERVER_TIMEOUTS, whether or not it was built with them.
 */
export async function serve(options: ServeOptions): Promise<void> {
  const { app } = options;
  closeWithGrace({ delay: options.shutdownDeadlineMs ?? 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    else app.log.info({ signal }, 'shutting down');
    await app.close();
  });
  boundServer(app.server);
  await app.listen({ port: options.port, host: options.host });
}
