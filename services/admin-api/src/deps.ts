import type { AdminApiConfig } from '@bora/config';
import type { DbHandle } from '@bora/db';
import type { Logger } from '@bora/logger';
import type { NotificationJob } from '@bora/queue';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/** Everything the admin-api needs from the outside world; `server.ts` builds it, tests pass real ones. */
export interface AdminApiDeps {
  config: AdminApiConfig;
  logger: Logger;
  db: DbHandle;
  redis: Redis;
  queue: Queue<NotificationJob>;
  /**
   * Run the periodic Evolution health poll inside this process. `server.ts` turns it on; tests
   * leave it off and call `pollFleetHealth` themselves, so no timer races their assertions.
   */
  healthPoll?: boolean;
  /**
   * Proxies in front of the service whose X-Forwarded-For may be believed (default 0: none).
   * `request.ip` keys the failed-login budget, so trusting more hops than really exist would let
   * a client pick its own IP per attempt. `server.ts` will pass `config.trustProxyHops` once
   * `loadAdminApiConfig` reads TRUST_PROXY_HOPS.
   */
  trustProxyHops?: number;
}
