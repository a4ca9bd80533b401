import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { formatValue, type Figure } from './figures.ts';
import type { Machine } from './machine.ts';
import type { Outcome } from './run.ts';

const START = '<!-- bench:results:start (written by `pnpm bench`; edit outside this block) -->';
const END = '<!-- bench:results:end -->';

const fmt = (v: number | undefined, digits = 0, unit = '') =>
  v === undefined || !Number.isFinite(v) ? 'n/a' : `${v.toFixed(digits)}${unit}`;

function byName(figures: Figure[], name: string): string {
  const f = figures.find((x) => x.name === name);
  return f ? `**${formatValue(f)}${f.unit === 'x' ? '×' : ` ${f.unit === 'us' ? 'µs' : f.unit}`}**` : 'n/a';
}

function status(figures: Figure[], name: string): string {
  const f = figures.find((x) => x.name === name);
  return f ? `${f.op.replace('>=', '≥').replace('<=', '≤')} ${f.target} — ${f.met ? 'met' : '**missed**'}` : 'n/a';
}

export function markdownReport(machine: Machine, outcome: Outcome, figures: Figure[]): string {
  const { intake, dispatch, e2e, routing, stats, slots } = outcome.results;
  const lines = [
    `Run: \`${machine.command}\` (${machine.mode}) on ${machine.date}, commit \`${machine.commit}\`, ${machine.seconds} s.`,
    `Machine: ${machine.nproc} CPUs (${machine.cpu}), ${machine.memoryGiB} GiB RAM, Node ${machine.node}, PostgreSQL ${machine.postgres}, Redis ${machine.redis}, ${machine.os}.`,
    '',
    '| Benchmark | Service | Bare baseline | Figure | Target |',
    '|---|---|---|---|---|',
    `| Booking intake, 50 connections (\`intake-ratio\`) | ${fmt(intake?.serviceRps)} req/s | ${fmt(intake?.bareRps)} req/s | ${byName(figures, 'intake-ratio')} | ${status(figures, 'intake-ratio')} |`,
    `| Dispatch, ${dispatch?.instances ?? '?'} instances (\`dispatch-ratio\`) | ${fmt(dispatch?.serviceRate)} msg/s | ${fmt(dispatch?.bareRate)} msg/s | ${byName(figures, 'dispatch-ratio')} | ${status(figures, 'dispatch-ratio')} |`,
    `| End to end at ${e2e?.rate ?? 200} bookings/s, p50 (\`e2e-p50-ms\`) | ${fmt(e2e?.p50Ms)} ms | — | ${byName(figures, 'e2e-p50-ms')} | ${status(figures, 'e2e-p50-ms')} |`,
    `| End to end at ${e2e?.rate ?? 200} bookings/s, p99 (\`e2e-p99-ms\`) | ${fmt(e2e?.p99Ms)} ms | — | ${byName(figures, 'e2e-p99-ms')} | ${status(figures, 'e2e-p99-ms')} |`,
    `| Routing, 1,000 servers / 20,000 instances (\`route-us\`) | ${fmt(routing?.points.at(-1)?.routeUs, 2)} µs/message | — | ${byName(figures, 'route-us')} | ${status(figures, 'route-us')} |`,
    `| \`GET /v1/stats/usage\`, 1,000 servers / 20,000 instances (\`stats-ms\`) | ${fmt(stats?.medianMs, 1)} ms median | ${fmt(stats?.selectOneMedianMs, 2)} ms (\`select 1\`) | ${byName(figures, 'stats-ms')} | ${status(figures, 'stats-ms')} |`,
    `| \`GET /v1/tenants/:slug/slots\`, one day, ${slots?.professionals ?? 10} professionals / ${fmt(slots?.bookings ?? 2000)} bookings (\`slots-ms\`) | ${fmt(slots?.medianMs, 1)} ms median | ${fmt(slots?.selectOneMedianMs, 2)} ms (\`select 1\`) | ${byName(figures, 'slots-ms')} | ${status(figures, 'slots-ms')} |`,
    `| Dispatch with number safety on, ${dispatch?.budget?.numbers ?? '?'} numbers of one business (\`dispatch-budget-per-number\`) | ${fmt(dispatch?.budget?.perNumberPerMinute, 2)} msg/min per number | budget ${dispatch?.budget?.perMinuteBudget ?? 8}/min | ${byName(figures, 'dispatch-budget-per-number')} | ${status(figures, 'dispatch-budget-per-number')} |`,
    `| Peak RSS booking-api during intake (\`rss-booking-mb\`) | ${fmt(intake?.rssBookingMb)} MB | ${fmt(intake?.rssBareMb)} MB | ${byName(figures, 'rss-booking-mb')} | ${status(figures, 'rss-booking-mb')} |`,
    `| Peak RSS dispatcher during dispatch (\`rss-dispatcher-mb\`) | ${fmt(dispatch?.rssDispatcherMb)} MB | ${fmt(dispatch?.rssBareMb)} MB | ${byName(figures, 'rss-dispatcher-mb')} | ${status(figures, 'rss-dispatcher-mb')} |`,
    '',
  ];
  if (intake) {
    const service = intake.rounds.filter((r) => r.side === 'service');
    lines.push(
      `- Intake rounds (req/s, in run order): ${intake.rounds.map((r) => `${r.side} ${r.rps}`).join(', ')}; figure = median of the pair ratios ${intake.pairRatios.join(', ')}. ` +
        `Service p99 ${fmt(Math.max(...service.map((r) => r.p99Ms)))} ms; every service round enqueued ${service.every((r) => r.enqueuedShare === 1) ? 'all' : `${fmt(Math.min(...service.map((r) => (r.enqueuedShare ?? 0) * 100)), 1)}% or more of`} its notifications. ` +
        `Server-side CPU per booking (process + Postgres + Redis): service ${fmt(intake.serviceCpuMs, 2)} ms, bare ${fmt(intake.bareCpuMs, 2)} ms (bare/service ${fmt(intake.bareCpuMs / intake.serviceCpuMs, 2)}). ` +
        `Machine busy during rounds: ${intake.rounds.map((r) => r.cpu.machineCores).join(', ')} of ${machine.nproc} cores (ours ${intake.rounds.map((r) => r.cpu.ourCores).join(', ')}).`,
    );
  }
  if (dispatch) {
    lines.push(
      `- Dispatch rounds (msg/s): ${dispatch.rounds.map((r) => `${r.side} ${r.rate}`).join(', ')}; figure = median of the pair ratios ${dispatch.pairRatios.join(', ')}; ` +
        `ledger, routing and attempt rows ${dispatch.verified ? 'verified for every message' : '**NOT verified**'}. ` +
        `Worker-side CPU per message (process + Postgres + Redis): service ${fmt(dispatch.serviceCpuMs, 2)} ms, bare ${fmt(dispatch.bareCpuMs, 2)} ms (bare/service ${fmt(dispatch.bareCpuMs / dispatch.serviceCpuMs, 2)}). ` +
        `Machine busy: ${dispatch.rounds.map((r) => r.cpu.machineCores).join(', ')} cores (ours ${dispatch.rounds.map((r) => r.cpu.ourCores).join(', ')}).`,
    );
  }
  if (dispatch?.budget) {
    const b = dispatch.budget;
    lines.push(
      `- Dispatch with budgets: ${b.messages} messages for ${b.numbers} warm numbers of one business, production budgets with every window ÷${60} (SAFETY_TIME_SCALE=60; pacing and typing shrunk alike): ${b.scaledRate} msg/s on that clock against a ceiling of ${b.scaledCeiling} (numbers × 8/min), i.e. ${b.perNumberPerMinute} msg/min per number in real time; the busiest number sent ${b.densestMinute} in its busiest minute (read at the simulator, less the typing spread and 100 ms of a loaded machine's jitter); every message ${b.verified ? 'sent and recorded' : '**NOT all sent**'}.`,
    );
  }
  if (e2e) {
    lines.push(
      `- End to end: ${e2e.delivered}/${e2e.bookings} bookings delivered, max ${fmt(e2e.maxMs)} ms; intake alone (POST → 201) p50 ${fmt(e2e.intakeP50Ms)} ms, p99 ${fmt(e2e.intakeP99Ms)} ms; ` +
        `201 → sendText p50 ${fmt(e2e.afterAcceptP50Ms)} ms, p99 ${fmt(e2e.afterAcceptP99Ms)} ms; ` +
        `CPU ms per booking ${Object.entries(e2e.cpu.perUnitMs)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}; machine busy ${e2e.cpu.machineCores} cores (ours ${e2e.cpu.ourCores}); ` +
        `peak RSS booking-api ${fmt(e2e.rssBookingMb)} MB, dispatcher ${fmt(e2e.rssDispatcherMb)} MB.`,
    );
  }
  if (routing) {
    lines.push(
      `- Routing by fleet size (µs/message): ${routing.points.map((p) => `${p.instances.toLocaleString('en-US')} → ${p.routeUs}`).join(', ')}; growth ×${routing.growth} from smallest to largest (index build at 20,000: ${fmt(routing.points.at(-1)?.buildMs, 1)} ms, once per fleet change).`,
    );
  }
  if (stats) lines.push(`- Stats: p90 ${fmt(stats.p90Ms, 1)} ms, response ${(stats.bytes / 1024).toFixed(0)} KiB.`);
  if (slots)
    lines.push(
      `- Slots: p90 ${fmt(slots.p90Ms, 1)} ms; ${slots.slots} slots answered over the window's open days, ${slots.verified ? 'every one free' : '**some NOT free**'}.`,
    );
  for (const [name, error] of Object.entries(outcome.errors)) lines.push(`- **${name} failed:** ${error}`);
  return lines.join('\n');
}

/** Replaces the generated block of BENCHMARKS.md (the analysis around it is written by hand). */
/**
 * Replaces one block of BENCHMARKS.md: the main results (`pnpm bench`) or another named one
 * (`large-ledger`), each between its own markers; a missing block is appended.
 */
export function updateBenchmarksFile(path: string, block: string, name?: string): void {
  const [open, close] = name
    ? [
        `<!-- bench:${name}:start (written by \`pnpm bench --only=${name}\`; edit outside this block) -->`,
        `<!-- bench:${name}:end -->`,
      ]
    : [START, END];
  const wrapped = `${open}\n${block}\n${close}`;
  const current = existsSync(path) ? readFileSync(path, 'utf8') : `# Benchmarks\n\n${START}\n${END}\n`;
  const start = current.indexOf(open);
  const end = current.indexOf(close);
  const next =
    start >= 0 && end > start
      ? current.slice(0, start) + wrapped + current.slice(end + close.length)
      : `${current.trimEnd()}\n\n${wrapped}\n`;
  writeFileSync(path, next);
}
