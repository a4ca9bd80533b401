/**
 * Exponential backoff with "full jitter" (a random point in [base·2^(n-1)/2, base·2^(n-1)]), capped.
 * Jitter spreads retries of many messages that failed together (one server down) so they do not
 * return as a thundering herd. `random` is a parameter so tests can pin it.
 */
export function backoffDelay(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential / 2 + random() * (exponential / 2));
}
