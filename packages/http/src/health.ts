import type { AnyFastify } from './types.ts';
import { Type } from 'typebox';

export type ReadinessCheck = () => Promise<unknown>;

const CheckResult = Type.Object({
  ok: Type.Boolean(),
  error: Type.Optional(Type.Union([Type.Literal('timeout'), Type.Literal('unavailable')])),
});
const Readiness = Type.Object({ status: Type.String(), checks: Type.Record(Type.String(), CheckResult) });

class CheckTimeout extends Error {
  constructor(ms: number) {
    super(`timed out after ${ms} ms`);
    this.name = 'CheckTimeout';
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CheckTimeout(ms)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * `/healthz`: the process answers. `/readyz`: every dependency really answers (a query, a PING,
 * a bounded write probe) within a short deadline — 503 naming the failing check otherwise, so a
 * load balancer stops sending traffic and an operator sees which one. The probes are public, so
 * they say only `timeout` or `unavailable`: a dependency's error text (hosts, ports, users,
 * versions) goes to the log, not to whoever asks.
 */
export function registerHealthRoutes(
  app: AnyFastify,
  checks: Record<string, ReadinessCheck>,
  options: { timeoutMs?: number } = {},
): void {
  const timeoutMs = options.timeoutMs ?? 2_000;
  app.get(
    '/healthz',
    { schema: { hide: true, response: { 200: Type.Object({ status: Type.String() }) } } },
    async () => ({
      status: 'ok',
    }),
  );
  app.get(
    '/readyz',
    { schema: { hide: true, response: { 200: Readiness, 503: Readiness } } },
    async (request, reply) => {
      const entries = await Promise.all(
        Object.entries(checks).map(async ([name, check]) => {
          try {
            await withTimeout(check(), timeoutMs);
            return [name, { ok: true }] as const;
          } catch (error) {
            request.log.warn({ check: name, err: error }, 'readiness check failed');
            return [name, { ok: false, error: error instanceof CheckTimeout ? 'timeout' : 'unavailable' }] as const;
          }
        }),
      );
      const results = Object.fromEntries(entries);
      const ready = entries.every(([, result]) => result.ok);
      return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', checks: results });
    },
  );
}
