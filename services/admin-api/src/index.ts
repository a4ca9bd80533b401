export { buildApp, type AdminApiDeps } from './app.ts';
export { pollFleetHealth, type PollDeps, type PollReport } from './evolution-apis/health-poll.ts';
export { getUsageStats, type UsageStats } from './stats/store.ts';
