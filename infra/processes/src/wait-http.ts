import type { Child } from './child.ts';

/** Polls `url` until it answers 2xx; fails early, with the child's last lines, if the process dies. */
export async function waitHttpOk(url: string, child: Child, timeoutMs = 60_000): Promise<void> {
  let dead = false;
  void child.exited.then(() => (dead = true));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !dead) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await res.body?.cancel();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  const tail = child.tail(30).join('\n');
  throw new Error(
    `${child.name} ${dead ? 'exited during start-up' : `not ready at ${url} after ${timeoutMs} ms`}\n${tail}`,
  );
}
