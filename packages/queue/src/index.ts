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
  type RedisTarget,
} from './redis.ts';
export { enqueueAfterCommit } from './after-commit.ts';
export { closeQueue } from './close-queue.ts';
export { createLeaderLease, type LeaderLease } from './leader-lease.ts';
