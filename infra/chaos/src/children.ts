import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const TSX_LOADER = createRequire(import.meta.url).resolve('tsx');
// Enough for every line a scenario produces at LOG_LEVEL=info; the log audit needs all of them.
const MAX_LINES = 400_000;

export interface Child {
  name: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  /** Every line the process wrote (stdout and stderr), for the log audit and failure reports. */
  output: string[];
  /** SIGKILL the whole process group: no shutdown hook, no flush — a real crash. */
  kill9(): Promise<void>;
  /** SIGSTOP / SIGCONT: the process freezes mid-work (a long GC pause, a starved CPU) and resumes. */
  pause(): void;
  resume(): void;
  /** SIGTERM, then SIGKILL after the deadline. */
  stop(deadlineMs?: number): Promise<number | null>;
}

/** Spawns a command in its own process group and keeps all of its output in memory. */
export function spawnChild(
  name: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd = REPO_ROOT,
): Child {
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const output: string[] = [];
  const pipe = (stream: NodeJS.ReadableStream | null) => {
    let buffer = '';
    stream?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) if (output.length < MAX_LINES) output.push(line);
    });
    stream?.on('end', () => {
      if (buffer) output.push(buffer);
    });
  };
  pipe(child.stdout);
  pipe(child.stderr);
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))),
  );
  const signalGroup = (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  return {
    name,
    child,
    exited,
    output,
    pause: () => signalGroup('SIGSTOP'),
    resume: () => signalGroup('SIGCONT'),
    async kill9() {
      signalGroup('SIGKILL');
      await exited;
    },
    async stop(deadlineMs = 15_000) {
      signalGroup('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), deadlineMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** `node --import tsx <entry>` from the repository root, the way `pnpm start` runs services. */
export function startNodeService(name: string, entry: string, env: NodeJS.ProcessEnv): Child {
  return spawnChild(name, process.execPath, ['--import', TSX_LOADER, join(REPO_ROOT, entry)], env);
}

/** Polls `url` until it answers 2xx; fails early if the process dies. */
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
  const tail = child.output.slice(-30).join('\n');
  throw new Error(
    `${child.name} ${dead ? 'exited during start-up' : `not ready at ${url} after ${timeoutMs} ms`}\n${tail}`,
  );
}
