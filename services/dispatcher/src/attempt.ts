import type { RouteCandidate } from '@bora/balancer';
import type { EvolutionError } from '@bora/evolution-client';
import type { AttemptRecord, ClaimedNotification } from './ledger.ts';

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

/** One row of `delivery_attempts`: its error text is the operator's (pt-BR), never the technical one. */
export function attemptRecord(
  n: ClaimedNotification,
  candidate: RouteCandidate,
  latencyMs: number,
  failure?: { error: EvolutionError | undefined },
): AttemptRecord {
  const error = failure?.error;
  return {
    attempt: n.attempts,
    evolutionApiId: candidate.serverId,
    whatsappInstanceId: candidate.instanceId,
    outcome: failure ? 'failed' : 'sent',
    errorCode: failure ? (error?.code ?? 'UNEXPECTED') : null,
    errorScope: failure ? (error?.scope ?? 'server') : null,
    errorMessage: failure ? (error?.userMessage ?? UNEXPECTED_SEND_ERROR).slice(0, 500) : null,
    httpStatus: error?.httpStatus ?? null,
    latencyMs,
  };
}
