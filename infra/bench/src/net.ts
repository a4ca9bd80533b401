import { sleep } from '@bora/core';
import { freePort, waitFor } from '@bora/testing/ports';
import { waitHttpOk } from '@bora/processes';
import type { Child } from './children.ts';

export { freePort, sleep };

/** Polls `probe` until it yields a value (testing's `waitFor`, in this harness's argument order). */
export function waitUntil<T>(
  probe: () => Promise<T | undefined | false>,
  what: string,
  timeoutMs: number,
  intervalMs = 100,
): Promise<T> {
  return waitFor(probe, { what, timeoutMs, intervalMs });
}

/** Waits for a child's HTTP probe to answer 2xx; fails at once (with its log's last lines) if the child dies first. */
export function waitReady(child: Child, url: string, timeoutMs = 30_000): Promise<void> {
  return waitHttpOk(url, child, timeoutMs);
}
