import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const TSX_LOADER = createRequire(import.meta.url).resolve('tsx');
/** Marks our children's command lines, so a stale pid is only killed if it is still one of ours. */
const TITLE = 'bora-bench';
const MARKER = `--title=${TITLE}`;

export interface Child {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  readonly exited: Promise<number | null>;
  /** Peak resident memory so far (VmHWM), in MiB; 0 once the process is gone. */
  peakRssMb(): number;
  /** CPU time used so far (user + system), in ms: how busy it was during a round. */
  cpuMs(): number;
  stop(): Promise<void>;
}

export interface ChildRegistry {
  start(name: string, entry: string, env: NodeJS.ProcessEnv): Child;
  stopAll(): Promise<void>;
  /** Last resort on exit: synchronous SIGKILL of whatever is still alive. */
  killAllNow(): void;
}

export function readPeakRssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmHWM:\s+(\d+)\s+kB/.exec(status)?.[1] ?? 0);
    return kb / 1024;
  } catch {
    return 0;
  }
}

// Linux reports process times in clock ticks of 1/100 s (USER_HZ) on every mainstream build.
const TICK_MS = 10;

export function readCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th overall.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

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
  repoRoot: string;
  logDir: string;
  pidFile: string;
  nodeArgs?: (name: string) => string[];
}): ChildRegistry {
  const running = new Set<{ child: ChildProcess; exited: Promise<number | null> }>();
  mkdirSync(options.logDir, { recursive: true });

  function remember(pids: number[]): void {
    writeFileSync(options.pidFile, pids.join('\n'));
  }

  return {
    start(name, entry, env) {
      const logFile = join(options.logDir, `${name}.log`);
      const fd = openSync(logFile, 'w');
      const loader = entry.endsWith('.ts') ? ['--import', TSX_LOADER] : [];
      const args = [MARKER, ...(options.nodeArgs?.(name) ?? []), ...loader, join(options.repoRoot, entry)];
      const child = spawn(process.execPath, args, { cwd: options.repoRoot, env, stdio: ['ignore', fd, fd] });
      closeSync(fd);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      const entryRef = { child, exited };
      running.add(entryRef);
      void exited.then(() => running.delete(entryRef));
      remember([...running].map((r) => r.child.pid ?? 0));
      const pid = child.pid ?? 0;
      return {
        name,
        pid,
        logFile,
        exited,
        peakRssMb: () => readPeakRssMb(pid),
        cpuMs: () => readCpuMs(pid),
        async stop() {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGTERM');
          // Graceful first (a --cpu-prof profile is only written on a clean exit), then forced.
          const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
          await exited;
          clearTimeout(timer);
        },
      };
    },
    async stopAll() {
      const all = [...running];
      for (const { child } of all) child.kill('SIGTERM');
      const timer = setTimeout(() => all.forEach(({ child }) => child.kill('SIGKILL')), 10_000);
      await Promise.all(all.map((r) => r.exited));
      clearTimeout(timer);
      remember([]);
    },
    killAllNow() {
      for (const { child } of running) child.kill('SIGKILL');
    },
  };
}
