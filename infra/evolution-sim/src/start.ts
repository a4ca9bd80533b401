import { buildSimulator } from './app.ts';
import type { RunningSimulator, SimulatorOptions } from './types.ts';

/** Builds and listens (port 0 = random); the URL it returns is what clients and webhooks use. */
export async function startSimulator(
  options: SimulatorOptions & { port?: number; host?: string },
): Promise<RunningSimulator> {
  const { app, control } = await buildSimulator(options);
  const host = options.host ?? '127.0.0.1';
  await app.listen({ port: options.port ?? 0, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const publicHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${publicHost}:${port}`;
  app.simStore.publicUrl = url;
  return {
    url,
    serverUrl: (name) => `${url}/${name}`,
    control,
    close: () => app.close(),
  };
}
