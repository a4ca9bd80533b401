export { ErrorBody, describeValidation, frameworkErrors, registerErrorHandling } from './errors.ts';
export { registerHealthRoutes, type ReadinessCheck } from './health.ts';
export { createMetricsRegistry, registerMetricsRoute } from './metrics.ts';
export { registerDocs } from './docs.ts';
export { serve, type ServeOptions } from './server.ts';

export type { AnyFastify } from './types.ts';
