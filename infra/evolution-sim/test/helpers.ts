// Plain-HTTP helpers: the tests look at the simulator from outside, the way a client does.
import { FAST_TIMING, startSimulator, type SimulatorOptions } from '../src/index.ts';

export const KEY = 'global-key';

/** Two instances on `evo1`; the real server's waits are zeroed unless a test passes its own `timing`. */
export async function startSim(options: SimulatorOptions = {}) {
  return startSimulator({
    port: 0,
    timing: FAST_TIMING,
    servers: [
      {
        name: 'evo1',
        apiKey: KEY,
        instances: [{ name: 'acme-01', token: 'acme-token', ownerNumber: '5511911112222' }, { name: 'acme-02' }],
      },
    ],
    ...options,
  });
}

export interface CallResult<T = unknown> {
  status: number;
  body: T;
  ms: number;
}

/** The parts of a sendText success the tests read. */
export interface SendSuccess {
  key: { remoteJid: string; fromMe: boolean; id: string };
  messageTimestamp: number;
  instanceId: string;
}

/** One Evolution call: JSON body, `apikey` header (name in any case), timing for delay checks. */
export async function call<T = unknown>(
  base: string,
  method: string,
  path: string,
  options: { body?: unknown; key?: string | null; headerName?: string } = {},
): Promise<CallResult<T>> {
  const headers: Record<string, string> = {};
  if (options.key !== null) headers[options.headerName ?? 'apikey'] = options.key ?? KEY;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const started = Date.now();
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, ms: Date.now() - started };
}

export const sendText = (base: string, instance: string, body: unknown, key?: string | null) =>
  call<SendSuccess>(base, 'POST', `/message/sendText/${instance}`, { body, key });

/** Polls a synchronous condition every 10 ms (webhook arrivals), failing after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms: ${condition.toString()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
