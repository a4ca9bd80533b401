import { routeMessage, type RouteCandidate } from '@bora/balancer';
import { isDeterministicPgError } from '@bora/db';
import { isEvolutionError, type EvolutionError, type SendTextResult } from '@bora/evolution-client';
import type { AttemptRecord, ClaimedNotification, Failure, Ledger } from '@bora/ledger';
import { lazyChild, type Logger } from '@bora/logger';
import { parseNotificationJob, type NotificationJob } from '@bora/queue';
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { attemptRecord, sendFailure, technicalDetail } from './attempt.ts';
import { backoffDelay } from './backoff.ts';
import type { ClientPool } from './clients.ts';
import { judgePass, judgeSend } from './decide.ts';
import type { Fleet } from './fleet-snapshot.ts';
import { jobWithState, readDispatchState, type DispatchState } from './job-state.ts';
import type { DispatcherMetrics } from './metrics.ts';
import type { MessageSafetyFactory } from './number-safety/message-safety.ts';
import type { Pacer } from './pacing.ts';
import { renderFor } from './render.ts';
import { reminderTiming } from './timing-rules.ts';
import { retryWrite } from './retry-write.ts';
import type { CircuitBreaker } from './circuit.ts';
import { createSenderBookkeeping } from './sender-bookkeeping.ts';
import { createSenderChoice, type Usable } from './sender-choice.ts';

export interface ProcessorDeps {
  ledger: Ledger;
  fleet: Fleet;
  clients: ClientPool;
  pacer: Pacer;
  /** Number safety: budgets, warm-up, new contacts, sticky sender, typing time (or all off). */
  safety: MessageSafetyFactory;
  /** How much longer a message waits for its sticky number, the business's own, a healthy one. */
  waits: { stickyWaitMs: number; sharedWaitMs: number; degradedWaitMs: number };
  circuit: CircuitBreaker;
  metrics: DispatcherMetrics;
  logger: Logger;
  retry: { maxAttempts: number; backoffBaseMs: number; backoffMaxMs: number };
  /** Longest wait between looks for a sender while none is available (the message keeps its chance). */
  senderWaitMaxMs: number;
  /** When reconciliation first looks at an unconfirmed send. */
  reconcileAfterMs: number;
  /** A failover candidate whose slot is further away than this is skipped in this attempt. */
  maxInlinePaceWaitMs: number;
  /** Under a budget, slots further than this are not promised (the job asks again then). */
  reserveHorizonMs: number;
  /** How long a claim holds its row (SENDING_LEASE_MS): the deadline for recording a send. */
  leaseMs: number;
  /** Sends one server may have in flight from this process at once (SERVER_MAX_IN_FLIGHT). */
  serverMaxInFlight: number;
  /** The signed manage link a booking's messages carry. */
  manageLink: (tenantSlug: string, booking: { id: string; endsAt: Date }) => string;
  random?: () => number;
}

/** Sends in flight per server in this process. */
function createInFlight() {
  const counts = new Map<string, number>();
  return {
    count: (id: string) => counts.get(id) ?? 0,
    add: (id: string) => counts.set(id, (counts.get(id) ?? 0) + 1),
    remove(id: string) {
      const left = (counts.get(id) ?? 1) - 1;
      if (left <= 0) counts.delete(id);
      else counts.set(id, left);
    },
  };
}

/** HTTP sends one pass may make before it backs off (the route's candidate list is longer under budgets). */
const MAX_SENDS_PER_PASS = 5;

export type ProcessOutcome = { sent: true; messageId: string | null } | { unconfirmed: true } | { skipped: string };

/** Errors that will happen again on the same input (a bug, a bad time zone, a value Postgres refuses). */
function deterministic(error: unknown): boolean {
  return (
    isDeterministicPgError(error) ||
    error instanceof TypeError ||
    error instanceof RangeError ||
    error instanceof SyntaxError
  );
}

async function delayJob(job: Job, token: string | undefined, until: number): Promise<never> {
  await job.moveToDelayed(until, token);
  throw new DelayedError();
}

/**
 * One notification job: claim the row (the claim itself retires stale ones), render, route, gate
 * (pacing, budgets, warm-up, the sticky number), send with failover across candidates, and record
 * the outcome — the ledger first, bookkeeping after. Only real HTTP sends count as attempts;
 * waiting for a slot, a budget or a sender costs none.
 */
