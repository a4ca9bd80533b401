// Intake throughput: POST /v1/tenants/:slug/bookings against a bare INSERT endpoint, on one
// machine, each for the same duration and concurrency, servers in a child process.
//   pnpm --filter @bora/booking-api bench [seconds=10] [connections=32] [profile|vacuum]
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { createDb, migrateDatabase, quoteIdent } from '@bora/db';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import postgres from 'postgres';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const seconds = Number(process.argv[2] ?? 10);
const connections = Number(process.argv[3] ?? 32);
const vacuum = process.argv.includes('vacuum');
const adminUrl = 'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl = 'redis://127.0.0.1:6379';
const dbName = `bora_bench_${randomBytes(4).toString('hex')}`;
const databaseUrl = adminUrl.replace(/\/postgres$/, `/${dbName}`);
const queuePrefix = `{bench${randomBytes(3).toString('hex')}}`;

await migrateDatabase(databaseUrl);
const setup = createDb(databaseUrl, { max: 1 });
const [tenant] = await setup.sql<{ id: string; slug: string }[]>`
  insert into tenants (slug, name) values ('bench', 'Bench') returning id, slug`;
await setup.close();

const realPort = await freePort();
const barePort = await freePort();
const child = spawn(
  process.execPath,
  [
    ...(process.argv[4] === 'profile' ? ['--cpu-prof', '--cpu-prof-dir=/tmp/bench-prof'] : []),
    '--import',
    'tsx',
    new URL('./servers.ts', import.meta.url).pathname,
    JSON.stringify({ databaseUrl, redisUrl, queuePrefix, tenantId: tenant!.id, realPort, barePort }),
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
await new Promise<void>((resolve, reject) => {
  child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
  child.on('exit', (code) => reject(new Error(`servers exited with ${code}`)));
});

/** CPU time (ms) a process has used so far, from /proc (Linux). */
function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in clock ticks of 10 ms
  } catch {
    return 0;
  }
}

const monitor = postgres(databaseUrl, { max: 1, onnotice: () => {} });
async function backendPids(app: string): Promise<number[]> {
  const rows = await monitor<{ pid: number }[]>`select pid from pg_stat_activity where application_name = ${app}`;
  return rows.map((r) => r.pid);
}

/**
 * CPU spent per request by the server process and by its Postgres backends: on a shared,
 * CPU-bound machine this is steadier than req/s, and it is what caps req/s once CPU runs out.
 */
async function measured(port: number, path: string, app: string, ms: number) {
  const pids = await backendPids(app);
  const before = {
    server: cpuMs(child.pid!),
    pg: pids.reduce((sum, pid) => sum + cpuMs(pid), 0),
    redis: cpuMs(redisPid),
  };
  const result = await run(port, path, ms);
  const after = {
    server: cpuMs(child.pid!),
    pg: pids.reduce((sum, pid) => sum + cpuMs(pid), 0),
    redis: cpuMs(redisPid),
  };
  const requests = Object.values(result.statuses).reduce((a, b) => a + b, 0);
  const per = (k: 'server' | 'pg' | 'redis') => +((after[k] - before[k]) / requests).toFixed(3);
  return { ...result, cpuMsPerRequest: { server: per('server'), postgres: per('pg'), redis: per('redis') } };
}

const redisPid = Number(
  execFileSync('redis-cli', ['-u', redisUrl, 'info', 'server'])
    .toString()
    .match(/process_id:(\d+)/)?.[1] ?? 0,
);

let sequence = 0;
/** Every request a different professional, so none conflicts and each really inserts. */
function body(): string {
  sequence += 1;
  const startsAt = new Date(Date.now() + 86_400_000 * (1 + (sequence % 300))).toISOString();
  return JSON.stringify({
    customerName: 'Bench',
    customerPhone: '(11) 98765-4321',
    service: 'Corte',
    professional: `p${sequence}`,
    startsAt,
  });
}

async function run(port: number, path: string, durationMs: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const deadline = Date.now() + durationMs;
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const worker = async () => {
    while (Date.now() < deadline) {
      const payload = body();
      const t0 = performance.now();
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port,
            path,
            method: 'POST',
            agent,
            headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.on('error', reject);
        req.end(payload);
      });
      latencies.push(performance.now() - t0);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: connections }, worker));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]!.toFixed(1);
  return {
    rps: Math.round(latencies.length / elapsed),
    p50: pct(0.5),
    p99: pct(0.99),
    statuses: Object.fromEntries(statuses),
  };
}

try {
  const realPath = `/v1/tenants/${tenant!.slug}/bookings`;
  await run(barePort, '/bare/bookings', 2_000); // warm-up both: JIT, prepared statements, pools
  await run(realPort, realPath, 2_000);
  // The machine is shared, so load drifts: alternate short rounds and compare within each.
  const rounds = [];
  for (let i = 0; i < 5; i++) {
    const bare =
      process.argv[4] === 'profile'
        ? await measured(barePort, '/bare/bookings', 'bench-bare', 100)
        : await measured(barePort, '/bare/bookings', 'bench-bare', (seconds * 1000) / 5);
    const real = await measured(realPort, realPath, 'bench-real', (seconds * 1000) / 5);
    rounds.push({ bare, real, ratio: +(real.rps / bare.rps).toFixed(2) });
    // The test server runs with autovacuum off; stand in for it between rounds (outside the
    // measured time) so dead tuples from the pending → queued flips do not pile up unvacuumed.
    if (vacuum) await monitor`vacuum (analyze) notifications, bookings`;
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const cpu = (r: { cpuMsPerRequest: Record<string, number> }) =>
    Object.values(r.cpuMsPerRequest).reduce((a, b) => a + b, 0);
  for (const r of rounds) console.log(JSON.stringify(r));
  console.log(
    JSON.stringify({
      connections,
      seconds,
      medianRatio: median(rounds.map((r) => r.ratio)),
      // CPU-bound, req/s go as 1 / CPU per request; this ratio ignores other tenants of the machine.
      cpuRatio: +(median(rounds.map((r) => cpu(r.bare))) / median(rounds.map((r) => cpu(r.real)))).toFixed(2),
    }),
  );
} finally {
  child.kill('SIGTERM');
  await monitor.end();
  const redis = new Redis(redisUrl);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${queuePrefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
  redis.disconnect();
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${quoteIdent(dbName)} with (force)`);
  await admin.end();
}
