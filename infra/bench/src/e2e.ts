import { Agent, request as httpRequest } from 'node:http';
import type { CpuReport } from './cpu.ts';
import { deleteKeys, QUEUE_PREFIXES, type BenchContext } from './context.ts';
import { resetData } from './database.ts';
import { percentile, round } from './measure.ts';
import { sleep, waitUntil } from './net.ts';
import { createTenant, seedFleet } from './seed.ts';
import { startBookingApi, startDispatcher } from './services.ts';
import { simFleet, startSim, type RunningSim } from './simulator.ts';
import { createBookingBodies, e164 } from './workload.ts';

export interface E2eResult {
  rate: number;
  bookings: number;
  accepted: number;
  delivered: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  intakeP50Ms: number;
  intakeP99Ms: number;
  /** From the 201 reaching the client to the sendText reaching the simulator (queue + dispatch). */
  afterAcceptP50Ms: number;
  afterAcceptP99Ms: number;
  rssBookingMb: number;
  rssDispatcherMb: number;
  /** CPU per booking, from the first POST until its message arrived, and machine load. */
  cpu: CpuReport;
}

interface Sent {
  sentAt: number;
  status?: number;
  answeredAt?: number;
}

/** POST a JSON body on a keep-alive agent; resolves with the status (0 on a network error). */
function post(agent: Agent, url: URL, body: string): Promise<number> {
  return new Promise((resolve) => {
    const request = httpRequest(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', () => resolve(0));
    request.end(body);
  });
}

/**
 * Open-loop load: booking i is sent at t0 + i/rate whatever happened to the earlier ones (a
 * closed loop would slow down with the system and hide queueing). Plain node:http on keep-alive
 * sockets: fetch costs about a millisecond of CPU per request, which this machine cannot spare.
 * Returns each booking's send and answer times, keyed by its phone number.
 */
async function sendAtFixedRate(
  url: string,
  rate: number,
  seconds: number,
  next: ReturnType<typeof createBookingBodies>,
): Promise<Map<string, Sent>> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const target = new URL(url);
  const sent = new Map<string, Sent>();
  const total = Math.round(rate * seconds);
  const pending: Promise<void>[] = [];
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const wait = t0 + (i * 1000) / rate - performance.now();
    if (wait > 1) await sleep(wait);
    const body = next();
    const entry: Sent = { sentAt: Date.now() };
    sent.set(e164(body), entry);
    pending.push(
      post(agent, target, JSON.stringify(body)).then((status) => {
        entry.status = status;
        entry.answeredAt = Date.now();
      }),
    );
  }
  await Promise.all(pending);
  agent.destroy();
  return sent;
}

async function waitForMessages(sim: RunningSim, expected: number, timeoutMs: number) {
  return waitUntil(
    async () => {
      const messages = await sim.messages();
      return messages.length >= expected ? messages : undefined;
    },
    `${expected} messages at the simulator`,
    timeoutMs,
    500,
  ).catch(() => sim.messages());
}

/**
 * End to end: booking-api + dispatcher + simulator as processes; bookings at a fixed rate; the
 * latency of a booking is from the moment its POST leaves the client (so it includes intake) to
 * the moment the simulator receives its confirmation's sendText. Same clock: one machine.
 */
export async function runE2e(ctx: BenchContext): Promise<E2eResult> {
  const s = ctx.settings.e2e;
  const prefix = QUEUE_PREFIXES.e2e;
  await resetData(ctx.sql);
  await deleteKeys(ctx.redis, prefix);
  const fleet = simFleet(ctx.settings.dispatch.servers, ctx.settings.dispatch.instancesPerServer);
  const sim = await startSim(ctx, 'sim-e2e', fleet);
  await createTenant(ctx.sql, 'bench-e2e');
  await seedFleet(
    ctx.sql,
    ctx.secretKey,
    fleet.servers.map((f) => ({ name: f.name, url: sim.serverUrl(f.name), apiKey: f.apiKey })),
    fleet.servers[0]!.instances.length,
  );
  const [api, dispatcher] = await Promise.all([
    startBookingApi(ctx, 'booking-api-e2e', prefix),
    startDispatcher(ctx, 'dispatcher-e2e', prefix, ctx.settings.dispatch.concurrency),
  ]);
  try {
    const url = `${api.url}/v1/tenants/bench-e2e/bookings`;
    ctx.log(`e2e: warm-up ${s.warmupSeconds}s at ${s.ratePerSecond}/s`);
    const warm = await sendAtFixedRate(url, s.ratePerSecond, s.warmupSeconds, createBookingBodies('warm', 0));
    await waitForMessages(sim, warm.size, 30_000);
    await sim.clearMessages();

    ctx.log(`e2e: ${s.seconds}s at ${s.ratePerSecond} bookings/s`);
    const meter = ctx.cpuMeter({
      bookingApi: api.child.pid,
      dispatcher: dispatcher.child.pid,
      simulator: sim.child.pid,
      redis: ctx.redisPid,
    });
    const stopMeter = await meter.start();
    const sent = await sendAtFixedRate(url, s.ratePerSecond, s.seconds, createBookingBodies('e2e', 1_000_000));
    const accepted = [...sent.values()].filter((e) => e.status === 201).length;
    const messages = await waitForMessages(sim, accepted, 60_000);
    const cpu = await stopMeter(sent.size);
    const latencies: number[] = [];
    const afterAccept: number[] = [];
    for (const message of messages) {
      const entry = sent.get(message.number);
      if (entry?.status !== 201) continue;
      latencies.push(message.receivedAt - entry.sentAt);
      afterAccept.push(message.receivedAt - entry.answeredAt!);
    }
    const intake = [...sent.values()].filter((e) => e.answeredAt !== undefined).map((e) => e.answeredAt! - e.sentAt);
    const result: E2eResult = {
      rate: s.ratePerSecond,
      bookings: sent.size,
      accepted,
      delivered: latencies.length,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: percentile(latencies, 100),
      intakeP50Ms: percentile(intake, 50),
      intakeP99Ms: percentile(intake, 99),
      afterAcceptP50Ms: percentile(afterAccept, 50),
      afterAcceptP99Ms: percentile(afterAccept, 99),
      rssBookingMb: api.child.peakRssMb(),
      rssDispatcherMb: dispatcher.child.peakRssMb(),
      cpu,
    };
    ctx.log(
      `e2e: ${result.delivered}/${result.bookings} delivered, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms (intake p99 ${result.intakeP99Ms} ms)  ` +
        `CPU ms/booking ${JSON.stringify(cpu.perUnitMs)}  cores ours ${cpu.ourCores} machine ${cpu.machineCores}`,
    );
    return {
      ...result,
      rssBookingMb: round(result.rssBookingMb, 0),
      rssDispatcherMb: round(result.rssDispatcherMb, 0),
    };
  } finally {
    await Promise.all([api.child.stop(), dispatcher.child.stop(), sim.child.stop()]);
    await deleteKeys(ctx.redis, prefix);
  }
}
