// Process entry: `pnpm bench [--quick] [--only=intake,dispatch,e2e,routing,stats,slots,large-ledger] [--rows=N] [--profile] [--keep-db]`.
// `large-ledger` is opt-in (it seeds 10 million rows): only `--only=large-ledger` runs it.
// Reads the environment, owns the child processes, writes the report.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { databaseName } from '@bora/db';
import { Redis } from 'ioredis';
import { buildBundles } from './bundles.ts';
import { createChildRegistry, killStaleChildren } from './children.ts';
import { deleteAllBenchKeys, type BenchContext } from './context.ts';
import { createCpuMeter } from './cpu.ts';
import { connect, dropDatabase, recreateDatabase } from './database.ts';
import { figureLine, figuresOf } from './figures.ts';
import { describeMachine } from './machine.ts';
import { markdownReport, updateBenchmarksFile } from './report.ts';
import { largeLedgerMarkdown, runLargeLedger } from './large-ledger.ts';
import { BENCHES, runBenches, type BenchName } from './run.ts';
import { benchSettings } from './settings.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const profile = args.includes('--profile');
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const OPT_IN = ['large-ledger'] as const;
const unknown = only?.filter((name) => !([...BENCHES, ...OPT_IN] as readonly string[]).includes(name)) ?? [];
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; choose from ${[...BENCHES, ...OPT_IN].join(', ')}`);
  process.exit(2);
}
const selected: BenchName[] = only
  ? (only.filter((name) => (BENCHES as readonly string[]).includes(name)) as BenchName[])
  : [...BENCHES];
const largeLedger = only?.includes('large-ledger') ?? false;
const largeRows = Number(args.find((a) => a.startsWith('--rows='))?.slice('--rows='.length) ?? 10_000_000);

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const resultsDir = join(repoRoot, 'infra', 'bench', 'results');
const workDir = join(resultsDir, 'run');
const pidFile = join(resultsDir, '.children.pid');
const databaseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/bora_bench';
const redisUrl = process.env.BENCH_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const settings = benchSettings(quick);
const log = (message: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);

mkdirSync(resultsDir, { recursive: true });
const stale = killStaleChildren(pidFile);
if (stale > 0) log(`ended ${stale} process(es) left by an earlier run`);
rmSync(workDir, { recursive: true, force: true });
mkdirSync(join(workDir, 'profiles'), { recursive: true });

const children = createChildRegistry({
  logDir: join(workDir, 'logs'),
  pidFile,
  // `--profile`: every service writes V8 CPU profiles on its (graceful) exit, one per thread, into a
  // folder per process; the main thread's is the largest.
  nodeArgs: (name) => (profile ? ['--cpu-prof', `--cpu-prof-dir=${join(workDir, 'profiles', name)}`] : []),
});
// Whatever happens, no child outlives the harness.
process.on('exit', () => children.killAllNow());
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping children`);
    void children.stopAll().finally(() => process.exit(130));
  });
}
const deadlineMs = (quick ? 240_000 : 1_200_000) + (largeLedger ? 3_600_000 : 0);
setTimeout(() => {
  console.error(`bench: still running after ${deadlineMs / 1000} s; giving up`);
  children.killAllNow();
  process.exit(3);
}, deadlineMs).unref();

/** Redis's pid if it runs here (its /proc entry names redis-server), so its CPU can be read. */
async function localRedisPid(client: Redis): Promise<number> {
  const pid = Number(/process_id:(\d+)/.exec(await client.info('server'))?.[1] ?? 0);
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('redis-server') ? pid : 0;
  } catch {
    return 0;
  }
}

const started = performance.now();
await recreateDatabase(databaseUrl);
const sql = connect(databaseUrl);
const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
await deleteAllBenchKeys(redis);

const ctx: BenchContext = {
  repoRoot,
  settings,
  databaseUrl,
  redisUrl,
  secretKey: randomBytes(32).toString('base64url'),
  adminToken: randomBytes(24).toString('base64url'),
  inheritedEnv: process.env,
  workDir,
  children,
  sql,
  redis,
  log,
  cpuMeter: (processes) => createCpuMeter(sql, databaseName(databaseUrl), processes),
  redisPid: await localRedisPid(redis),
};
const command = `pnpm bench${args.length ? ` ${args.join(' ')}` : ''}`;
const machine = await describeMachine({ repoRoot, sql, redis, command, mode: settings.mode });
log(`${settings.mode} run: ${selected.join(', ')}; logs in ${workDir}`);

await buildBundles(log);
const outcome = await runBenches(ctx, selected);
let largeLedgerSection: string | undefined;
if (largeLedger) {
  const started = performance.now();
  try {
    const result = await runLargeLedger(ctx, largeRows);
    const header = `Run: \`${command}\` on ${machine.date}, commit \`${machine.commit}\`, ${Math.round((performance.now() - started) / 1000)} s. Machine: ${machine.nproc} CPUs (${machine.cpu}), PostgreSQL ${machine.postgres}, Redis ${machine.redis}.`;
    largeLedgerSection = largeLedgerMarkdown(result, header);
    // Only a full-size run replaces the committed figures; smaller ones go beside them (ignored by git).
    const full = largeRows >= 10_000_000;
    const base = full ? 'large-ledger' : 'last-large-ledger';
    writeFileSync(join(resultsDir, `${base}.json`), `${JSON.stringify({ machine, result }, null, 2)}\n`);
    writeFileSync(join(resultsDir, `${base}.md`), `${largeLedgerSection}\n`);
    if (full) updateBenchmarksFile(join(repoRoot, 'BENCHMARKS.md'), largeLedgerSection, 'large-ledger');
  } catch (error) {
    log(`large-ledger: FAILED: ${(error as Error).stack ?? (error as Error).message}`);
    process.exitCode = 1;
  }
}
await children.stopAll();
await deleteAllBenchKeys(redis);
redis.disconnect();
await sql.end({ timeout: 5 });
if (!args.includes('--keep-db')) await dropDatabase(databaseUrl);

machine.seconds = Math.round((performance.now() - started) / 1000);
const figures = figuresOf(outcome.results).filter((f) => selected.includes(f.bench));
const markdown = markdownReport(machine, outcome, figures);
const complete = settings.mode === 'full' && selected.length === BENCHES.length;
// Only a complete full run replaces the committed results; quick and partial runs go beside them.
const base = complete ? 'latest' : `last-${settings.mode}${only ? '-partial' : ''}`;
writeFileSync(join(resultsDir, `${base}.json`), `${JSON.stringify({ machine, figures, ...outcome }, null, 2)}\n`);
writeFileSync(join(resultsDir, `${base}.md`), `${markdown}\n`);
if (complete) updateBenchmarksFile(join(repoRoot, 'BENCHMARKS.md'), markdown);

console.log(`\n${markdown}\n`);
if (largeLedgerSection) console.log(`\n${largeLedgerSection}\n`);
if (profile)
  console.log(
    `CPU profiles: ${join(workDir, 'profiles')} (summarize with: pnpm --filter @bora/bench profile <file>)\n`,
  );
for (const f of figures) console.log(figureLine(f));
process.exit(Object.keys(outcome.errors).length > 0 || process.exitCode === 1 ? 1 : 0);
