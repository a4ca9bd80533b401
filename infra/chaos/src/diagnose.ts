import type { Child } from '@bora/processes';

const TAIL = 12;
const MAX_PROBLEMS = 15;

/** pino levels: 40 warn, 50 error, 60 fatal; anything not JSON (a crash's stack) counts too. */
function isProblem(line: string): boolean {
  if (!line.startsWith('{')) return line.trim().length > 0;
  const level = /"level":(\d+)/.exec(line)?.[1];
  return level !== undefined && Number(level) >= 40;
}

function shorten(line: string): string {
  return line.length > 400 ? `${line.slice(0, 400)}…` : line;
}

/**
 * What each process of a scenario was doing, for a failed assertion's message: whether it is
 * still running, its warnings and errors, and its last lines. CI keeps only the test output, so
 * a lost message must come with what would explain it.
 */
export function diagnose(children: readonly Child[]): string {
  return children
    .map((c) => {
      const state =
        c.child.exitCode !== null || c.child.signalCode !== null
          ? `exited (${c.child.exitCode ?? c.child.signalCode})`
          : 'running';
      const problems = c.output.filter(isProblem);
      const shown = problems.slice(-MAX_PROBLEMS).map(shorten);
      return [
        `── ${c.name}: ${state}, ${c.output.length} lines, ${problems.length} warnings/errors`,
        ...(shown.length > 0 ? ['   last warnings/errors:', ...shown.map((l) => `     ${l}`)] : []),
        '   last lines:',
        ...c.output.slice(-TAIL).map((l) => `     ${shorten(l)}`),
      ].join('\n');
    })
    .join('\n');
}
