import { routeMessage, type RouteCandidate } from '@bora/balancer';
import { isDeterministicPgError } from '@bora/db';
import type { AttemptRecord, Failure, Ledger } from '@bora/ledger';
import { lazyChild, type Logger } from '@bora/logger';
import { parseNotificationJob, type NotificationJob } from '@bora/queue';
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { afterPass, type AfterPassDeps } from './after-pass.ts';
import type { ClientPool } from './clients.ts';
import type { Fleet } from './fleet-snapshot.ts';
import { delayJob, jobWithState, readDispatchState, type ProcessOutcome } from './job-state.ts';
import type { DispatcherMetrics } from './metrics.ts';
import type { MessageSafetyFactory } from './number-safety/message-safety.ts';
import type { Pacer } from './pacing.ts';
import type { CircuitBreaker } from './circuit.ts';
import { createSenderBookkeeping } from './sender-bookkeeping.ts';
import { prepareMessage } from './prepare.ts';
import { attemptCandidate, type SendAttemptDeps } from './send-attempt.ts';
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

/** Errors that will happen again on the same input (a bug, a bad time zone, a value Postgres refuses). */
function deterministic(error: unknown): boolean {
  return (
    isDeterministicPgError(error) ||
    error instanceof TypeError ||
    error instanceof RangeError ||
    error instanceof SyntaxError
  );
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
  const attemptDeps: SendAttemptDeps = {
    ledger: deps.ledger,
    clients: deps.clients,
    metrics: deps.metrics,
    bookkeeping,
    inFlight,
    reconcileAfterMs: deps.reconcileAfterMs,
  };
  const afterPassDeps: AfterPassDeps = { ...deps, random };
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

    const prepared = await prepareMessage(deps, id, job, token, log);
    if ('outcome' in prepared) return prepared.outcome;
    const { claimed, text, leaseEnds } = prepared;

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
      const outcome = await attemptCandidate(attemptDeps, {
        claimed,
        text,
        candidate,
        server: view.servers.get(candidate.serverId)!,
        safety,
        attempts,
        leaseEnds,
        log,
      });
      if (outcome.kind === 'sent') return { sent: true, messageId: outcome.messageId };
      if (outcome.kind === 'unconfirmed') return { unconfirmed: true };
      if (outcome.kind === 'final') throw new UnrecoverableError(outcome.failure.message);
      failure = outcome.failure;
    }

    return afterPass(afterPassDeps, job, token, claimed, state, attempts, failure, log);
  }
}
