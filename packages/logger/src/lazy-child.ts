import type { Bindings, Logger } from 'pino';

const LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace']);
const noop = () => {};

/**
 * `logger.child(bindings)`, made only when a line is actually written at an enabled level. A pino
 * child serializes its bindings (and sets up redaction) when created; on a hot path that logs
 * nothing at the configured level — every message the dispatcher sends — that was pure cost.
 */
export function lazyChild(parent: Logger, bindings: Bindings): Logger {
  let real: Logger | undefined;
  const materialize = () => (real ??= parent.child(bindings));
  return new Proxy({} as Logger, {
    get(_target, prop) {
      if (typeof prop === 'string' && LEVELS.has(prop) && !parent.isLevelEnabled(prop)) return noop;
      if (prop === 'child') return (more: Bindings) => lazyChild(parent, { ...bindings, ...more });
      const value = materialize()[prop as keyof Logger];
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(real) : value;
    },
  });
}
