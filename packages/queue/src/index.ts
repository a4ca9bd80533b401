export * from './notifications.ts';
export { createRedis, pingRedis, redisAnswers } from './redis.ts';
