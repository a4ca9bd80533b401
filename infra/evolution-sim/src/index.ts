export { buildSimulator } from './app.ts';
export { startSimulator } from './start.ts';
export { loadSimulatorOptions, DEFAULT_SERVERS } from './options.ts';
export { formatBrNumber, createJid } from './jid.ts';
export type {
  InstanceFaults,
  RunningSimulator,
  ServerFaults,
  SimControl,
  SimInstanceOptions,
  SimMessage,
  SimServerOptions,
  SimState,
  SimulatorOptions,
  SimWebhookConfig,
  Simulator,
  WebhookDelivery,
  WebhookOptions,
} from './types.ts';
