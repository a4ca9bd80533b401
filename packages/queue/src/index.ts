export * from './notifications.ts';
export { createRedis, pingRedis } from './redis.ts';
