import { EvolutionError } from './errors.ts';

/**
 * First path segments of Evolution routes (and of its manager UI). Operators paste whatever URL
 * they have at hand — the seed even stores the full sendText URL — so the base URL is whatever
 * comes before the first of these; a reverse-proxy prefix (`/evolution`) survives.
 */
const ROUTE_ROOTS = new Set(['message', 'instance', 'chat', 'webhook', 'group', 'settings', 'manager', 'docs']);

function invalid(url: string, why: string): EvolutionError {
  return new EvolutionError('INVALID_BASE_URL', {
    message: `Invalid Evolution server URL (${why})`,
    userMessage: `URL do servidor Evolution inválida: ${url}`,
  });
}

/**
 * `https://evo1.x.com/message/sendText/inst?x=1` → `https://evo1.x.com`. Adds `https://` when
 * the scheme is missing, drops query, fragment and trailing slashes. Throws INVALID_BASE_URL.
 */
export function normalizeBaseUrl(input: string): string {
  const trimmed = input.trim();
  if (trimmed === '') throw invalid(input, 'empty');
  const withScheme = /^[a-z][a-z\d+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw invalid(trimmed, 'not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw invalid(trimmed, `unsupported scheme ${url.protocol}`);
  if (url.hostname === '') throw invalid(trimmed, 'no host');
  const segments = url.pathname.split('/').filter((segment) => segment !== '');
  const routeStart = segments.findIndex((segment) => ROUTE_ROOTS.has(segment.toLowerCase()));
  const prefix = routeStart === -1 ? segments : segments.slice(0, routeStart);
  const auth = url.username ? `${url.username}${url.password ? `:${url.password}` : ''}@` : '';
  const path = prefix.length > 0 ? `/${prefix.join('/')}` : '';
  return `${url.protocol}//${auth}${url.host}${path}`;
}
