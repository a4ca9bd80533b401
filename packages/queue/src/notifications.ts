import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';

/** Queue name; keys are `${prefix}:notifications:…` where prefix carries a `{hash tag}`. */
export const NOTIFICATIONS_QUEUE = 'notifications';

/** A pointer: the row in `notifications` is the truth, the job only says "look at it". */
export interface NotificationJob {
  notificationId: string;
  /** The dispatcher's private bookkeeping (pacing slot, waits); nobody else reads or writes it. */
  dispatch?: Record<string, unknown>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function parseNotificationJob(data: unknown): NotificationJob | undefined {
  const id = (data as { notificationId?: unknown } | null)?.notificationId;
  return typeof id === 'string' && UUID.test(id) ? { notificationId: id } : undefined;
}

/**
 * Defaults for every notification job. Retries are decided by the dispatcher from the error's
 * scope, so BullMQ's own attempts count send attempts only; finished jobs are kept for a while so
 * the dashboard can show them, failed ones for a week.
 */
export const NOTIFICATION_JOB_OPTIONS: JobsOptions = {
  removeOnComplete: { age: 24 * 3600, count: 50_000 },
  // By count too: a flood of dead letters must not grow Redis without bound (the rows stay in Postgres).
  removeOnFail: { age: 7 * 24 * 3600, count: 100_000 },
};

export interface QueueSettings {
  connection: ConnectionOptions;
  prefix: string;
  /** Connection errors (Redis down); without a listener they would crash the process. */
  onError?: (error: Error) => void;
}

export function createNotificationsQueue(settings: QueueSettings): Queue<NotificationJob> {
  const queue = new Queue<NotificationJob>(NOTIFICATIONS_QUEUE, {
    connection: settings.connection,
    prefix: settings.prefix,
    defaultJobOptions: NOTIFICATION_JOB_OPTIONS,
  });
  queue.on('error', settings.onError ?? (() => {}));
  return queue;
}

export interface DueNotification {
  id: string;
  dueAt: Date;
}

/**
 * Adds one pointer job per notification, jobId = notification id, delayed until `dueAt`. Adding
 * an id that is already waiting, delayed or active is a no-op in BullMQ, which is what makes the
 * sweeper's re-enqueue safe.
 */
export async function enqueueNotifications(
  queue: Queue<NotificationJob>,
  items: readonly DueNotification[],
  now: number = Date.now(),
): Promise<void> {
  if (items.length === 0) return;
  await queue.addBulk(
    items.map((item) => ({
      name: 'send',
      data: { notificationId: item.id },
      opts: { jobId: item.id, delay: Math.max(0, item.dueAt.getTime() - now) },
    })),
  );
}

/** Removes a waiting or delayed job (a cancelled reminder). Active jobs re-check the row anyway. */
export async function removeNotificationJob(queue: Queue<NotificationJob>, notificationId: string): Promise<boolean> {
  const job = await queue.getJob(notificationId);
  if (!job) return false;
  const state = await job.getState();
  if (state === 'active') return false;
  await job.remove();
  return true;
}

/**
 * Puts a notification back on the queue whatever its job's past: a finished (completed or failed)
 * job with the same id would make `add` a silent no-op, so it is removed first. Waiting, delayed
 * and active jobs are left alone (already in flight). Used by admin retries and the sweeper.
 */
export async function requeueNotification(
  queue: Queue<NotificationJob>,
  item: DueNotification,
  now: number = Date.now(),
): Promise<'added' | 'in-flight'> {
  const job = await queue.getJob(item.id);
  if (job) {
    const state = await job.getState();
    if (state !== 'completed' && state !== 'failed' && state !== 'unknown') return 'in-flight';
    await job.remove();
  }
  await enqueueNotifications(queue, [item], now);
  return 'added';
}

/**
 * Rows due within this get their (delayed) job at once; later ones (reminders) wait in Postgres
 * and the dispatcher's sweeper enqueues each when it comes within this window. Keeps months of
 * delayed jobs out of Redis.
 */
export const ENQUEUE_LOOKAHEAD_MS = 60_000;
