import type { AdminApiConfig } from '@bora/config';
import type { HostLookup } from '@bora/core';
import type { DbHandle } from '@bora/db';
import type { Logger } from '@bora/logger';
import type { NotificationQueues, RedisClient } from '@bora/queue';

/** Everything the admin-api needs from the outside world; `server.ts` builds it, tests pass real ones. */
export interface AdminApiDeps {
  config: AdminApiConfig;
  logger: Logger;
  db: DbHandle;
  redis: RedisClient;
  /** The notification queues, one per shard (`createNotificationQueues`). */
  queues: NotificationQueues;
  /**
   * Run the periodic Evolution health poll (and the inbound backstop poll) inside this process. `server.ts` turns it on; tests
   * leave it off and call `pollFleetHealth` themselves, so no timer races their assertions.
   */
  healthPoll?: boolean;
  /**
   * Resolves server host names for the address rules (no cloud metadata or link-local servers).
   * Default: the system resolver; tests pass a fake one to make a name resolve anywhere.
   */
  lookup?: HostLookup;
}
