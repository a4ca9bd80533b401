import type { RouteCandidate } from '@bora/balancer';
import { isEvolutionError, type EvolutionError, type SendTextResult } from '@bora/evolution-client';
import type { AttemptRecord, ClaimedNotification, Failure, Ledger } from '@bora/ledger';
import type { Logger } from '@bora/logger';
import { attemptRecord, sendFailure, technicalDetail } from './attempt.ts';
import type { ClientPool } from './clients.ts';
import { judgeSend } from './decide.ts';
import type { SenderServer } from './fleet-snapshot.ts';
import type { DispatcherMetrics } from './metrics.ts';
import type { MessageSafety } from './number-safety/message-safety.ts';
import { retryWrite } from './retry-write.ts';
import type { SenderBookkeeping } from './sender-bookkeeping.ts';

/** What one HTTP send to one candidate came to, once the ledger has it. */
export type AttemptOutcome =
  | { kind: 'sent'; messageId: string | null }
  | { kind: 'unconfirmed' }
  | { kind: 'final'; failure: Failure }
  | { kind: 'failover'; failure: Failure };

export interface SendAttemptDeps {
  ledger: Ledger;
  clients: ClientPool;
  metrics: DispatcherMetrics;
  bookkeeping: SenderBookkeeping;
  /** Counts this process's sends in flight per server (for `SERVER_MAX_IN_FLIGHT`). */
  inFlight: { add(id: string): void; remove(id: string): void };
  reconcileAfterMs: number;
}

export interface SendAttempt {
  claimed: ClaimedNotification;
  text: string;
  candidate: RouteCandidate;
  server: SenderServer;
  safety: MessageSafety;
  /** This pass's attempts so far; the new one is appended. */
  attempts: AttemptRecord[];
  /** The claim's lease: a send's record must land before it ends (or the sweeper sends it again). */
  leaseEnds: number;
  log: Logger;
}

/**
 * Sends to one candidate and records what it means (`judgeSend`): sent (the ledger write first,
 * retried through a Postgres restart within the lease), unconfirmed (may be on its way: never
 * retried or failed over blindly, reconciliation settles it), final (the recipient or the
 * request is at fault, recorded failed), or failover (this sender cannot send now).
 */
export async function attemptCandidate(deps: SendAttemptDeps, a: SendAttempt): Promise<AttemptOutcome> {
  const { claimed, candidate, server, attempts } = a;
  const id = claimed.id;
  const started = performance.now();
  let result: SendTextResult | undefined;
  let error: EvolutionError | undefined;
  let unexpected: unknown;
  deps.inFlight.add(server.id);
  try {
    result = await deps.clients.get(server).sendText({
      instance: candidate.instanceName,
      number: claimed.recipient,
      text: a.text,
      delay: a.safety.typingMs,
    });
  } catch (caught) {
    if (isEvolutionError(caught)) error = caught;
    else unexpected = caught;
  } finally {
    deps.inFlight.remove(server.id);
  }
  const latencyMs = Math.round(performance.now() - started);
  const verdict = judgeSend(error, unexpected !== undefined);
  attempts.push(attemptRecord(claimed, candidate, latencyMs, verdict, error));
  const sendLog = a.log.child({ evolutionApiId: server.id, instance: candidate.instanceName });

  if (verdict === 'sent') {
    const sent = {
      text: a.text,
      serverId: server.id,
      instanceId: candidate.instanceId,
      keyId: result?.keyId ?? null,
      remoteJid: result?.remoteJid ?? null,
    };
    await retryWrite(
      (again) => deps.ledger.recordSent(id, sent, attempts, again),
      a.leaseEnds - 1_000,
      (err) => sendLog.warn({ err }, 'message sent but not yet recorded; retrying the ledger write'),
    );
    deps.metrics.sent.inc({ server: server.name });
    deps.metrics.sendLatency.observe({ server: server.name }, latencyMs / 1000);
    sendLog.info({ messageId: sent.keyId, latencyMs }, 'message sent');
    await deps.bookkeeping.succeeded(server, sendLog);
    await a.safety.afterSent(candidate, sendLog);
    return { kind: 'sent', messageId: sent.keyId };
  }

  const failure = sendFailure(error);
  deps.metrics.sendErrors.inc({ server: server.name, code: failure.code });
  const failLog = sendLog.child({ code: failure.code, detail: technicalDetail(error, unexpected) });
  if (unexpected !== undefined) failLog.error({ err: unexpected }, 'send failed with an unexpected error');

  if (verdict === 'unknown') {
    const unconfirmed = {
      text: a.text,
      serverId: server.id,
      instanceId: candidate.instanceId,
      failure,
      reconcileAfterMs: deps.reconcileAfterMs,
    };
    await retryWrite(
      (again) => deps.ledger.recordUnconfirmed(id, unconfirmed, attempts, again),
      a.leaseEnds - 1_000,
      (err) => failLog.warn({ err }, 'unconfirmed send not yet recorded; retrying the ledger write'),
    );
    deps.metrics.unconfirmed.inc({ server: server.name, code: failure.code });
    failLog.warn('send outcome unknown (request written, no readable answer): waiting for reconciliation');
    await deps.bookkeeping.failed('server', server, candidate, error, failLog);
    return { kind: 'unconfirmed' };
  }
  if (verdict === 'final') {
    await deps.ledger.recordFailed(id, failure, attempts, a.text);
    deps.metrics.failed.inc({ server: server.name, code: failure.code });
    failLog.warn('message failed for good: the recipient or the request is at fault');
    // The server answered, and sensibly: as good as a success for its circuit.
    await deps.bookkeeping.succeeded(server, failLog);
    return { kind: 'final', failure };
  }
  await deps.bookkeeping.failed(error?.scope ?? 'server', server, candidate, error, failLog);
  if (error?.scope === 'instance') await deps.bookkeeping.succeeded(server, failLog);
  return { kind: 'failover', failure };
}
