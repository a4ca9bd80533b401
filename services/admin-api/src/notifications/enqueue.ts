import { enqueueAfterCommit } from '@bora/queue';
import type { AdminApiDeps } from '../deps.ts';

/** A queue still connecting can hold a command indefinitely; the operator should not wait on it. */
const ENQUEUE_DEADLINE_MS = 2_000;

/**
 * Puts the pointer job on the queue after the row is committed. The row stays as the ledger left
 * it (`pending`): the answer says `queued` when Redis took the job, `pending` when it did not — then
 * the dispatcher's sweeper enqueues it, nothing is lost, and the caller still gets its 202.
 */
export async function enqueueCommitted(
  deps: Pick<AdminApiDeps, 'queues' | 'logger'>,
  item: { id: string; tenantId: string; dueAt: Date },
  mode: 'new' | 'retry',
): Promise<'queued' | 'pending'> {
  const enqueued = await enqueueAfterCommit(deps.queues, [item], {
    deadlineMs: ENQUEUE_DEADLINE_MS,
    mode,
    onError: (err) =>
      deps.logger.warn({ notificationId: item.id, err }, 'enqueue failed; the sweeper will pick the row up'),
  });
  return enqueued ? 'queued' : 'pending';
}
