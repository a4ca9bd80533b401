export { ErrorBody, frameworkErrors, registerErrorHandling } from './errors.ts';
export { describeValidation } from './validation.ts';
export { registerHealthRoutes, type ReadinessCheck } from './health.ts';
export { createMetricsRegistry, registerMetricsRoute } from './metrics.ts';
export { registerDocs } from './docs.ts';
export { serve, type ServeOptions } from './server.ts';

export type { AnyFastify } from './types.ts';
