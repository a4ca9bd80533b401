export interface Repeater {
  start(): void;
  /** Stops the timer and waits for the round in flight, if any. */
  stop(): Promise<void>;
  /** True from `stop()` on: a long round checks it to end early. */
  readonly stopped: boolean;
}

/**
 * Runs `round` now and then every `intervalMs` after the previous round ended (rounds never
 * overlap), until stopped. A failed round is handed to `onError` and the next one runs on time.
 */
export function repeatEvery(
  intervalMs: number,
  round: () => Promise<unknown>,
  onError: (err: unknown) => void,
): Repeater {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  function loop(): void {
    if (stopped) return;
    running = round()
      .then(() => undefined)
      .catch(onError)
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, intervalMs);
      });
  }

  return {
    start() {
      stopped = false;
      loop();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
    get stopped() {
      return stopped;
    },
  };
}
