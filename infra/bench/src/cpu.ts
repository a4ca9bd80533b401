import { readFileSync } from 'node:fs';
import { readCpuMs } from './children.ts';
import type { Sql } from './database.ts';

/** CPU ms spent per unit of work by each process group during one round, and how busy the machine was. */
export interface CpuReport {
  perUnitMs: Record<string, number>;
  /** Cores busy machine-wide (all processes, ours and everyone else's) on average over the round. */
  machineCores: number;
  /** Cores our processes (named ones, Postgres backends, the harness) account for. */
  ourCores: number;
}

export interface CpuMeter {
  /** Starts a round; the returned function ends it and divides each group's CPU ms by `units`. */
  start(): Promise<(units: number) => Promise<CpuReport>>;
}

/** The harness's own connections are left out of the count. */
export const HARNESS_APPLICATION = 'bora-bench-harness';

async function backendPids(sql: Sql, database: string): Promise<number[]> {
  const rows = await sql<
    { pid: number }[]
  >`select pid from pg_stat_activity where datname = ${database} and application_name <> ${HARNESS_APPLICATION}`;
  return rows.map((r) => r.pid);
}

/** Busy CPU ms of the whole machine so far (/proc/stat: everything but idle and iowait). */
function machineBusyMs(): number {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
    return (total - fields[3]! - fields[4]!) * 10;
  } catch {
    return Number.NaN;
  }
}

const harnessMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

/**
 * Where the CPU goes, beside the throughput: the named processes, every Postgres backend serving
 * the bench database, and the harness (the load generator) — all on this machine, read from /proc.
 * A backend that appears during the round counts from zero; one that ends during it is lost
 * (pools keep theirs open). The machine-wide figure shows how much others were using.
 */
export function createCpuMeter(sql: Sql, database: string, all: Record<string, number>): CpuMeter {
  const processes = Object.fromEntries(Object.entries(all).filter(([, pid]) => pid > 0));
  return {
    async start() {
      const before = new Map<number, number>();
      for (const pid of [...Object.values(processes), ...(await backendPids(sql, database))])
        before.set(pid, readCpuMs(pid));
      const machine0 = machineBusyMs();
      const harness0 = harnessMs();
      const t0 = performance.now();
      return async (units) => {
        const wallMs = performance.now() - t0;
        const used: Record<string, number> = { harness: harnessMs() - harness0 };
        for (const [name, pid] of Object.entries(processes)) used[name] = readCpuMs(pid) - (before.get(pid) ?? 0);
        used.postgres = 0;
        for (const pid of await backendPids(sql, database)) used.postgres += readCpuMs(pid) - (before.get(pid) ?? 0);
        const ours = Object.values(used).reduce((a, b) => a + b, 0);
        const perUnitMs = Object.fromEntries(
          Object.entries(used).map(([k, v]) => [k, Math.round((v / units) * 1000) / 1000]),
        );
        return {
          perUnitMs,
          machineCores: Math.round(((machineBusyMs() - machine0) / wallMs) * 100) / 100,
          ourCores: Math.round((ours / wallMs) * 100) / 100,
        };
      };
    },
  };
}

/** Mean over rounds of the CPU ms per unit summed over `groups` (e.g. the server side only). */
export function meanCpuMs(reports: readonly CpuReport[], groups: readonly string[]): number {
  if (reports.length === 0) return Number.NaN;
  const sums = reports.map((r) => groups.reduce((sum, g) => sum + (r.perUnitMs[g] ?? 0), 0));
  return Math.round((sums.reduce((a, b) => a + b, 0) / sums.length) * 1000) / 1000;
}
