/**
 * Slugs a tenant may not take. booking-api serves each tenant's mini-site at `GET /:slug`, and a
 * fixed route of the same name wins over the parameter, so such a tenant's page would never be
 * reached. The list is booking-api's fixed top-level paths (health, readiness, metrics, docs from
 * @bora/http; `/assets/*` and `/v1/*` from booking-api), the admin-api's (`/admin`, `/webhooks`),
 * in case both are ever served under one host, and a few names kept for routes to come.
 */
export const RESERVED_SLUGS: ReadonlySet<string> = new Set([
  // booking-api and @bora/http today
  'healthz',
  'readyz',
  'metrics',
  'docs',
  'openapi',
  'assets',
  'v1',
  // admin-api today
  'admin',
  'webhooks',
  // kept free for what is likely to come
  'v2',
  'api',
  'static',
  'public',
  'login',
  'logout',
  'health',
  'status',
]);

export const RESERVED_SLUG_MESSAGE = 'este endereço é reservado para rotas do sistema; escolha outro';

export function isReservedSlug(slug: string): boolean {
  return RESERVED_SLUGS.has(slug);
}
