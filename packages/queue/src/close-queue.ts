import type { Queue } from 'bullmq';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Closes a queue that shares our Redis connection (every service's queues do; NotificationQueues'
 * `close()` uses this). BullMQ 5 leaks an unhandled rejection when
 * such a queue is closed while its connection is still initializing and the shared client is
 * disconnected right after (its init fails with no listener left), so give init a bounded
 * moment to finish first. With Redis down, init never finishes and the wait simply ends.
 */
export async function closeQueue(queue: Queue, waitMs = 1_000): Promise<void> {
  await Promise.race([queue.waitUntilReady().catch(() => undefined), sleep(waitMs, undefined, { ref: false })]);
  await queue.close().catch(() => undefined);
}
