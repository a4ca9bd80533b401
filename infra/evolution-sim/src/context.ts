// What every route and control handler works with.
import type { SimStore } from './store.ts';
import type { WebhookEmitter } from './webhooks.ts';

export interface SimContext {
  store: SimStore;
  webhooks: WebhookEmitter;
}

/** Runs `fn` after `ms`, or at once for 0 (so tests with zero timings see results synchronously). */
export function after(ctx: SimContext, ms: number, fn: () => void): void {
  if (ms <= 0) fn();
  else ctx.store.later(ms, fn);
}
