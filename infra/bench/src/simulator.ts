import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SimMessage, SimulatorOptions } from '@bora/evolution-sim';
import type { BenchContext } from './context.ts';
import type { Child } from './children.ts';
import { freePort, waitReady } from './net.ts';

export interface SimFleet {
  servers: { name: string; apiKey: string; instances: string[] }[];
}

export interface RunningSim {
  child: Child;
  url: string;
  serverUrl(name: string): string;
  messages(): Promise<SimMessage[]>;
  clearMessages(): Promise<void>;
}

/** `servers` × `instancesPerServer` open instances, named like the rows `seedFleet` writes. */
export function simFleet(servers: number, instancesPerServer: number): SimFleet {
  return {
    servers: Array.from({ length: servers }, (_, s) => {
      const name = `evo${String(s + 1).padStart(4, '0')}`;
      return {
        name,
        apiKey: `key-${name}`,
        instances: Array.from({ length: instancesPerServer }, (_, i) => `${name}-wa${String(i).padStart(2, '0')}`),
      };
    }),
  };
}

/**
 * The simulator as its own process (its bundle, `infra/evolution-sim/dist/server.mjs`), configured by a
 * SIM_CONFIG file like any deployment: zero latency, no faults, no webhooks. Its own process so
 * its CPU is not the load generator's.
 */
export async function startSim(ctx: BenchContext, name: string, fleet: SimFleet): Promise<RunningSim> {
  const options: SimulatorOptions = {
    servers: fleet.servers.map((s) => ({
      name: s.name,
      apiKey: s.apiKey,
      instances: s.instances.map((i) => ({ name: i, state: 'open' })),
    })),
  };
  const configFile = join(ctx.workDir, `${name}.json`);
  writeFileSync(configFile, JSON.stringify(options));
  const port = await freePort();
  const child = ctx.children.start(name, 'infra/evolution-sim/dist/server.mjs', {
    ...ctx.inheritedEnv,
    SIM_PORT: String(port),
    SIM_HOST: '127.0.0.1',
    SIM_CONFIG: configFile,
    LOG_LEVEL: 'warn',
  });
  const url = `http://127.0.0.1:${port}`;
  await waitReady(child, `${url}/__sim/webhooks`);
  return {
    child,
    url,
    serverUrl: (server) => `${url}/${server}`,
    async messages() {
      const response = await fetch(`${url}/__sim/messages`);
      if (!response.ok) throw new Error(`simulator messages: HTTP ${response.status}`);
      return (await response.json()) as SimMessage[];
    },
    async clearMessages() {
      const response = await fetch(`${url}/__sim/messages`, { method: 'DELETE' });
      await response.arrayBuffer();
    },
  };
}
