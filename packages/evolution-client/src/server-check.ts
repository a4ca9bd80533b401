import { EvolutionError } from './errors.ts';
import { badShape, parseInstances } from './parse.ts';
import type { ServerCheck } from './types.ts';

function v1(reason: string): EvolutionError {
  return new EvolutionError('UNSUPPORTED_VERSION', {
    message: `This is an Evolution API v1 server (${reason}); v2 is required`,
    userMessage: 'Este servidor parece ser Evolution v1; o sistema requer v2',
  });
}

/** Reads the welcome document and the instance listing of `checkServer`. */
export function parseServerCheck(welcome: unknown, rows: unknown): ServerCheck {
  const info = typeof welcome === 'object' && welcome !== null ? (welcome as Record<string, unknown>) : undefined;
  if (!info || typeof info.message !== 'string' || !/evolution/i.test(info.message)) {
    throw badShape('checkServer', 'the welcome document does not look like Evolution API');
  }
  const version = typeof info.version === 'string' && info.version !== '' ? info.version : null;
  if (version?.startsWith('1.')) throw v1(`version ${version}`);
  if (!Array.isArray(rows)) throw badShape('checkServer', 'fetchInstances is not an array');
  // v1 wraps every row in `{instance:{instanceName,…}}`; v2 rows are flat with `name`.
  if (rows.some((row) => typeof row === 'object' && row !== null && 'instance' in row && !('name' in row))) {
    throw v1('fetchInstances rows are v1-shaped');
  }
  return { version, instanceCount: parseInstances(rows).length };
}
