export * from './notifications.ts';
export { createRedis, pingRedis, redisAnswers, redisRoleOptions, type RedisRole } from './redis.ts';
export { enqueueAfterCommit } from './after-commit.ts';
