import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const TSX_LOADER = createRequire(import.meta.url).resolve('tsx');

const COLORS = ['\x1b[36m', '\x1b[35m', '\x1b[33m', '\x1b[32m', '\x1b[34m'];

export interface Managed {
  name: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  /** The most recent output lines (stdout and stderr). */
  output: string[];
}

/** Starts `node --import tsx <entry>` with prefixed output, like a tiny foreman. */
export function startProcess(name: string, entry: string, env: NodeJS.ProcessEnv, index: number, echo = true): Managed {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, join(REPO_ROOT, entry)], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own process group: Ctrl-C reaches only us, and we stop the children in order.
    detached: true,
  });
  const tag = `${COLORS[index % COLORS.length]}${name.padEnd(14)}\x1b[0m│ `;
  const output: string[] = [];
  const pipe = (stream: NodeJS.ReadableStream | null, out: NodeJS.WriteStream) => {
    let buffer = '';
    stream?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        if (echo) out.write(`${tag}${line}\n`);
        // The last lines stay in memory for tests and crash reports.
        output.push(line);
        if (output.length > 500) output.shift();
      }
    });
  };
  pipe(child.stdout, process.stdout);
  pipe(child.stderr, process.stderr);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { name, child, exited, output };
}

/** SIGTERM everyone, wait for graceful exits, SIGKILL whoever overstays the deadline. */
export async function stopAll(processes: Managed[], deadlineMs = 15_000): Promise<void> {
  for (const p of processes) if (p.child.exitCode === null) p.child.kill('SIGTERM');
  const timer = setTimeout(() => {
    for (const p of processes) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  }, deadlineMs);
  await Promise.all(processes.map((p) => p.exited));
  clearTimeout(timer);
}
