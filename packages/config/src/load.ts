import { cleanEnv, makeValidator, type CleanedEnv, type ReporterOptions } from 'envalid';

/** Thrown when the environment is not usable; lists every bad variable at once. */
export class ConfigError extends Error {
  readonly problems: Record<string, string>;
  constructor(problems: Record<string, string>) {
    const lines = Object.entries(problems).map(([name, why]) => `  ${name}: ${why}`);
    super(`Invalid configuration (${lines.length} problem${lines.length === 1 ? '' : 's'}):\n${lines.join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export const DEV_ADMIN_TOKEN = 'dev-admin-token-change-me';
export const DEV_SECRET_KEY = 'dev-secret-key-change-me-0123456789';

export const positiveInt = makeValidator<number>((raw) => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`must be a positive integer, got "${raw}"`);
  return n;
});

export const nonNegativeInt = makeValidator<number>((raw) => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`must be a whole number ≥ 0, got "${raw}"`);
  return n;
});

export const postgresUrl = makeValidator<string>((raw) => {
  if (!/^postgres(ql)?:\/\//.test(raw)) throw new Error(`must be a postgres:// URL, got "${redactUrl(raw)}"`);
  new URL(raw);
  return raw;
});

export const redisUrl = makeValidator<string>((raw) => {
  if (!/^rediss?:\/\//.test(raw)) throw new Error(`must be a redis:// URL, got "${redactUrl(raw)}"`);
  new URL(raw);
  return raw;
});

function redactUrl(raw: string): string {
  return raw.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

/**
 * Runs envalid over `env` and collects every failure into one ConfigError instead of envalid's
 * default of printing and exiting. `extraChecks` add cross-field problems (such as default
 * secrets in production) to the same list; they always run, so a bad port does not hide a
 * default secret, and they see only the fields that passed (a failed field was already
 * reported, and envalid's cleaned object throws when one is read).
 */
export function parseEnv<S extends object>(
  env: Record<string, string | undefined>,
  specs: S,
  extraChecks: (valid: Partial<CleanedEnv<S>>) => Record<string, string> = () => ({}),
): CleanedEnv<S> {
  const problems: Record<string, string> = {};
  // envalid applies dev defaults only when NODE_ENV is set; unset means a developer's machine.
  const withNodeEnv = { ...env, NODE_ENV: env.NODE_ENV || 'development' };
  const cleaned = cleanEnv(withNodeEnv, specs, {
    reporter: ({ errors }: ReporterOptions<S>) => {
      for (const [name, error] of Object.entries(errors)) {
        const message = (error as Error).message;
        problems[name] = message === 'undefined' || message === '' ? 'is required' : message;
      }
    },
  });
  const valid = Object.fromEntries(
    Object.keys(specs)
      .filter((name) => !(name in problems))
      .map((name) => [name, (cleaned as Record<string, unknown>)[name]]),
  ) as Partial<CleanedEnv<S>>;
  for (const [name, why] of Object.entries(extraChecks(valid))) problems[name] ??= why;
  if (Object.keys(problems).length > 0) throw new ConfigError(problems);
  return cleaned;
}
