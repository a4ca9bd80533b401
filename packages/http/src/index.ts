export { ErrorBody, frameworkErrors, registerErrorHandling } from './errors.ts';
export { describeValidation } from './validation.ts';
export { registerHealthRoutes, type ReadinessCheck } from './health.ts';
export { createMetricsRegistry, registerMetricsRoute } from './metrics.ts';
export { registerDocs } from './docs.ts';
export { boundServer, serve, SERVER_TIMEOUTS, type ServeOptions } from './server.ts';

export type { AnyFastify } from './types.ts';
export { escapeHtml, html, raw, SafeHtml } from './html.ts';
export { assetRoutes, type AssetOptions } from './assets.ts';
