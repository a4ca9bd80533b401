import type { AnyFastify } from './types.ts';
import { Type } from 'typebox';

export type ReadinessCheck = () => Promise<unknown>;

const CheckResult = Type.Object({ ok: Type.Boolean(), error: Type.Optional(Type.String()) });
const Readiness = Type.Object({ status: Type.String(), checks: Type.Record(Type.String(), CheckResult) });

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * `/healthz`: the process answers. `/readyz`: every dependency really answers (a query, a PING)
 * within a short deadline — 503 naming the failing one otherwise, so a load balancer stops
 * sending traffic and an operator sees why.
 */
export function registerHealthRoutes(
  app: AnyFastify,
  checks: Record<string, ReadinessCheck>,
  options: { timeoutMs?: number } = {},
): void {
  const timeoutMs = options.timeoutMs ?? 2_000;
  app.get('/healthz', { schema: { hide: true, response: { 200: Type.Object({ status: Type.String() }) } } }, async () => ({
    status: 'ok',
  }));
  app.get('/readyz', { schema: { hide: true, response: { 200: Readiness, 503: Readiness } } }, async (_request, reply) => {
    const entries = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          await withTimeout(check(), timeoutMs);
          return [name, { ok: true }] as const;
        } catch (error) {
          return [name, { ok: false, error: (error as Error).message || 'unavailable' }] as const;
        }
      }),
    );
    const results = Object.fromEntries(entries);
    const ready = entries.every(([, result]) => result.ok);
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', checks: results });
  });
}
