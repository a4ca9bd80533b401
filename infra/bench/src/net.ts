import { sleep } from '@bora/core';
import { freePort, waitFor } from '@bora/testing/ports';
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

/**
 * Waits for a child's HTTP probe to answer 2xx; fails at once (with its log file's name) if the
 * child dies first, instead of waiting out the timeout.
 */
export async function waitReady(child: Child, url: string, timeoutMs = 30_000): Promise<void> {
  let dead = false;
  void child.exited.then(() => (dead = true));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (dead) throw new Error(`${child.name} exited during startup; see ${child.logFile}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${child.name} not ready at ${url} after ${timeoutMs} ms; see ${child.logFile}`);
}
