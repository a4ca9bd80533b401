import { withDeadline } from '@bora/core';
import {
  enqueueNotifications,
  requeueNotification,
  type DueNotification,
  type NotificationQueues,
} from './notifications.ts';

/**
 * Puts committed rows' pointer jobs on the queue within a deadline: a queue still connecting can
 * hold a command indefinitely, and the caller (an operator, a customer) should not wait on it.
 * Resolves whether Redis took them in time; never rejects. Nothing is lost either way: a row
 * without its job is found by the dispatcher's sweeper. `retry` replaces a finished job of the
 * same id (an operator retry), where a plain add would be a silent no-op.
 */
export async function enqueueAfterCommit(
  queues: NotificationQueues,
  items: readonly DueNotification[],
  options: { deadlineMs: number; mode?: 'new' | 'retry'; onError?: (error: unknown) => void },
): Promise<boolean> {
  if (items.length === 0) return true;
  const adding: Promise<unknown> =
    options.mode === 'retry'
      ? Promise.all(items.map((item) => requeueNotification(queues, item)))
      : enqueueNotifications(queues, items);
  try {
    await withDeadline(adding, options.deadlineMs, 'enqueue');
    return true;
  } catch (error) {
    options.onError?.(error);
    return false;
  }
}
