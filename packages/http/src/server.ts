import closeWithGrace from 'close-with-grace';
import type { AnyFastify } from './types.ts';

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
 */
export async function serve(options: ServeOptions): Promise<void> {
  const { app } = options;
  closeWithGrace({ delay: options.shutdownDeadlineMs ?? 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    else app.log.info({ signal }, 'shutting down');
    await app.close();
  });
  await app.listen({ port: options.port, host: options.host });
}
