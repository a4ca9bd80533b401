/**
 * A gap between two sends of one number, drawn from a bell curve over [min, min + spread]: centred
 * in the range with σ = spread / 4 (95% of gaps inside it without clipping), redrawn when it falls
 * outside. Humans do not type at a fixed rhythm, and a fixed interval plus uniform jitter is easy to
 * recognise. Whole milliseconds; `random` is a parameter so tests can pin it.
 */
export function bellCurveGap(minMs: number, spreadMs: number, random: () => number = Math.random): number {
  if (spreadMs <= 0) return Math.round(minMs);
  const mean = minMs + spreadMs / 2;
  const sigma = spreadMs / 4;
  for (let i = 0; i < 8; i++) {
    // Box–Muller; 1 − u keeps the logarithm's argument in (0, 1].
    const u = 1 - random();
    const v = random();
    const gap = mean + sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    if (gap >= minMs && gap <= minMs + spreadMs) return Math.round(gap);
  }
  return Math.round(mean);
}
