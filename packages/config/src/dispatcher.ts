import { port, str, url } from 'envalid';
import { commonFrom, commonSpecs, secretChecks } from './common.ts';
import { DEV_SECRET_KEY, nonNegativeInt, parseEnv, positiveInt } from './load.ts';
import { redisChecks } from './redis.ts';
import { numberSafetyChecks, numberSafetyFrom, numberSafetySpecs } from './number-safety.ts';

const specs = {
  ...commonSpecs,
  DISPATCHER_PORT: port({ default: 3003 }),
  SECRET_KEY: str({ devDefault: DEV_SECRET_KEY }),
  // Where customers open the links in their messages (the booking-api's mini-site).
  BOOKING_PUBLIC_URL: url({ default: 'http://127.0.0.1:3000' }),
  DISPATCH_CONCURRENCY: positiveInt({ default: 50 }),
  // WhatsApp bans numbers that burst: consecutive sends of one number are apart by a gap drawn
  // from a bell curve over [min, min + jitter] (default 1.5–5 s). Both 0: no pacing.
  PACING_MIN_INTERVAL_MS: nonNegativeInt({ default: 1_500 }),
  PACING_JITTER_MS: nonNegativeInt({ default: 3_500 }),
  ...numberSafetySpecs,
  // Real sends only: waiting for a pacing slot or a sender costs none.
  MAX_ATTEMPTS: positiveInt({ default: 6 }),
  // While no sender can even try, the message looks again at most this far apart (until its
  // appointment starts, or MESSAGE_HORIZON_MS for manual and cancellation messages).
  SENDER_WAIT_MAX_MS: positiveInt({ default: 30_000 }),
  MESSAGE_HORIZON_MS: positiveInt({ default: 24 * 3_600_000 }),
  // A send whose outcome is unknown is settled within this window (found, proven absent after
  // half of it, or sent again as a possible duplicate at its end).
  UNCONFIRMED_WINDOW_MS: positiveInt({ default: 5 * 60_000 }),
  MAX_REVIVALS: nonNegativeInt({ default: 3 }),
  BACKOFF_BASE_MS: positiveInt({ default: 5_000 }),
  BACKOFF_MAX_MS: positiveInt({ default: 15 * 60_000 }),
  SEND_TIMEOUT_MS: positiveInt({ default: 15_000 }),
  // One hung server must not take every worker slot: past this many sends in flight to it (from
  // one dispatcher), its messages wait a moment. Above a server's 20 numbers × one paced send each.
  SERVER_MAX_IN_FLIGHT: positiveInt({ default: 32 }),
  CIRCUIT_FAILURE_THRESHOLD: positiveInt({ default: 5 }),
  CIRCUIT_OPEN_MS: positiveInt({ default: 30_000 }),
  SWEEP_INTERVAL_MS: positiveInt({ default: 5_000 }),
  SENDING_LEASE_MS: positiveInt({ default: 60_000 }),
  FLEET_TTL_MS: positiveInt({ default: 10_000 }),
  SHUTDOWN_DEADLINE_MS: positiveInt({ default: 20_000 }),
  // Which notification shards this replica consumes: `all`, or indexes like `0,2,5`.
  QUEUE_SHARDS_CONSUMED: str({ default: 'all' }),
  // Postgres upkeep (one leader at a time): monthly partitions created ahead, and retention.
  MAINTENANCE_INTERVAL_MS: positiveInt({ default: 10 * 60_000 }),
  PARTITION_MONTHS_AHEAD: positiveInt({ default: 3 }),
  // Days after the appointment (a manual message: after it was created) each kind of data is kept;
  // 0 = forever. Defaults and their reasons (LGPD's necessity principle): docs/retention.md.
  RETENTION_ATTEMPT_DAYS: nonNegativeInt({ default: 180 }),
  RETENTION_MESSAGE_TEXT_DAYS: nonNegativeInt({ default: 30 }),
  RETENTION_CUSTOMER_DATA_DAYS: nonNegativeInt({ default: 365 }),
  RETENTION_BATCH_SIZE: positiveInt({ default: 500 }),
};

