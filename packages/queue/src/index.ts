export * from './notifications.ts';
export {
  clusterRoleOptions,
  createRedis,
  describeRedis,
  duplicateRedis,
  pingRedis,
  redisAnswers,
  redisRoleOptions,
  type RedisClient,
  type RedisRole,
} from './redis.ts';
export { enqueueAfterCommit } from './after-commit.ts';
export { closeQueue } from './close-queue.ts';
export { createLeaderLease, type LeaderLease } from './leader-lease.ts';
/** Where Redis is (defined by @bora/config, which parses it): what `createRedis` opens. */
export type { RedisTarget } from '@bora/config';
export { createProducer, type Producer } from './producer.ts';
