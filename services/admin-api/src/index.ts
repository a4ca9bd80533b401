export { buildApp, type AdminApiDeps } from './app.ts';
export { pollFleetHealth, type PollDeps, type PollReport } from './lib/health-poll.ts';
export { getUsageStats, type UsageStats } from './lib/usage-stats.ts';
