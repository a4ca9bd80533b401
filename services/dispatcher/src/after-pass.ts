import type { AttemptRecord, ClaimedNotification, Failure, Ledger } from '@bora/ledger';
import type { Logger } from '@bora/logger';
import type { NotificationJob } from '@bora/queue';
import { UnrecoverableError, type Job } from 'bullmq';
import { backoffDelay } from './backoff.ts';
import { judgePass } from './decide.ts';
import type { Fleet } from './fleet-snapshot.ts';
import { delayJob, jobWithState, type DispatchState } from './job-state.ts';
import type { DispatcherMetrics } from './metrics.ts';

export interface AfterPassDeps {
  ledger: Ledger;
  fleet: Fleet;
  metrics: DispatcherMetrics;
  retry: { maxAttempts: number; backoffBaseMs: number; backoffMaxMs: number };
  senderWaitMaxMs: number;
  random: () => number;
}

/**
 * After a pass over the candidates without a send that went through (`judgePass`): wait for a
 * sender (no HTTP send was made: no attempt spent), retry after a backoff, or dead-letter the row
 * on its last attempt.
 */
export async function afterPass(
  deps: AfterPassDeps,
  job: Job<NotificationJob>,
  token: string | undefined,
  claimed: ClaimedNotification,
  state: DispatchState,
  attempts: AttemptRecord[],
  failure: Failure,
  log: Logger,
): Promise<never> {
  const id = claimed.id;
  const lastServer = attempts.at(-1)?.evolutionApiId ?? null;
  const serverLabel = (lastServer && deps.fleet.view().servers.get(lastServer)?.name) || 'none';
  const verdict = judgePass({
    httpSends: attempts.length,
    attempts: claimed.attempts,
    maxAttempts: deps.retry.maxAttempts,
  });
  if (verdict === 'wait') {
    // Nobody could even try: this costs no attempt, and the claim re-checks the appointment each time.
    await deps.ledger.release(id, failure);
    const waits = state.waits + 1;
    const delay = Math.min(
      deps.senderWaitMaxMs,
      backoffDelay(waits, deps.retry.backoffBaseMs, deps.retry.backoffMaxMs, deps.random),
    );
    deps.metrics.senderWaits.inc();
    log.info(
      { code: failure.code, waits, retryInMs: delay },
      'no sender can take the message now; waiting (no attempt spent)',
    );
    await job.updateData(jobWithState(id, { waits }));
    return delayJob(job, token, Date.now() + delay);
  }
  if (verdict === 'final') {
    await deps.ledger.recordFailed(id, failure, attempts);
    deps.metrics.failed.inc({ server: serverLabel, code: failure.code });
    log.warn({ code: failure.code, attempts: claimed.attempts }, 'message failed after the last attempt');
    throw new UnrecoverableError(failure.message);
  }
  await deps.ledger.recordRetry(id, failure, attempts);
  deps.metrics.retried.inc({ server: serverLabel });
  const delay = backoffDelay(claimed.attempts, deps.retry.backoffBaseMs, deps.retry.backoffMaxMs, deps.random);
  log.info({ code: failure.code, attempt: claimed.attempts, retryInMs: delay }, 'no sender succeeded; retrying later');
  await job.updateData(jobWithState(id, { waits: 0 }));
  return delayJob(job, token, Date.now() + delay);
}
