import { bundle, ENTRIES } from '@bora/build';

/** The bundles the benchmark runs: the services and simulator as production builds them, and the baselines likewise. */
const WANTED = ['services/booking-api', 'services/admin-api', 'services/dispatcher', 'infra/evolution-sim'];
const BASELINES = [
  { dir: 'infra/bench', entry: 'src/baseline/bare-server.ts', name: 'bare-server' },
  { dir: 'infra/bench', entry: 'src/baseline/bare-worker.ts', name: 'bare-worker' },
];

/** Builds them fresh (a stale bundle would measure old code); both sides run without the TypeScript loader. */
export async function buildBundles(log: (message: string) => void): Promise<void> {
  const started = Date.now();
  for (const entry of [...ENTRIES.filter((e) => WANTED.includes(e.dir)), ...BASELINES]) await bundle(entry);
  log(`bundled the services, the simulator and the baselines in ${Date.now() - started} ms`);
}
