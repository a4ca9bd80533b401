import { redisAnswers } from '@bora/queue';
import { freePort, waitFor } from '@bora/testing';
import { spawnChild, type Child } from '@bora/processes';

export interface OwnRedis {
  url: string;
  port: number;
  /** Stops the server (SIGKILL, like a crash); its data is gone for good. */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
  /** SIGSTOP / SIGCONT: Redis freezes (every command hangs) and resumes with its data. */
  pause(): void;
  resume(): void;
}

const answers = (url: string) => redisAnswers(url, 500);

/**
 * A throwaway Redis the test may kill: the shared one on 6379 belongs to everyone. No RDB, no
 * AOF, so a restart comes back empty, as after a flush or a failover to a blank replica.
 */
export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: Child | undefined;
  const start = async () => {
    child = spawnChild(
      `redis-${port}`,
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
      { env: process.env },
    );
    await waitFor(() => answers(url), { timeoutMs: 10_000, intervalMs: 100, what: `redis-server on ${port}` });
  };
  await start();
  return {
    url,
    port,
    start,
    async stop() {
      await child?.kill9();
      child = undefined;
    },
    pause: () => child?.pause(),
    resume: () => child?.resume(),
  };
}
