import { routeMessage, type RouteCandidate } from '@bora/balancer';
import { isEvolutionError, type EvolutionError, type SendTextResult } from '@bora/evolution-client';
import type { Logger } from '@bora/logger';
import { parseNotificationJob, type NotificationJob } from '@bora/queue';
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { attemptRecord, technicalDetail, UNEXPECTED_SEND_ERROR } from './attempt.ts';
import { backoffDelay } from './backoff.ts';
import type { CircuitBreaker } from './circuit.ts';
import type { ClientPool } from './clients.ts';
import type { Fleet, SenderServer } from './fleet.ts';
import type { AttemptRecord, ClaimedNotification, Ledger } from './ledger.ts';
import type { DispatcherMetrics } from './metrics.ts';
import type { Pacer } from './pacing.ts';
import { renderTemplate } from './render.ts';
import { retryWrite } from './retry-write.ts';


export interface ProcessorDeps {
  ledger: Ledger;
  fleet: Fleet;
  clients: ClientPool;
  pacer: Pacer;
  circuit: CircuitBreaker;
  metrics: DispatcherMetrics;
  logger: Logger;
  retry: { maxAttempts: number; backoffBaseMs: number; backoffMaxMs: number };
  /** A failover candidate whose slot is further away than this is skipped in this attempt. */
  maxInlinePaceWaitMs: number;
  /** How long a claim holds its row (SENDING_LEASE_MS): the deadline for recording a send. */
  leaseMs: number;
  random?: () => number;
}

export type ProcessOutcome = { sent: true; messageId: string } | { skipped: string };

interface Failure {
  code: string;
  message: string;
}

function textFor(n: ClaimedNotification): string | null {
  if (n.text) return n.text;
  if (!n.booking || n.kind === 'manual') return null;
  return renderTemplate({
    template: n.templates[n.kind],
    tenantName: n.tenantName,
    timezone: n.timezone,
    customerName: n.booking.customerName,
    service: n.booking.service,
    professional: n.booking.professional,
    startsAt: n.booking.startsAt,
  });
}

function asEvolutionError(error: unknown): EvolutionError | undefined {
  return isEvolutionError(error) ? error : undefined;
}

async function delayJob(job: Job, token: string | undefined, until: number): Promise<never> {
  await job.moveToDelayed(until, token);
  throw new DelayedError();
}

/**
 * One notification job: claim the row, render, route, pace, send with failover across candidates,
 * and record the outcome. Retries (backoff + jitter) and pacing waits are delayed jobs; only
 * pacing waits leave the attempt count untouched.
 */
