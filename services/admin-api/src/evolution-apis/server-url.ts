import { assertAllowedEvolutionHost, isBlockedHostError, validationFailed, type HostLookup } from '@bora/core';
import { isEvolutionError, normalizeBaseUrl } from '@bora/evolution-client';

function urlProblem(message: string) {
  return validationFailed([{ field: 'url', message }]);
}

/** `http://user:***@host` — a password stored before credentials were refused is never shown. */
export function hideCredentials(url: string): string {
  return url.replace(
    /^([a-z][a-z\d+.-]*:\/\/)([^/@]*)@/i,
    (_all, scheme: string, auth: string) => `${scheme}${auth.split(':')[0]}:***@`,
  );
}

/**
 * A server URL may only point where a server can be: the address rules of @bora/core (no cloud
 * metadata, no link-local; private networks allowed). Checked when a URL is saved and again by
 * `/check` on the stored one; the other calls rely on what was saved (and, once it lands, on the
 * Evolution client's connect-time guard, which also covers DNS answers that change later).
 * 400 VALIDATION_FAILED on `url`.
 */
export async function assertServerUrlAllowed(url: string, lookup?: HostLookup): Promise<void> {
  try {
    await assertAllowedEvolutionHost(url, lookup);
  } catch (error) {
    if (isBlockedHostError(error)) throw urlProblem(error.message);
    throw error;
  }
}

/**
 * What an operator typed → the base URL we store: normalized (a pasted sendText URL is reduced to
 * its base), without credentials (they would be stored and listed in clear; the key has its own,
 * encrypted field) and allowed by the address rules.
 */
export async function serverUrlFrom(input: string, lookup?: HostLookup): Promise<string> {
  let base: string;
  try {
    base = normalizeBaseUrl(input);
  } catch (error) {
    throw urlProblem(isEvolutionError(error) ? error.userMessage : 'URL inválida');
  }
  const parsed = new URL(base);
  if (parsed.username !== '' || parsed.password !== '') {
    throw urlProblem('não coloque usuário ou senha na URL; a chave do servidor vai no campo apiKey');
  }
  await assertServerUrlAllowed(base, lookup);
  return base;
}
