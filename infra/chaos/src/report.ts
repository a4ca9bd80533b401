import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');
// Test files run in separate workers: each leaves its rows here, the global teardown joins them.
const ROWS_DIR = join(RESULTS_DIR, 'rows');

export interface ScenarioRow {
  /** Sort key and label, e.g. "1 dispatcher kill -9 ×6". */
  order: number;
  scenario: string;
  bookings: number | string;
  sent: number | string;
  duplicates: number | string;
  lost: number | string;
  /** Seconds from the end of the fault to the last message delivered (or another stated measure). */
  recoverySeconds: number | string;
  notes?: string;
}

export function recordRow(row: ScenarioRow): void {
  mkdirSync(ROWS_DIR, { recursive: true });
  writeFileSync(
    join(
      ROWS_DIR,
      `${String(row.order).padStart(3, '0')}-${row.scenario.replace(/[^a-z0-9]+/gi, '-').slice(0, 40)}.json`,
    ),
    JSON.stringify(row),
  );
  console.log(
    `[chaos] ${row.scenario}: bookings=${row.bookings} sent=${row.sent} duplicates=${row.duplicates} lost=${row.lost} recover=${row.recoverySeconds}s ${row.notes ?? ''}`,
  );
}

/** One file's log audit: how much was read, what leaked. The teardown sums them into one row. */
export function recordAudit(scenario: string, audit: { lines: number; processes: number; findings: number }): void {
  mkdirSync(ROWS_DIR, { recursive: true });
  writeFileSync(join(ROWS_DIR, `audit-${scenario.replace(/[^a-z0-9]+/gi, '-')}.audit`), JSON.stringify(audit));
}

function auditRow(): ScenarioRow | undefined {
  const files = readdirSync(ROWS_DIR).filter((f) => f.endsWith('.audit'));
  if (files.length === 0) return undefined;
  const all = files.map(
    (f) =>
      JSON.parse(readFileSync(join(ROWS_DIR, f), 'utf8')) as { lines: number; processes: number; findings: number },
  );
  const sum = (key: 'lines' | 'processes' | 'findings') => all.reduce((n, a) => n + a[key], 0);
  return {
    order: 99,
    scenario: 'log audit (every process of every scenario)',
    bookings: '—',
    sent: '—',
    duplicates: '—',
    lost: '—',
    recoverySeconds: '—',
    notes: `${sum('lines')} lines from ${sum('processes')} processes in ${files.length} files; ${sum('findings')} with an API key, token, secret or customer number`,
  };
}

export function clearRows(): void {
  rmSync(ROWS_DIR, { recursive: true, force: true });
}

export function renderTable(rows: ScenarioRow[]): string {
  const header = ['scenario', 'bookings', 'sent', 'duplicates', 'lost', 'time to recover (s)', 'notes'];
  const lines = rows
    .sort((a, b) => a.order - b.order)
    .map((r) => [r.scenario, r.bookings, r.sent, r.duplicates, r.lost, r.recoverySeconds, r.notes ?? ''].map(String));
  const out = [header, header.map(() => '---'), ...lines].map((cells) => `| ${cells.join(' | ')} |`);
  return out.join('\n');
}

/** Joins the rows of every file that ran into `results/latest.md`; returns the table. */
export function writeReport(startedAt: Date, seconds: number): string | undefined {
  let files: string[];
  try {
    files = readdirSync(ROWS_DIR).filter((f) => f.endsWith('.json'));
  } catch {
    return undefined;
  }
  if (files.length === 0) return undefined;
  const rows = files.map((f) => JSON.parse(readFileSync(join(ROWS_DIR, f), 'utf8')) as ScenarioRow);
  const audit = auditRow();
  if (audit) rows.push(audit);
  const table = renderTable(rows);
  const doc = [
    '# Chaos suite — latest run',
    '',
    `Run ${startedAt.toISOString()}, ${Math.round(seconds)} s in all (\`pnpm test:chaos\`). Written by the suite; do not edit.`,
    '',
    table,
    '',
  ].join('\n');
  writeFileSync(join(RESULTS_DIR, 'latest.md'), doc);
  return table;
}