export function createProcessor(deps: ProcessorDeps) {
  const random = deps.random ?? Math.random;
  // Servers this process saw fail recently: only for them is a success worth a Redis write.
  const suspects = new Set<string>();
  let rotation = 0;

  return async function processNotification(job: Job<NotificationJob>, token?: string): Promise<ProcessOutcome> {
    try {
      return await processOnce(job, token);
    } catch (error) {
      if (error instanceof DelayedError || error instanceof UnrecoverableError) throw error;
      // Postgres or Redis failed under us (a restart, a failover). A failed job would leave its row
      // to the sweeper's slow path; the row is still the truth (untouched, or leased until the
      // sweeper frees it), so look at it again shortly.
      deps.logger.warn({ err: error, notificationId: job.data?.notificationId }, 'processing interrupted by an infrastructure error; retrying shortly');
      return delayJob(job, token, Date.now() + 1_000 + Math.round(random() * 2_000));
    }
  };

  async function processOnce(job: Job<NotificationJob>, token?: string): Promise<ProcessOutcome> {
    const data = parseNotificationJob(job.data);
    if (!data) throw new UnrecoverableError('invalid job payload: expected {notificationId: uuid}');
    const id = data.notificationId;
    const log = deps.logger.child({ notificationId: id });

    // BullMQ counts an attempt only when a job finishes (our delays skip it, and a notification
    // job has a single BullMQ attempt), and a finished job runs again only through `job.retry` —
    // bull-board's retry button. A row that job left `failed` is then the operator's to reopen.
    const retriedByOperator = job.attemptsMade > 0;
    if (retriedByOperator) log.info({ attemptsMade: job.attemptsMade }, 'job re-run after it had finished (an operator retry): a failed row starts over');
    const claimed = await deps.ledger.claim(id, { reopenFailed: retriedByOperator });
    const leaseEnds = Date.now() + deps.leaseMs;
    if ('reason' in claimed) {
      if (claimed.reason === 'not-due') await delayJob(job, token, claimed.dueAt.getTime());
      return { skipped: claimed.reason };
    }
    if (claimed.kind === 'reminder' && claimed.booking?.status === 'cancelled') {
      await deps.ledger.markCancelled(id);
      return { skipped: 'booking-cancelled' };
    }
    const text = textFor(claimed);
    if (!text) {
      await deps.ledger.markFailed(id, { code: 'NO_TEXT', message: 'Mensagem sem texto para enviar' }, []);
      throw new UnrecoverableError('notification has no text');
    }

    const view = deps.fleet.view();
    const decision = routeMessage(
      view.index,
      { tenantId: claimed.tenantId, allowSharedSender: claimed.allowSharedSender, forcedServerId: claimed.forcedEvolutionApiId },
      { openCircuits: await deps.circuit.openServers(), rotation: rotation++ },
    );
    const attempts: AttemptRecord[] = [];
    let failure: Failure = { code: 'NO_SENDER_AVAILABLE', message: decision.problem ?? 'Nenhum WhatsApp disponível para enviar' };

    for (const [position, candidate] of decision.candidates.entries()) {
      const server = view.servers.get(candidate.serverId);
      if (!server) continue;
      // The best sender may promise any slot (the job is delayed to it); a failover sender only
      // one near enough to wait for inline, so a far one is not reserved and then left unused.
      const pace = await paceFor(job.data, candidate, position === 0 ? undefined : deps.maxInlinePaceWaitMs);
      if (pace === 'busy') continue;
      if (pace) {
        if (position === 0) {
          // The best sender is busy: come back at its promised slot, without spending an attempt.
          await deps.ledger.release(id);
          deps.metrics.paced.inc();
          await job.updateData({ notificationId: id, paced: { instanceId: candidate.instanceId, at: pace.slot } });
          await delayJob(job, token, Date.now() + pace.waitMs);
        }
        await new Promise((resolve) => setTimeout(resolve, pace.waitMs));
        if (!(await redeemSlot(candidate.instanceId, pace.slot))) continue;
      }

      const started = performance.now();
      let result: SendTextResult;
      try {
        result = await deps.clients.get(server).sendText({ instance: candidate.instanceName, number: claimed.recipient, text });
      } catch (error) {
        const latencyMs = Math.round(performance.now() - started);
        const evolution = asEvolutionError(error);
        const code = evolution?.code ?? 'UNEXPECTED';
        attempts.push(attemptRecord(claimed, candidate, latencyMs, { error: evolution }));
        deps.metrics.sendErrors.inc({ server: server.name, code });
        failure = { code, message: evolution?.userMessage ?? UNEXPECTED_SEND_ERROR };
        // The technical (English) detail goes to the logs only; the ledger keeps the pt-BR text.
        const sendLog = log.child({ evolutionApiId: server.id, instance: candidate.instanceName, code, detail: technicalDetail(evolution, error) });
        if (!evolution) sendLog.error({ err: error }, 'send failed with an unexpected error');
        const scope = evolution?.scope ?? 'server';
        if (scope === 'recipient' || scope === 'request') {
          await deps.ledger.markFailed(id, { ...failure, text }, attempts);
          deps.metrics.failed.inc({ server: server.name, code });
          sendLog.warn('message failed for good: the recipient or the request is at fault');
          throw new UnrecoverableError(failure.message);
        }
        await handleSenderFailure(scope, server, candidate, evolution, sendLog);
        continue;
      }
      // The message is out. From here no error may look like a send failure (that would fail over
      // and send it again), and the ledger write must land before the lease runs out, or the
      // sweeper will send it again: retry it through a Postgres restart.
      const latencyMs = Math.round(performance.now() - started);
      deps.metrics.sendLatency.observe({ server: server.name }, latencyMs / 1000);
      attempts.push(attemptRecord(claimed, candidate, latencyMs));
      await noteSuccess(server, log).catch((err: unknown) => log.warn({ err }, 'could not record the server answering'));
      const sent = { text, serverId: server.id, instanceId: candidate.instanceId, messageId: result.keyId, remoteJid: result.remoteJid };
      await retryWrite(() => deps.ledger.markSent(id, sent, attempts), leaseEnds - 1_000, (err) =>
        log.warn({ err }, 'message sent but not yet recorded; retrying the ledger write'),
      );
      deps.metrics.sent.inc({ server: server.name });
      log.info({ evolutionApiId: server.id, instance: candidate.instanceName, messageId: result.keyId, latencyMs }, 'message sent');
      return { sent: true, messageId: result.keyId };
    }

    if (claimed.attempts >= deps.retry.maxAttempts) {
      await deps.ledger.markFailed(id, { ...failure, text }, attempts);
      deps.metrics.failed.inc({ server: attempts.at(-1) ? nameOf(view.servers, attempts.at(-1)!.evolutionApiId) : 'none', code: failure.code });
      log.warn({ code: failure.code, attempts: claimed.attempts }, 'message failed after the last attempt');
      throw new UnrecoverableError(failure.message);
    }
    await deps.ledger.markRetry(id, failure, attempts);
    deps.metrics.retried.inc({ server: attempts.at(-1) ? nameOf(view.servers, attempts.at(-1)!.evolutionApiId) : 'none' });
    const delay = backoffDelay(claimed.attempts, deps.retry.backoffBaseMs, deps.retry.backoffMaxMs, random);
    log.info({ code: failure.code, attempt: claimed.attempts, retryInMs: delay }, 'no sender succeeded; retrying later');
    return delayJob(job, token, Date.now() + delay);
  }

  /** undefined = send now; 'busy' = no slot within maxWaitMs; else the promised slot and how long until it. */
  async function paceFor(data: NotificationJob, candidate: RouteCandidate, maxWaitMs?: number): Promise<{ slot: number; waitMs: number } | 'busy' | undefined> {
    if (!deps.pacer.enabled) return undefined;
    const held = data.paced;
    if (held && held.instanceId === candidate.instanceId) {
      data.paced = undefined;
      // This job was promised a slot of that instance before its delay: redeem it.
      if (await redeemSlot(candidate.instanceId, held.at)) return undefined;
    }
    const answer = await deps.pacer.request(candidate.instanceId, { maxWaitMs });
    if (answer.go) return undefined;
    return 'busy' in answer ? 'busy' : { slot: answer.slot, waitMs: answer.waitMs };
  }

  /** Redeems a promised slot, waiting inline for the little lateness a predecessor may add. */
  async function redeemSlot(instanceId: string, slot: number): Promise<boolean> {
    for (let i = 0; i < 5; i++) {
      const wait = await deps.pacer.redeem(instanceId, slot);
      if (wait === 0) return true;
      if (wait > deps.maxInlinePaceWaitMs) return false;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    return false;
  }

  async function noteSuccess(server: SenderServer, log: Logger): Promise<void> {
    const open = await deps.circuit.openServers();
    if (!suspects.has(server.id) && !open.has(server.id)) return;
    suspects.delete(server.id);
    if (await deps.circuit.recordSuccess(server.id)) {
      deps.metrics.circuitTransitions.inc({ server: server.name, to: 'closed' });
      log.info({ evolutionApiId: server.id }, 'circuit closed: server answering again');
    }
  }

  /** `log` already carries the server, instance, code and technical detail of the failed send. */
  async function handleSenderFailure(scope: string, server: SenderServer, candidate: RouteCandidate, error: EvolutionError | undefined, log: Logger): Promise<void> {
    if (scope === 'instance') {
      log.warn('instance cannot send; marked disconnected, failing over');
      await deps.fleet.markInstanceDisconnected(candidate.instanceId);
      return;
    }
    if (scope === 'auth') {
      log.error({ server: server.name }, 'Evolution server rejected our API key: routing to it stopped until an operator fixes the key');
      await deps.fleet.markServerUnauthorized(server.id, error?.userMessage ?? 'Chave de API rejeitada pelo servidor Evolution');
      return;
    }
    suspects.add(server.id);
    if (await deps.circuit.recordFailure(server.id)) {
      deps.metrics.circuitTransitions.inc({ server: server.name, to: 'open' });
      log.warn({ server: server.name }, 'circuit opened: server failing, routing around it');
    } else {
      log.warn('server error; failing over');
    }
  }
}

function nameOf(servers: ReadonlyMap<string, SenderServer>, id: string | null): string {
  return (id && servers.get(id)?.name) || 'none';
}
