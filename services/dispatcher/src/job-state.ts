import type { NotificationJob } from '@bora/queue';
import { DelayedError, type Job } from 'bullmq';

/**
 * The dispatcher's own bookkeeping inside a job (opaque to everyone else): the pacing slot it
 * reserved before being delayed to it, and how many times in a row it waited for a sender.
 */
export interface DispatchState {
  paced?: { instanceId: string; at: number };
  waits: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Reads the state back, dropping anything malformed (a stale or hand-edited job simply starts over). */
export function readDispatchState(data: NotificationJob): DispatchState {
  const raw = (data as { dispatch?: unknown }).dispatch as
    { paced?: { instanceId?: unknown; at?: unknown }; waits?: unknown } | undefined;
  const paced = raw?.paced;
  const waits =
    typeof raw?.waits === 'number' && Number.isInteger(raw.waits) && raw.waits >= 0 ? Math.min(raw.waits, 1_000) : 0;
  if (
    paced &&
    typeof paced.instanceId === 'string' &&
    UUID.test(paced.instanceId) &&
    typeof paced.at === 'number' &&
    Number.isFinite(paced.at)
  ) {
    return { paced: { instanceId: paced.instanceId, at: paced.at }, waits };
  }
  return { waits };
}

export function jobWithState(notificationId: string, state: DispatchState): NotificationJob {
  return { notificationId, dispatch: { ...(state.paced ? { paced: state.paced } : {}), waits: state.waits } };
}

/** What processing a job came to, when it ends without delaying or failing the job. */
export type ProcessOutcome = { sent: true; messageId: string | null } | { unconfirmed: true } | { skipped: string };

/** Puts the job back, delayed to `until` (BullMQ's manual delay: the processor must throw DelayedError). */
export async function delayJob(job: Job, token: string | undefined, until: number): Promise<never> {
  await job.moveToDelayed(until, token);
  throw new DelayedError();
}
