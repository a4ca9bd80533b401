import type { ClaimedNotification, Ledger } from '@bora/ledger';
import type { Logger } from '@bora/logger';
import type { NotificationJob } from '@bora/queue';
import { UnrecoverableError, type Job } from 'bullmq';
import { delayJob, type ProcessOutcome } from './job-state.ts';
import type { DispatcherMetrics } from './metrics.ts';
import { renderFor } from './render.ts';
import { reminderTiming } from './timing-rules.ts';

export interface PrepareDeps {
  ledger: Ledger;
  metrics: DispatcherMetrics;
  /** How long a claim holds its row (SENDING_LEASE_MS). */
  leaseMs: number;
  manageLink: (tenantSlug: string, booking: { id: string; endsAt: Date }) => string;
}

/** A claimed row with its text, ready to route and send before `leaseEnds`. */
export interface ReadyMessage {
  claimed: ClaimedNotification;
  text: string;
  leaseEnds: number;
}

/**
 * Before any sender is chosen: claim the row (the claim itself retires stale ones and delays one
 * not yet due), apply a reminder's timing rules (quiet hours, already confirmed) and render the
 * text. A row that cannot render is dead-lettered with its reason, never retried.
 */
export async function prepareMessage(
  deps: PrepareDeps,
  id: string,
  job: Job<NotificationJob>,
  token: string | undefined,
  log: Logger,
): Promise<ReadyMessage | { outcome: ProcessOutcome }> {
  // A finished job runs again only through `job.retry` — bull-board's retry button: the ledger
  // reopens a failed row by the same rule as admin-api's retry.
  const reopenFailed = job.attemptsMade > 0;
  const claimed = await deps.ledger.claim(id, { reopenFailed });
  const leaseEnds = Date.now() + deps.leaseMs;
  if ('reason' in claimed) {
    if (claimed.reason === 'not-due') await delayJob(job, token, claimed.dueAt.getTime());
    if (claimed.reason === 'expired' || claimed.reason === 'cancelled')
      deps.metrics.retired.inc({ reason: claimed.reason });
    if (claimed.reason === 'exhausted')
      log.warn('attempts already spent at claim: dead-lettered instead of sent again');
    return { outcome: { skipped: claimed.reason } };
  }
  const timing = reminderTiming(claimed, new Date());
  if (timing.kind !== 'send') {
    if (timing.kind === 'defer') await deps.ledger.defer(id, timing.until, timing.failure);
    else await deps.ledger.retire(id, timing.kind === 'skip' ? 'cancelled' : 'expired', timing.failure);
    log.info({ code: timing.failure.code }, 'reminder not sent now: ' + timing.kind);
    if (timing.kind === 'defer') return delayJob(job, token, timing.until.getTime());
    return { outcome: { skipped: timing.failure.code } };
  }
  let text: string | null;
  try {
    text = renderFor(claimed, claimed.booking ? deps.manageLink(claimed.tenantSlug, claimed.booking) : undefined);
  } catch (error) {
    log.error({ err: error }, 'cannot render the message (bad template or time zone); dead-lettered');
    await deps.ledger.recordFailed(
      id,
      {
        code: 'RENDER_FAILED',
        message: 'Não foi possível montar o texto da mensagem (modelo ou fuso horário do negócio inválido)',
        scope: 'request',
      },
      [],
    );
    throw new UnrecoverableError('render failed');
  }
  if (!text) {
    await deps.ledger.recordFailed(
      id,
      { code: 'NO_TEXT', message: 'Mensagem sem texto para enviar', scope: 'request' },
      [],
    );
    throw new UnrecoverableError('notification has no text');
  }
  return { claimed, text, leaseEnds };
}
