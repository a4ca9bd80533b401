/** Nearest-rank percentile (p in 0..100) of unsorted numbers; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

export const median = (values: readonly number[]) => percentile(values, 50);

export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((sum, v) => sum + v, 0) / values.length;
}

/**
 * Steady-state rate from event timestamps (ms): events per second between the 10th and the 90th
 * percentile event, so start-up (connections, JIT, the queue filling) and the drain tail count
 * for neither side.
 */
export function steadyRate(timestampsMs: readonly number[]): number {
  if (timestampsMs.length < 20) return Number.NaN;
  const sorted = [...timestampsMs].sort((a, b) => a - b);
  const first = Math.floor(sorted.length * 0.1);
  const last = Math.ceil(sorted.length * 0.9) - 1;
  const seconds = (sorted[last]! - sorted[first]!) / 1000;
  return seconds > 0 ? (last - first) / seconds : Number.NaN;
}

export const round = (value: number, digits: number) =>
  Number.isFinite(value) ? Number(value.toFixed(digits)) : value;
