import { readFileSync } from 'node:fs';
import type { SimulatorOptions } from './types.ts';

/** What `pnpm --filter ./infra/evolution-sim start` runs with no configuration. */
export const DEFAULT_SERVERS: NonNullable<SimulatorOptions['servers']> = [
  { name: 'evo1', apiKey: 'sim-key', instances: [{ name: 'demo-01', state: 'open', ownerNumber: '5511900000001' }] },
];

/**
 * Reads SIM_PORT (default 3010), SIM_HOST (default 0.0.0.0), SIM_CONFIG (a JSON file holding
 * SimulatorOptions) and SIM_SERVERS (a JSON array of servers — names, keys, instances — which
 * replaces the file's `servers`, for setups that have only an environment). Every problem is
 * reported at once.
 */
export function loadSimulatorOptions(
  env: Record<string, string | undefined>,
): SimulatorOptions & { port: number; host: string } {
  const problems: string[] = [];
  const port = Number(env.SIM_PORT ?? 3010);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    problems.push(`SIM_PORT must be a port number, got "${env.SIM_PORT}"`);
  let options: SimulatorOptions = {};
  if (env.SIM_CONFIG) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(env.SIM_CONFIG, 'utf8'));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a JSON object');
      options = parsed as SimulatorOptions;
    } catch (err) {
      problems.push(
        `SIM_CONFIG "${env.SIM_CONFIG}" is not a readable SimulatorOptions JSON file: ${(err as Error).message}`,
      );
    }
  }
  if (env.SIM_SERVERS) {
    try {
      const servers: unknown = JSON.parse(env.SIM_SERVERS);
      if (
        !Array.isArray(servers) ||
        !servers.every(
          (x) => typeof x === 'object' && x !== null && typeof x.name === 'string' && typeof x.apiKey === 'string',
        )
      ) {
        throw new Error('expected an array of {name, apiKey, instances?}');
      }
      options = { ...options, servers: servers as NonNullable<SimulatorOptions['servers']> };
    } catch (err) {
      problems.push(`SIM_SERVERS is not a JSON array of servers: ${(err as Error).message}`);
    }
  }
  if (problems.length > 0) throw new Error(`Invalid simulator configuration:\n  - ${problems.join('\n  - ')}`);
  return {
    ...options,
    servers: options.servers ?? DEFAULT_SERVERS,
    port,
    host: env.SIM_HOST || '0.0.0.0',
  };
}
