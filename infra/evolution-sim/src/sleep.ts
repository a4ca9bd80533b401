/** Resolves after `ms`; the timer never keeps the simulator's process alive on its own. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
