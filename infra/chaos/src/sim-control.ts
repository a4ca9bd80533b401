/** The simulator's `/__sim` control API, as the chaos scenarios use it. */
async function control(simUrl: string, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${simUrl}/__sim${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(5_000),
  });
  if (!res.ok) throw new Error(`simulator ${path} answered ${res.status}: ${await res.text()}`);
}

export interface ServerFaults {
  errorRate?: number;
  errorStatus?: number;
  latencyMs?: number;
  hang?: boolean;
  reset?: boolean;
}

export const setServerFaults = (simUrl: string, server: string, faults: ServerFaults) =>
  control(simUrl, `/servers/${server}/faults`, faults);

export const setInstanceFaults = (simUrl: string, server: string, instance: string, faults: Record<string, unknown>) =>
  control(simUrl, `/servers/${server}/instances/${instance}/faults`, faults);

/** The QR scan / the phone going offline: the instance's state on the server (posts connection.update). */
export const setInstanceState = (
  simUrl: string,
  server: string,
  instance: string,
  state: 'open' | 'connecting' | 'close',
) => control(simUrl, `/servers/${server}/instances/${instance}/state`, { state });

/** Puts numbers in a server database's shared IsOnWhatsapp cache (another instance sent to them before). */
export const cacheNumbers = (simUrl: string, database: string, numbers: string[]) =>
  control(simUrl, `/databases/${database}/is-on-whatsapp`, { numbers });

export const setWebhookOptions = (simUrl: string, options: Record<string, unknown>) =>
  control(simUrl, '/webhook-options', options);

export interface Sample {
  labels: Record<string, string>;
  value: number;
}

/** Reads one metric family from a Prometheus text page. */
export async function scrapeMetric(metricsUrl: string, name: string): Promise<Sample[]> {
  const text = await (await fetch(metricsUrl, { signal: AbortSignal.timeout(5_000) })).text();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = line.match(new RegExp(`^${name}(?:\\{([^}]*)\\})? ([0-9.e+-]+)$`));
    if (!match) continue;
    const labels = Object.fromEntries([...(match[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    samples.push({ labels, value: Number(match[2]) });
  }
  return samples;
}

/** Sum of the samples whose labels include all of `where`. */
export function sumWhere(samples: Sample[], where: Record<string, string>): number {
  return samples
    .filter((s) => Object.entries(where).every(([k, v]) => s.labels[k] === v))
    .reduce((n, s) => n + s.value, 0);
}
