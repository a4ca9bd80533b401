export { ConfigError, DEV_ADMIN_TOKEN, DEV_SECRET_KEY } from './load.ts';
export type { CommonConfig } from './common.ts';
export { loadBookingApiConfig, type BookingApiConfig } from './booking-api.ts';
export { loadAdminApiConfig, type AdminApiConfig } from './admin-api.ts';
export { loadDispatcherConfig, type DispatcherConfig } from './dispatcher.ts';
export { loadMigrateConfig } from './migrate.ts';
export { hashTagOf, type RedisTarget } from './redis.ts';
export type { NumberSafetyConfig } from './number-safety.ts';
