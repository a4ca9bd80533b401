import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCpuMs, readPeakRssMb, startNode, type Child as ProcessChild } from '@bora/processes';
/** Marks our children's command lines, so a stale pid is only killed if it is still one of ours. */
const TITLE = 'bora-bench';
const MARKER = `--title=${TITLE}`;

export interface Child extends ProcessChild {
  readonly logFile: string;
}

export interface ChildRegistry {
  start(name: string, entry: string, env: NodeJS.ProcessEnv): Child;
  stopAll(): Promise<void>;
  /** Last resort on exit: synchronous SIGKILL of whatever is still alive. */
  killAllNow(): void;
}

export { readCpuMs, readPeakRssMb };

function isOurs(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(TITLE);
  } catch {
    return false;
  }
}

/**
 * A crashed or SIGKILLed harness leaves its children running (they would keep consuming the bench
 * queues and holding database connections): the pid file names them, and we end those only.
 */
export function killStaleChildren(pidFile: string): number {
  if (!existsSync(pidFile)) return 0;
  let killed = 0;
  for (const line of readFileSync(pidFile, 'utf8').split('\n')) {
    const pid = Number(line.trim());
    if (!Number.isInteger(pid) || pid <= 0 || !isOurs(pid)) continue;
    try {
      process.kill(pid, 'SIGKILL');
      killed++;
    } catch {
      // already gone
    }
  }
  writeFileSync(pidFile, '');
  return killed;
}

/**
 * Services run as real processes, as in production: `node <bundle>.mjs` (compiled JavaScript, no
 * TypeScript loader; a `.ts` entry still runs through tsx), with output to one log file each, so
 * their memory is their own and a crash shows in its log. `nodeArgs` adds e.g. `--cpu-prof`.
 */
export function createChildRegistry(options: {
  logDir: string;
  pidFile: string;
  nodeArgs?: (name: string) => string[];
}): ChildRegistry {
  const running = new Set<Child>();
  mkdirSync(options.logDir, { recursive: true });

  function remember(): void {
    writeFileSync(options.pidFile, [...running].map((c) => c.pid).join('\n'));
  }

  return {
    start(name, entry, env) {
      const logFile = join(options.logDir, `${name}.log`);
      const child: Child = {
        ...startNode(name, entry, {
          env,
          output: { file: logFile },
          nodeArgs: [MARKER, ...(options.nodeArgs?.(name) ?? [])],
        }),
        logFile,
      };
      // Graceful first (a --cpu-prof profile is only written on a clean exit), then forced.
      const stop = child.stop;
      child.stop = (deadlineMs = 10_000) => stop(deadlineMs);
      running.add(child);
      void child.exited.then(() => running.delete(child));
      remember();
      return child;
    },
    async stopAll() {
      await Promise.all([...running].map((c) => c.stop()));
      running.clear();
      remember();
    },
    killAllNow() {
      for (const c of running) void c.kill9();
    },
  };
}
