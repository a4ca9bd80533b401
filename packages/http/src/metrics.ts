import type { AnyFastify } from './types.ts';
import { collectDefaultMetrics, Registry } from 'prom-client';

/** A per-app Prometheus registry (not the global one, so several apps can live in one test). */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

export function registerMetricsRoute(app: AnyFastify, registry: Registry): void {
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
}
