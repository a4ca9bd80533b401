// Named timing sets: the real server's waits, and zeros for tests that do not study them.
import type { TimingOptions, WebhookOptions } from './types.ts';

/** What a real Evolution 2.3.6 waits (the simulator's defaults). */
export const REAL_TIMING: TimingOptions = {
  welcomeMs: 70,
  connectWaitMs: 2_000,
  createQrWaitMs: 5_000,
  firstQrMs: 500,
  pairingCodeMs: 1_000,
  reconnectMs: 1_000,
};

/** No waits: QR codes, pairing codes and reconnects happen within the request that starts them. */
export const FAST_TIMING: TimingOptions = {
  welcomeMs: 0,
  connectWaitMs: 0,
  createQrWaitMs: 0,
  firstQrMs: 0,
  pairingCodeMs: 0,
  reconnectMs: 0,
};

/** Evolution's webhook retry schedule (WEBHOOK_RETRY_* defaults); the simulator's default is faster. */
export const REAL_WEBHOOK_RETRIES: Pick<Required<WebhookOptions>, 'retryBaseMs' | 'retryMaxMs' | 'retryJitter'> = {
  retryBaseMs: 5_000,
  retryMaxMs: 300_000,
  retryJitter: 0.2,
};
