import { QUEUE_PREFIXES, deleteKeys, type BenchContext } from './context.ts';
import { resetData } from './database.ts';
import { median, percentile, round } from './measure.ts';
import { createTenant, seedFleet } from './seed.ts';
import { startAdminApi, startBareServer } from './services.ts';

export interface StatsResult {
  servers: number;
  instances: number;
  medianMs: number;
  p90Ms: number;
  bytes: number;
  selectOneMedianMs: number;
}

/** admin-api's health-poll lock (services/admin-api/src/evolution-apis/health-poller.ts). */
const HEALTH_POLL_LOCK_ID = 727_100_010;

async function timeGet(url: string, headers: Record<string, string> = {}): Promise<{ ms: number; body: string }> {
  const start = performance.now();
  const response = await fetch(url, { headers });
  const body = await response.text();
  const ms = performance.now() - start;
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status} ${body.slice(0, 200)}`);
  return { ms, body };
}

/**
 * `GET /v1/stats/usage` on 1,000 servers / 20,000 instances, called one at a time (a page load),
 * alternating with a bare Fastify `select 1` endpoint: the floor of any HTTP + Postgres request.
 * The harness holds the health poll's advisory lock, so admin-api's background poll of 1,000
 * (unreachable, fake) servers skips its rounds instead of competing with the measurement.
 */
export async function runStats(ctx: BenchContext): Promise<StatsResult> {
  const s = ctx.settings.stats;
  await resetData(ctx.sql);
  await deleteKeys(ctx.redis, QUEUE_PREFIXES.stats);
  const tenantId = await createTenant(ctx.sql, 'bench-stats');
  const servers = Array.from({ length: s.servers }, (_, i) => ({
    name: `evo${String(i + 1).padStart(4, '0')}`,
    // A port nothing listens on: should the poll run anyway, it fails fast.
    url: `http://127.0.0.1:9/evo${i + 1}`,
    apiKey: `key-${i + 1}`,
    priority: i % 3,
  }));
  // Half the numbers belong to businesses, half are shared senders.
  await seedFleet(ctx.sql, ctx.secretKey, servers, s.instancesPerServer, [tenantId, null]);
  const lock = await ctx.sql.reserve();
  await lock`select pg_advisory_lock(${HEALTH_POLL_LOCK_ID})`;
  const [admin, bare] = await Promise.all([
    startAdminApi(ctx, 'admin-api-stats', QUEUE_PREFIXES.stats),
    startBareServer(ctx, 'bare-server-stats', tenantId),
  ]);
  try {
    const auth = { authorization: `Bearer ${ctx.adminToken}` };
    const statsUrl = `${admin.url}/v1/stats/usage`;
    const first = await timeGet(statsUrl, auth);
    const parsed = JSON.parse(first.body) as { total_instances: number; instances: unknown[] };
    if (parsed.total_instances !== s.servers || parsed.instances.length !== s.servers) {
      throw new Error(`stats answered ${parsed.total_instances} servers, expected ${s.servers}`);
    }
    for (let i = 0; i < s.warmupCalls; i++) {
      await timeGet(statsUrl, auth);
      await timeGet(`${bare.url}/select-1`);
    }
    const stats: number[] = [];
    const selectOne: number[] = [];
    for (let i = 0; i < s.calls; i++) {
      stats.push((await timeGet(statsUrl, auth)).ms);
      selectOne.push((await timeGet(`${bare.url}/select-1`)).ms);
    }
    const result = {
      servers: s.servers,
      instances: s.servers * s.instancesPerServer,
      medianMs: round(median(stats), 2),
      p90Ms: round(percentile(stats, 90), 2),
      bytes: Buffer.byteLength(first.body),
      selectOneMedianMs: round(median(selectOne), 2),
    };
    ctx.log(
      `stats: median ${result.medianMs} ms (p90 ${result.p90Ms} ms, ${result.bytes} bytes); select 1: ${result.selectOneMedianMs} ms`,
    );
    return result;
  } finally {
    await Promise.all([admin.child.stop(), bare.child.stop()]);
    await lock`select pg_advisory_unlock(${HEALTH_POLL_LOCK_ID})`;
    lock.release();
    await deleteKeys(ctx.redis, QUEUE_PREFIXES.stats);
  }
}
