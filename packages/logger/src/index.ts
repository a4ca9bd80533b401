import { pino, stdSerializers, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/**
 * Paths pino blanks before a line is written. Evolution API keys, admin tokens and customer
 * phone numbers must never reach a log sink; the wildcards catch them one level deep inside any
 * logged object (`err.options.headers.apikey`, `job.data.to`, …).
 */
export const REDACT_PATHS = [
  'apikey',
  'apiKey',
  'authorization',
  'token',
  'adminToken',
  'secret',
  'secretKey',
  'password',
  'cookie',
  'phone',
  'phoneNumber',
  'customerPhone',
  'recipient',
  'to',
  'number',
  '*.apikey',
  '*.apiKey',
  '*.authorization',
  '*.token',
  '*.secret',
  '*.password',
  '*.cookie',
  '*.phone',
  '*.phoneNumber',
  '*.customerPhone',
  '*.recipient',
  '*.to',
  '*.number',
  'req.headers.apikey',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.headers.apikey',
  '*.headers.authorization',
  '*.headers.cookie',
];

export interface LoggerSettings {
  name: string;
  level?: string;
  /** Human-readable output for a developer's terminal; JSON otherwise. */
  pretty?: boolean;
  destination?: DestinationStream;
}

export function createLogger(settings: LoggerSettings): Logger {
  const options: LoggerOptions = {
    name: settings.name,
    level: settings.level ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { err: stdSerializers.err, error: stdSerializers.err },
  };
  if (settings.destination) return pino(options, settings.destination);
  if (settings.pretty) {
    return pino({
      ...options,
      transport: {
        target: 'pino-pretty',
        options: { colorize: true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss.l' },
      },
    });
  }
  return pino(options);
}
export { lazyChild } from './lazy-child.ts';

/**
 * A service process's logger: its name, the configured level, and human-readable lines when a
 * developer watches a terminal (development on a TTY); JSON everywhere else.
 */
export function createServiceLogger(name: string, config: { logLevel: string; env: string }): Logger {
  return createLogger({ name, level: config.logLevel, pretty: config.env === 'development' && process.stdout.isTTY });
}
