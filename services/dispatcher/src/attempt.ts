import type { RouteCandidate } from '@bora/balancer';
import type { EvolutionError } from '@bora/evolution-client';
import type { AttemptRecord, ClaimedNotification, Failure } from '@bora/ledger';
import type { SendVerdict } from './decide.ts';

/** What an operator reads when the failure is not one the Evolution client knows (a bug of ours). */
export const UNEXPECTED_SEND_ERROR = 'Erro inesperado ao enviar a mensagem';

/**
 * The English technical text of a failed send, for the logs only: operators read attempts in
 * pt-BR, developers read the logs. The client keeps full numbers and keys out of its messages.
 */
export function technicalDetail(error: EvolutionError | undefined, raw: unknown): string {
  if (error) return error.serverMessage ? `${error.message} (server said: ${error.serverMessage})` : error.message;
  return raw instanceof Error ? raw.message : String(raw);
}

/** The ledger's failure for a send that did not go through (pt-BR message, the error's scope). */
export function sendFailure(error: EvolutionError | undefined): Failure {
  if (!error) return { code: 'UNEXPECTED', message: UNEXPECTED_SEND_ERROR, scope: 'internal' };
  return { code: error.code, message: error.userMessage, scope: error.outcome === 'unknown' ? 'unknown' : error.scope };
}

/** One row of `delivery_attempts`: its error text is the operator's (pt-BR), never the technical one. */
export function attemptRecord(
  n: ClaimedNotification,
  candidate: RouteCandidate,
  latencyMs: number,
  verdict: SendVerdict,
  error: EvolutionError | undefined,
): AttemptRecord {
  const sent = verdict === 'sent';
  const failure = sent ? undefined : sendFailure(error);
  return {
    attempt: n.attempts,
    evolutionApiId: candidate.serverId,
    whatsappInstanceId: candidate.instanceId,
    outcome: sent ? 'sent' : verdict === 'unknown' ? 'unknown' : 'failed',
    errorCode: failure?.code ?? null,
    errorScope: failure?.scope ?? null,
    errorMessage: failure?.message ?? null,
    httpStatus: error?.httpStatus ?? null,
    latencyMs,
    possibleDuplicate: n.possibleDuplicate,
  };
}
