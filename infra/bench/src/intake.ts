import { NOTIFICATIONS_QUEUE } from '@bora/queue';
import autocannon, { type AutocannonResult } from 'autocannon';
import { meanCpuMs, type CpuReport } from './cpu.ts';
import { deleteKeys, QUEUE_PREFIXES, type BenchContext } from './context.ts';
import { resetBookings, resetData } from './database.ts';
import { mean, median, round } from './measure.ts';
import { createTenant } from './seed.ts';
import { startBareServer, startBookingApi } from './services.ts';
import { createBookingBodies } from './workload.ts';

export interface IntakeRound {
  side: 'service' | 'bare';
  rps: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  /** Service rounds: share of confirmations the booking-api enqueued (their job is in Redis). */
  enqueuedShare?: number;
  /** CPU per request: the HTTP server, Postgres backends, Redis (service rounds), autocannon. */
  cpu: CpuReport;
}

export interface IntakeResult {
  serviceRps: number;
  bareRps: number;
  /** Median of the per-pair ratios (each pair ran back to back, under the same conditions). */
  ratio: number;
  pairRatios: number[];
  /** Server-side CPU ms per request (HTTP server + Postgres backends + Redis), mean over rounds. */
  serviceCpuMs: number;
  bareCpuMs: number;
  rounds: IntakeRound[];
  rssBookingMb: number;
  rssBareMb: number;
}

type Next = ReturnType<typeof createBookingBodies>;

function load(url: string, connections: number, seconds: number, next: Next): Promise<AutocannonResult> {
  return autocannon({
    url,
    connections,
    duration: seconds,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => ({ ...request, body: JSON.stringify(next()) }),
      },
    ],
  });
}

/**
 * Booking intake: the booking-api (a real process: validation, tenant cache, one-statement insert,
 * enqueue of the confirmation to Redis) against the bare Fastify + postgres.js server doing one INSERT,
 * driven by autocannon with 50 connections, in alternating rounds (service, bare, service, bare…)
 * so drift on a shared machine hits both sides. The tables are emptied before every round.
 */
export async function runIntake(ctx: BenchContext): Promise<IntakeResult> {
  const s = ctx.settings.intake;
  const prefix = QUEUE_PREFIXES.intake;
  await resetData(ctx.sql);
  await deleteKeys(ctx.redis, prefix);
  const tenantId = await createTenant(ctx.sql, 'bench-intake');
  const [service, bare] = await Promise.all([
    startBookingApi(ctx, 'booking-api-intake', prefix),
    startBareServer(ctx, 'bare-server-intake', tenantId),
  ]);
  try {
    const next = createBookingBodies('intake');
    const urls = { service: `${service.url}/v1/tenants/bench-intake/bookings`, bare: `${bare.url}/bookings` };
    ctx.log(`intake: warm-up ${s.warmupSeconds}s each`);
    for (const side of ['service', 'bare'] as const) await load(urls[side], s.connections, s.warmupSeconds, next);

    const rounds: IntakeRound[] = [];
    for (let pair = 0; pair < s.pairs; pair++) {
      for (const side of ['service', 'bare'] as const) {
        await resetBookings(ctx.sql);
        const processes: Record<string, number> =
          side === 'service' ? { server: service.child.pid, redis: ctx.redisPid } : { server: bare.child.pid };
        const stopMeter = await ctx.cpuMeter(processes).start();
        const result = await load(urls[side], s.connections, s.roundSeconds, next);
        const cpu = await stopMeter(result['2xx']);
        const round: IntakeRound = {
          side,
          rps: result['2xx'] / result.duration,
          p50Ms: result.latency.p50,
          p99Ms: result.latency.p99,
          non2xx: result.non2xx,
          errors: result.errors + result.timeouts,
          cpu,
        };
        if (side === 'service') round.enqueuedShare = await enqueuedShare(ctx, prefix);
        rounds.push(round);
        ctx.log(
          `intake: ${side.padEnd(7)} ${round.rps.toFixed(0)} req/s  p99 ${round.p99Ms} ms  non-2xx ${round.non2xx}  errors ${round.errors}  ` +
            `CPU ms/req ${JSON.stringify(cpu.perUnitMs)}  cores ours ${cpu.ourCores} machine ${cpu.machineCores}`,
        );
      }
    }
    const rpsOf = (side: IntakeRound['side']) => rounds.filter((r) => r.side === side).map((r) => r.rps);
    const pairRatios = rpsOf('service').map((rps, i) => rps / rpsOf('bare')[i]!);
    const cpuOf = (side: IntakeRound['side']) =>
      meanCpuMs(
        rounds.filter((r) => r.side === side).map((r) => r.cpu),
        ['server', 'postgres', 'redis'],
      );
    return {
      serviceRps: round(mean(rpsOf('service')), 0),
      bareRps: round(mean(rpsOf('bare')), 0),
      ratio: median(pairRatios),
      pairRatios: pairRatios.map((r) => round(r, 3)),
      serviceCpuMs: cpuOf('service'),
      bareCpuMs: cpuOf('bare'),
      rounds: rounds.map((r) => ({ ...r, rps: round(r.rps, 0) })),
      rssBookingMb: service.child.peakRssMb(),
      rssBareMb: bare.child.peakRssMb(),
    };
  } finally {
    await Promise.all([service.child.stop(), bare.child.stop()]);
    await deleteKeys(ctx.redis, prefix);
  }
}

/**
 * After commit the booking-api must have enqueued every confirmation (Redis up; reminders wait in
 * Postgres for the sweeper): confirmations whose job is in Redis / all confirmations.
 */
async function enqueuedShare(ctx: BenchContext, prefix: string): Promise<number> {
  const rows = await ctx.sql<{ id: string }[]>`select id from notifications where kind = 'confirmation'`;
  if (rows.length === 0) return 0;
  const pipeline = ctx.redis.pipeline();
  for (const row of rows) pipeline.exists(`${prefix}:${NOTIFICATIONS_QUEUE}:${row.id}`);
  const results = (await pipeline.exec()) ?? [];
  const enqueued = results.filter(([, value]) => Number(value) === 1).length;
  return round(enqueued / rows.length, 4);
}
