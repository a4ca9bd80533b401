import type { EvolutionError } from '@bora/evolution-client';

/**
 * What one HTTP send means for the message:
 * - `sent`: a 2xx (whatever its body held);
 * - `unknown`: the request was written and no readable answer came — it may be on its way, so it is
 *   neither retried nor failed over: the row waits for reconciliation;
 * - `final`: the recipient or the request is at fault: no other sender can do better;
 * - `failover`: this sender (instance, server, its key) cannot send now: try the next one.
 * Pure, so every verdict is a table test.
 */
export type SendVerdict = 'sent' | 'unknown' | 'final' | 'failover';

export function judgeSend(error: EvolutionError | undefined, unexpected = false): SendVerdict {
  if (!error) return unexpected ? 'unknown' : 'sent';
  if (error.outcome === 'unknown') return 'unknown';
  if (error.scope === 'recipient' || error.scope === 'request') return 'final';
  return 'failover';
}

/**
 * After a pass over the candidates without a send that went through:
 * - `wait`: no HTTP send was made (no sender, open circuits): the attempt is given back, and the
 *   message waits for a sender until its appointment starts;
 * - `retry`: sends failed and attempts are left: back in line after a backoff;
 * - `final`: that was the last attempt: dead letter (revived if a sender comes back).
 */
export type PassVerdict = 'wait' | 'retry' | 'final';

export function judgePass(pass: { httpSends: number; attempts: number; maxAttempts: number }): PassVerdict {
  if (pass.httpSends === 0) return 'wait';
  return pass.attempts >= pass.maxAttempts ? 'final' : 'retry';
}
