import { Queue, type ConnectionOptions, type JobsOptions, type JobType } from 'bullmq';
import { closeQueue } from './close-queue.ts';

/** Queue name; keys are `${shard prefix}:notifications:…` where the prefix carries a `{hash tag}`. */
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
  /** The base prefix (`QUEUE_PREFIX`, e.g. `{bora}`); shard prefixes derive from it. */
  prefix: string;
  /** `QUEUE_SHARDS` (default 1: one queue with today's key names). */
  shards?: number;
  /** Connection errors (Redis down); without a listener they would crash the process. */
  onError?: (error: Error) => void;
}

/**
 * Each shard's key prefix. One shard keeps the base prefix (the historical key names); with N
 * shards, shard i's hash tag is the base tag + `-i` (`{bora}` → `{bora-0}`, `{bora-1}`, …), so each
 * shard's keys share one slot (BullMQ's scripts need that) and the shards spread over the cluster.
 */
export function shardPrefixes(prefix: string, shards = 1): string[] {
  if (!Number.isInteger(shards) || shards < 1) throw new Error(`shards must be a positive integer, got ${shards}`);
  if (shards === 1) return [prefix];
  const tag = /\{([^{}]+)\}/.exec(prefix);
  if (!tag) throw new Error(`a sharded queue prefix needs a {hash tag}, got "${prefix}"`);
  return Array.from({ length: shards }, (_, i) => prefix.replace(tag[0], `{${tag[1]}-${i}}`));
}

/**
 * The shard of a tenant: FNV-1a (32 bit) of its id, modulo the shard count. Stable across
 * processes and releases (every producer and the sweeper must agree), so one tenant's messages
 * stay in one queue, in order.
 */
export function shardOf(tenantId: string, shards: number): number {
  if (shards <= 1) return 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < tenantId.length; i++) {
    hash ^= tenantId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}

/** The notification queues, one per shard; producers reach them only through a tenant. */
export interface NotificationQueues {
  /** Index = shard. */
  readonly shards: readonly Queue<NotificationJob>[];
  readonly prefixes: readonly string[];
  shardOf(tenantId: string): number;
  forTenant(tenantId: string): Queue<NotificationJob>;
  /** Job counts summed over every shard (metrics, stats). */
  getJobCounts(...states: JobType[]): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export function createNotificationQueues(settings: QueueSettings): NotificationQueues {
  const prefixes = shardPrefixes(settings.prefix, settings.shards ?? 1);
  const shards = prefixes.map((prefix) => {
    const queue = new Queue<NotificationJob>(NOTIFICATIONS_QUEUE, {
      connection: settings.connection,
      prefix,
      defaultJobOptions: NOTIFICATION_JOB_OPTIONS,
    });
    queue.on('error', settings.onError ?? (() => {}));
    return queue;
  });
  const pick = (tenantId: string) => shardOf(tenantId, shards.length);
  return {
    shards,
    prefixes,
    shardOf: pick,
    forTenant: (tenantId) => shards[pick(tenantId)]!,
    async getJobCounts(...states) {
      const all = await Promise.all(shards.map((q) => q.getJobCounts(...states)));
      const sum: Record<string, number> = {};
      for (const counts of all) for (const [k, v] of Object.entries(counts)) sum[k] = (sum[k] ?? 0) + v;
      return sum;
    },
    async close() {
      await Promise.all(shards.map((q) => closeQueue(q)));
    },
  };
}

/** A notification row as the queue needs it: its tenant picks the shard. */
export interface DueNotification {
  id: string;
  tenantId: string;
  dueAt: Date;
}

/**
 * Adds one pointer job per notification to its tenant's shard, jobId = notification id, delayed
 * until `dueAt`. Adding an id that is already waiting, delayed or active is a no-op in BullMQ,
 * which is what makes the sweeper's re-enqueue safe. One addBulk (one pipeline, one slot) per shard.
 */
export async function enqueueNotifications(
  queues: NotificationQueues,
  items: readonly DueNotification[],
  now: number = Date.now(),
): Promise<void> {
  if (items.length === 0) return;
  const byShard = new Map<number, DueNotification[]>();
  for (const item of items) {
    const shard = queues.shardOf(item.tenantId);
    const list = byShard.get(shard);
    if (list) list.push(item);
    else byShard.set(shard, [item]);
  }
  await Promise.all(
    [...byShard].map(([shard, list]) =>
      queues.shards[shard]!.addBulk(
        list.map((item) => ({
          name: 'send',
          data: { notificationId: item.id },
          opts: { jobId: item.id, delay: Math.max(0, item.dueAt.getTime() - now) },
        })),
      ),
    ),
  );
}

/** Removes a waiting or delayed job (a cancelled reminder). Active jobs re-check the row anyway. */
export async function removeNotificationJob(
  queues: NotificationQueues,
  item: { id: string; tenantId: string },
): Promise<boolean> {
  const job = await queues.forTenant(item.tenantId).getJob(item.id);
  if (!job) return false;
  const state = await job.getState();
  if (state === 'active') return false;
  await job.remove();
  return true;
}

/**
 * Puts a notification back on its shard whatever its job's past: a finished (completed or failed)
 * job with the same id would make `add` a silent no-op, so it is removed first. Waiting, delayed
 * and active jobs are left alone (already in flight). Used by admin retries and the sweeper.
 */
export async function requeueNotification(
  queues: NotificationQueues,
  item: DueNotification,
  now: number = Date.now(),
): Promise<'added' | 'in-flight'> {
  const job = await queues.forTenant(item.tenantId).getJob(item.id);
  if (job) {
    const state = await job.getState();
    if (state !== 'completed' && state !== 'failed' && state !== 'unknown') return 'in-flight';
    await job.remove();
  }
  await enqueueNotifications(queues, [item], now);
  return 'added';
}

/**
 * Rows due within this get their (delayed) job at once; later ones (reminders) wait in Postgres
 * and the dispatcher's sweeper enqueues each when it comes within this window. Keeps months of
 * delayed jobs out of Redis.
 */
export const ENQUEUE_LOOKAHEAD_MS = 60_000;