export function createProcessor(deps: ProcessorDeps) {
  const random = deps.random ?? Math.random;
  const bookkeeping = createSenderBookkeeping(deps);
  const choose = createSenderChoice({
    pacer: deps.pacer,
    maxInlineWaitMs: deps.maxInlinePaceWaitMs,
    waits: deps.waits,
    reserveHorizonMs: deps.reserveHorizonMs,
  });
  const inFlight = createInFlight();
  let rotation = 0;

  return async function processNotification(job: Job<NotificationJob>, token?: string): Promise<ProcessOutcome> {
    try {
      return await processOnce(job, token);
    } catch (error) {
      if (error instanceof DelayedError || error instanceof UnrecoverableError) throw error;
      const notificationId = job.data?.notificationId;
      if (deterministic(error)) {
        // Trying again gives the same error: dead-letter it with the reason, never loop on it.
        deps.logger.error(
          { err: error, notificationId },
          'processing failed on an error that would repeat; dead-lettered',
        );
        if (notificationId)
          await deps.ledger
            .recordFailed(
              notificationId,
              { code: 'INTERNAL_ERROR', message: 'Erro interno ao processar a mensagem', scope: 'internal' },
              [],
            )
            .catch(() => false);
        throw new UnrecoverableError('internal error');
      }
      // Postgres or Redis failed under us (a restart, a failover). The row is still the truth
      // (untouched, or leased until the sweeper frees it): look at it again shortly.
      deps.logger.warn(
        { err: error, notificationId },
        'processing interrupted by an infrastructure error; retrying shortly',
      );
      return delayJob(job, token, Date.now() + 1_000 + Math.round(random() * 2_000));
    }
  };

  async function processOnce(job: Job<NotificationJob>, token?: string): Promise<ProcessOutcome> {
    const data = parseNotificationJob(job.data);
    if (!data) throw new UnrecoverableError('invalid job payload: expected {notificationId: uuid}');
    const id = data.notificationId;
    const state = readDispatchState(job.data);
    const log = lazyChild(deps.logger, { notificationId: id });

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
      return { skipped: claimed.reason };
    }
    const timing = reminderTiming(claimed, new Date());
    if (timing.kind !== 'send') {
      if (timing.kind === 'defer') await deps.ledger.defer(id, timing.until, timing.failure);
      else await deps.ledger.retire(id, timing.kind === 'skip' ? 'cancelled' : 'expired', timing.failure);
      log.info({ code: timing.failure.code }, 'reminder not sent now: ' + timing.kind);
      if (timing.kind === 'defer') return delayJob(job, token, timing.until.getTime());
      return { skipped: timing.failure.code };
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

    const view = deps.fleet.view();
    const circuits = await bookkeeping.circuits(log);
    const safety = await deps.safety.forMessage({ recipient: claimed.recipient, text }, view);
    const decision = routeMessage(
      view.index,
      {
        tenantId: claimed.tenantId,
        allowSharedSender: claimed.allowSharedSender,
        forcedServerId: claimed.forcedEvolutionApiId,
        forcedInstanceId: claimed.forcedInstanceId,
        sharedOnly: claimed.kind === 'owner_alert',
      },
      {
        openCircuits: circuits.open,
        rotation: rotation++,
        preferredInstances: safety.preferredInstances,
        limit: safety.routeLimit,
      },
    );
    const attempts: AttemptRecord[] = [];
    let failure: Failure = {
      code: 'NO_SENDER_AVAILABLE',
      message: decision.problem ?? 'Nenhum WhatsApp disponível para enviar',
      scope: 'sender',
    };
    let remaining: readonly RouteCandidate[] = decision.candidates;
    let held = state.paced;

    // A server already holding its share of this process's sends (hung, or slow) gets no more,
    // so the others' messages do not wait behind it. Its own messages wait a moment for it (no
    // attempt spent, same sender kept) rather than spill to another number; a failover skips it.
    // A resend after an unknown outcome never probes a half-open server: it may be that server's
    // silence it repeats.
    const usable: Usable = async (candidate, best) => {
      const server = view.servers.get(candidate.serverId);
      if (!server) return 'skip';
      if (inFlight.count(server.id) >= deps.serverMaxInFlight) return best ? 'wait' : 'skip';
      if (circuits.halfOpen.has(server.id) && (claimed.possibleDuplicate || !(await bookkeeping.probe(server.id, log))))
        return 'skip';
      return 'ok';
    };

    // Each failed send may have waited a timeout: a pass tries a few senders, then backs off
    // (well inside the claim's lease).
    while (remaining.length > 0 && attempts.length < MAX_SENDS_PER_PASS) {
      const choice = await choose({
        held,
        candidates: remaining,
        firstTry: attempts.length === 0,
        budgetOf: safety.budgetOf,
        usable,
      });
      held = undefined;
      if (choice.kind === 'none') break;
      if (choice.kind === 'server-busy') {
        await deps.ledger.release(id);
        deps.metrics.serverBusy.inc({ server: view.servers.get(choice.candidate.serverId)?.name ?? 'none' });
        return delayJob(job, token, Date.now() + 200 + Math.round(random() * 300));
      }
      if (choice.kind === 'later') {
        // Its number's next slot (spacing, budget, warm-up, a reach-out lock) is later: delayed to
        // it (the slot promised when near), no attempt spent.
        await deps.ledger.release(id);
        deps.metrics.paced.inc({ promised: String(choice.reserved) });
        const paced = choice.reserved ? { instanceId: choice.candidate.instanceId, at: choice.slot } : undefined;
        await job.updateData(jobWithState(id, { waits: state.waits, ...(paced ? { paced } : {}) }));
        return delayJob(job, token, Date.now() + choice.waitMs);
      }
      const candidate = choice.candidate;
      remaining = remaining.filter((c) => c !== candidate);
      const server = view.servers.get(candidate.serverId)!;

      const started = performance.now();
      let result: SendTextResult | undefined;
      let error: EvolutionError | undefined;
      let unexpected: unknown;
      inFlight.add(server.id);
      try {
        result = await deps.clients
          .get(server)
          .sendText({ instance: candidate.instanceName, number: claimed.recipient, text, delay: safety.typingMs });
      } catch (caught) {
        if (isEvolutionError(caught)) error = caught;
        else unexpected = caught;
      } finally {
        inFlight.remove(server.id);
      }
      const latencyMs = Math.round(performance.now() - started);
      const verdict = judgeSend(error, unexpected !== undefined);
      attempts.push(attemptRecord(claimed, candidate, latencyMs, verdict, error));
      const sendLog = log.child({ evolutionApiId: server.id, instance: candidate.instanceName });

      if (verdict === 'sent') {
        // The message is out. The ledger write comes first and must land before the lease runs
        // out (or the sweeper would send it again): retried through a Postgres restart.
        const sent = {
          text,
          serverId: server.id,
          instanceId: candidate.instanceId,
          keyId: result?.keyId ?? null,
          remoteJid: result?.remoteJid ?? null,
        };
        await retryWrite(
          (again) => deps.ledger.recordSent(id, sent, attempts, again),
          leaseEnds - 1_000,
          (err) => sendLog.warn({ err }, 'message sent but not yet recorded; retrying the ledger write'),
        );
        deps.metrics.sent.inc({ server: server.name });
        deps.metrics.sendLatency.observe({ server: server.name }, latencyMs / 1000);
        sendLog.info({ messageId: sent.keyId, latencyMs }, 'message sent');
        await bookkeeping.succeeded(server, sendLog);
        await safety.afterSent(candidate, sendLog);
        return { sent: true, messageId: sent.keyId };
      }

      failure = sendFailure(error);
      deps.metrics.sendErrors.inc({ server: server.name, code: failure.code });
      const failLog = sendLog.child({ code: failure.code, detail: technicalDetail(error, unexpected) });
      if (unexpected !== undefined) failLog.error({ err: unexpected }, 'send failed with an unexpected error');

      if (verdict === 'unknown') {
        // It may be on its way: never retried or failed over blindly. Reconciliation settles it.
        const unconfirmed = {
          text,
          serverId: server.id,
          instanceId: candidate.instanceId,
          failure,
          reconcileAfterMs: deps.reconcileAfterMs,
        };
        await retryWrite(
          (again) => deps.ledger.recordUnconfirmed(id, unconfirmed, attempts, again),
          leaseEnds - 1_000,
          (err) => failLog.warn({ err }, 'unconfirmed send not yet recorded; retrying the ledger write'),
        );
        deps.metrics.unconfirmed.inc({ server: server.name, code: failure.code });
        failLog.warn('send outcome unknown (request written, no readable answer): waiting for reconciliation');
        await bookkeeping.failed('server', server, candidate, error, failLog);
        return { unconfirmed: true };
      }
      if (verdict === 'final') {
        await deps.ledger.recordFailed(id, failure, attempts, text);
        deps.metrics.failed.inc({ server: server.name, code: failure.code });
        failLog.warn('message failed for good: the recipient or the request is at fault');
        // The server answered, and sensibly: as good as a success for its circuit.
        await bookkeeping.succeeded(server, failLog);
        throw new UnrecoverableError(failure.message);
      }
      await bookkeeping.failed(error?.scope ?? 'server', server, candidate, error, failLog);
      if (error?.scope === 'instance') await bookkeeping.succeeded(server, failLog);
    }

    return afterPass(job, token, claimed, state, attempts, failure, log);
  }

  async function afterPass(
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
        backoffDelay(waits, deps.retry.backoffBaseMs, deps.retry.backoffMaxMs, random),
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
    const delay = backoffDelay(claimed.attempts, deps.retry.backoffBaseMs, deps.retry.backoffMaxMs, random);
    log.info(
      { code: failure.code, attempt: claimed.attempts, retryInMs: delay },
      'no sender succeeded; retrying later',
    );
    await job.updateData(jobWithState(id, { waits: 0 }));
    return delayJob(job, token, Date.now() + delay);
  }
}
