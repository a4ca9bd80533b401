import type { NotificationStatus } from '@bora/db';
import { enqueueNotifications, requeueNotification } from '@bora/queue';
import type { AdminApiDeps } from '../deps.ts';

/** A queue still connecting can hold a command indefinitely; the operator should not wait on it. */
const ENQUEUE_DEADLINE_MS = 2_000;

function withDeadline(promise: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`enqueue timed out after ${ms} ms`)), ms);
  });
  promise.catch(() => {});
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/**
 * Puts the pointer job on the queue after the row is committed, then moves the row `pending` →
 * `queued` (guarded, so a row the dispatcher already claimed keeps its newer status). When Redis
 * is down the row simply stays `pending`: the dispatcher's sweeper enqueues it, nothing is lost,
 * and the caller still gets its 202.
 */
export async function enqueueCommitted(
  deps: Pick<AdminApiDeps, 'queue' | 'db' | 'logger'>,
  item: { id: string; dueAt: Date },
  mode: 'new' | 'retry',
): Promise<NotificationStatus> {
  try {
    const enqueue: Promise<unknown> = mode === 'retry' ? requeueNotification(deps.queue, item) : enqueueNotifications(deps.queue, [item]);
    await withDeadline(enqueue, ENQUEUE_DEADLINE_MS);
  } catch (error) {
    deps.logger.warn({ notificationId: item.id, err: error }, 'enqueue failed; the sweeper will pick the row up');
    return 'pending';
  }
  const [row] = await deps.db.sql<{ status: NotificationStatus }[]>`
    with u as (
      update notifications set status = 'queued', updated_at = now()
      where id = ${item.id} and status = 'pending'
      returning status
    )
    select coalesce((select status from u), (select status from notifications where id = ${item.id})) as status`;
  return row?.status ?? 'pending';
}
