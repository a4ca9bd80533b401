import type { Sql } from '@bora/db';
import type { AnyFastify } from '@bora/http';

/**
 * Expired Idempotency-Keys are ignored by lookups already; this only keeps the table from
 * growing forever. Small batches on an unref'd timer: every replica may run it, and a delete
 * that races another replica's just finds less to do.
 */
export function registerIdempotencyJanitor(
  app: AnyFastify,
  sql: Sql,
  options: { everyMs?: number; batch?: number } = {},
): void {
  const everyMs = options.everyMs ?? 10 * 60_000;
  const batch = options.batch ?? 5_000;
  let running: Promise<unknown> | undefined;
  const sweep = () => {
    running ??= sql`
      delete from idempotency_keys
      where ctid = any(array(select ctid from idempotency_keys where expires_at < now() limit ${batch}))`
      .catch((err: unknown) => app.log.warn({ err }, 'idempotency key cleanup failed'))
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(sweep, everyMs);
  timer.unref();
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await running;
  });
}
