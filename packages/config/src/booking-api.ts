import { port } from 'envalid';
import { commonFrom, commonSpecs, type CommonConfig } from './common.ts';
import { parseEnv, positiveInt } from './load.ts';

const specs = {
  ...commonSpecs,
  BOOKING_API_PORT: port({ default: 3000 }),
  RATE_LIMIT_PER_MINUTE: positiveInt({ default: 120 }),
  ENQUEUE_TIMEOUT_MS: positiveInt({ default: 500 }),
  IDEMPOTENCY_TTL_HOURS: positiveInt({ default: 24 }),
};

export interface BookingApiConfig extends CommonConfig {
  port: number;
  rateLimitPerMinute: number;
  enqueueTimeoutMs: number;
  idempotencyTtlHours: number;
}

export function loadBookingApiConfig(env: Record<string, string | undefined>): BookingApiConfig {
  const e = parseEnv(env, specs);
  return {
    ...commonFrom(e),
    port: e.BOOKING_API_PORT,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    enqueueTimeoutMs: e.ENQUEUE_TIMEOUT_MS,
    idempotencyTtlHours: e.IDEMPOTENCY_TTL_HOURS,
  };
}