/** `all` → every shard; `0,2` → those. Problems name the variable. */
export function consumedShards(raw: string, shards: number): number[] {
  if (raw.trim() === 'all') return Array.from({ length: shards }, (_, i) => i);
  const list = raw
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const out = [...new Set(list.map(Number))].sort((a, b) => a - b);
  if (list.length === 0 || out.some((n) => !Number.isInteger(n) || n < 0 || n >= shards)) {
    throw new Error(`must be "all" or shard indexes from 0 to ${shards - 1} (QUEUE_SHARDS=${shards}), got "${raw}"`);
  }
  return out;
}

function shardChecks(c: { QUEUE_SHARDS_CONSUMED?: string; QUEUE_SHARDS?: number }): Record<string, string> {
  if (c.QUEUE_SHARDS_CONSUMED === undefined || c.QUEUE_SHARDS === undefined) return {};
  try {
    consumedShards(c.QUEUE_SHARDS_CONSUMED, c.QUEUE_SHARDS);
    return {};
  } catch (error) {
    return { QUEUE_SHARDS_CONSUMED: (error as Error).message };
  }
}

export type DispatcherConfig = ReturnType<typeof loadDispatcherConfig>;

export function loadDispatcherConfig(env: Record<string, string | undefined>) {
  // Only the fields this service has: envalid's cleaned object throws on any other key.
  const e = parseEnv(env, specs, (c) => ({
    ...redisChecks(c),
    ...shardChecks(c),
    ...secretChecks(c.NODE_ENV, { SECRET_KEY: c.SECRET_KEY }),
    ...numberSafetyChecks(c.NODE_ENV, c),
  }));
  return {
    ...commonFrom(e),
    port: e.DISPATCHER_PORT,
    secretKey: e.SECRET_KEY,
    bookingPublicUrl: e.BOOKING_PUBLIC_URL.replace(/\/+$/, ''),
    concurrency: e.DISPATCH_CONCURRENCY,
    pacing: { minIntervalMs: e.PACING_MIN_INTERVAL_MS, jitterMs: e.PACING_JITTER_MS },
    safety: numberSafetyFrom(e),
    retry: { maxAttempts: e.MAX_ATTEMPTS, backoffBaseMs: e.BACKOFF_BASE_MS, backoffMaxMs: e.BACKOFF_MAX_MS },
    senderWaitMaxMs: e.SENDER_WAIT_MAX_MS,
    messageHorizonMs: e.MESSAGE_HORIZON_MS,
    unconfirmedWindowMs: e.UNCONFIRMED_WINDOW_MS,
    maxRevivals: e.MAX_REVIVALS,
    sendTimeoutMs: e.SEND_TIMEOUT_MS,
    circuit: { failureThreshold: e.CIRCUIT_FAILURE_THRESHOLD, openMs: e.CIRCUIT_OPEN_MS },
    serverMaxInFlight: e.SERVER_MAX_IN_FLIGHT,
    sweepIntervalMs: e.SWEEP_INTERVAL_MS,
    sendingLeaseMs: e.SENDING_LEASE_MS,
    fleetTtlMs: e.FLEET_TTL_MS,
    shutdownDeadlineMs: e.SHUTDOWN_DEADLINE_MS,
    /** Shard indexes this replica's workers consume. */
    shardsConsumed: consumedShards(e.QUEUE_SHARDS_CONSUMED, e.QUEUE_SHARDS),
    maintenance: {
      intervalMs: e.MAINTENANCE_INTERVAL_MS,
      partitionMonthsAhead: e.PARTITION_MONTHS_AHEAD,
      batchSize: e.RETENTION_BATCH_SIZE,
      /** Days kept after the appointment; 0 = forever. */
      retentionDays: {
        attempts: e.RETENTION_ATTEMPT_DAYS,
        messageText: e.RETENTION_MESSAGE_TEXT_DAYS,
        customerData: e.RETENTION_CUSTOMER_DATA_DAYS,
      },
    },
  };
}
