import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCpuMs, readPeakRssMb } from './proc-stats.ts';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const TSX_LOADER = createRequire(import.meta.url).resolve('tsx');

export interface ChildOptions {
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /**
   * Where its output goes. `memory` (default): every line kept in `output` (up to `maxLines`);
   * `{ file }`: straight to that file, not through this process (a benchmark's harness stays out
   * of the measurement); `{ echo }`: kept, and also printed here with that prefix (a foreman).
   */
  output?: 'memory' | { file: string } | { echo: string };
  /** Lines kept in memory (default 400,000: every line of a chaos scenario, for its log audit). */
  maxLines?: number;
  /** Past `maxLines`, drop the oldest (a crash report wants the last ones) instead of the newest. */
  keepLast?: boolean;
}

export interface Child {
  name: string;
  pid: number;
  child: ChildProcess;
  /** Its exit code (-1 when a signal ended it). */
  exited: Promise<number | null>;
  /** The lines it wrote (stdout and stderr), for log audits and crash reports; empty with `{ file }`. */
  output: string[];
  /** Its last `n` lines, from memory or its log file. */
  tail(n: number): string[];
  /** SIGTERM to its process group, then SIGKILL after the deadline. */
  stop(deadlineMs?: number): Promise<number | null>;
  /** SIGKILL the whole process group: no shutdown hook, no flush — a real crash. */
  kill9(): Promise<void>;
  /** SIGSTOP / SIGCONT: it freezes mid-work (a long GC pause, a starved CPU) and resumes. */
  pause(): void;
  resume(): void;
  peakRssMb(): number;
  cpuMs(): number;
}

/** `node` arguments that run `entry` (from the repository root): through tsx when it is TypeScript. */
export function nodeArgs(entry: string, extra: string[] = []): string[] {
  const loader = entry.endsWith('.ts') ? ['--import', TSX_LOADER] : [];
  return [...extra, ...loader, join(REPO_ROOT, entry)];
}

/**
 * Spawns a command in its own process group (Ctrl-C reaches only the caller, which stops its
 * children in order; a kill or a freeze reaches the whole group) and collects its output.
 */
export function spawnChild(name: string, command: string, args: string[], options: ChildOptions): Child {
  const mode = options.output ?? 'memory';
  const maxLines = options.maxLines ?? 400_000;
  const file = typeof mode === 'object' && 'file' in mode ? mode.file : undefined;
  const fd = file ? openSync(file, 'w') : undefined;
  const child = spawn(command, args, {
    cwd: options.cwd ?? REPO_ROOT,
    env: options.env,
    stdio: ['ignore', fd ?? 'pipe', fd ?? 'pipe'],
    detached: true,
  });
  if (fd !== undefined) closeSync(fd);
  const output: string[] = [];
  const echo = typeof mode === 'object' && 'echo' in mode ? mode.echo : undefined;
  const keep = (line: string, out: NodeJS.WriteStream) => {
    if (echo !== undefined) out.write(`${echo}${line}\n`);
    if (output.length < maxLines) output.push(line);
    else if (options.keepLast) {
      output.shift();
      output.push(line);
    }
  };
  const pipe = (stream: NodeJS.ReadableStream | null, out: NodeJS.WriteStream) => {
    let buffer = '';
    stream?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) keep(line, out);
    });
    stream?.on('end', () => {
      if (buffer) keep(buffer, out);
    });
  };
  pipe(child.stdout, process.stdout);
  pipe(child.stderr, process.stderr);
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
  const pid = child.pid ?? 0;
  return {
    name,
    pid,
    child,
    exited,
    output,
    tail(n) {
      if (!file) return output.slice(-n);
      try {
        return readFileSync(file, 'utf8').split('\n').slice(-n);
      } catch {
        return [];
      }
    },
    async stop(deadlineMs = 15_000) {
      signalGroup('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), deadlineMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    async kill9() {
      signalGroup('SIGKILL');
      await exited;
    },
    pause: () => signalGroup('SIGSTOP'),
    resume: () => signalGroup('SIGCONT'),
    peakRssMb: () => readPeakRssMb(pid),
    cpuMs: () => readCpuMs(pid),
  };
}

/** `node <entry>` from the repository root (through tsx when it is TypeScript), the way `pnpm start` runs services. */
export function startNode(name: string, entry: string, options: ChildOptions & { nodeArgs?: string[] }): Child {
  return spawnChild(name, process.execPath, nodeArgs(entry, options.nodeArgs), options);
}

/** SIGTERM everyone at once, wait for graceful exits, SIGKILL whoever overstays the deadline. */
export async function stopAll(children: Child[], deadlineMs = 15_000): Promise<void> {
  await Promise.all(children.map((c) => c.stop(deadlineMs)));
}
