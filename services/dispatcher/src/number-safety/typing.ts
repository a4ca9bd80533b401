/**
 * Evolution's `delay` for a text: the "typing…" a person would show, `msPerChar` per character,
 * bounded by [minMs, maxMs]. The server holds the request open that long (the client adds it to its
 * timeout). 0 when typing is off (maxMs 0).
 */
export function typingDelay(text: string, rule: { msPerChar: number; minMs: number; maxMs: number }): number {
  if (rule.maxMs <= 0) return 0;
  return Math.min(rule.maxMs, Math.max(rule.minMs, Math.round([...text].length * rule.msPerChar)));
}
