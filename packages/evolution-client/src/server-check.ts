import { EvolutionError } from './errors.ts';
import { badShape, parseInstances } from './parse.ts';
import type { ServerCheck } from './types.ts';

function v1(reason: string): EvolutionError {
  return new EvolutionError('UNSUPPORTED_VERSION', {
    message: `This is an Evolution API v1 server (${reason}); v2 is required`,
    userMessage: 'Este servidor parece ser Evolution v1; o sistema requer v2',
  });
}

/**
 * Reads what `checkServer` gathered: the instance listing, and the welcome document when it came.
 * `verified`: `/verify-creds` accepted the key (2.3.x); without it, the welcome document is what
 * says this is an Evolution API at all.
 */
export function parseServerCheck(welcome: unknown, rows: unknown, verified = false): ServerCheck {
  const info = typeof welcome === 'object' && welcome !== null ? (welcome as Record<string, unknown>) : undefined;
  const looksLikeEvolution = typeof info?.message === 'string' && /evolution/i.test(info.message);
  if (!verified && !looksLikeEvolution)
    throw badShape('checkServer', 'the welcome document does not look like Evolution API');
  const version = looksLikeEvolution && typeof info?.version === 'string' && info.version !== '' ? info.version : null;
  if (version?.startsWith('1.')) throw v1(`version ${version}`);
  if (!Array.isArray(rows)) throw badShape('checkServer', 'fetchInstances is not an array');
  // v1 wraps every row in `{instance:{instanceName,…}}`; v2 rows are flat with `name`.
  if (rows.some((row) => typeof row === 'object' && row !== null && 'instance' in row && !('name' in row))) {
    throw v1('fetchInstances rows are v1-shaped');
  }
  return { version, instanceCount: parseInstances(rows).length };
}
