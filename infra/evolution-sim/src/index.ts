export { buildSimulator } from './app.ts';
export { startSimulator } from './start.ts';
export { loadSimulatorOptions, DEFAULT_SERVERS } from './options.ts';
export { formatBrNumber, createJid } from './jid.ts';
export { FAST_TIMING, REAL_TIMING, REAL_WEBHOOK_RETRIES } from './timing.ts';
export type { OnWhatsappCacheEntry, SimInboundKind, SimInboundMessage, SimInboundResult } from './control-types.ts';
export type {
  AfterSendFault,
  InstanceFaults,
  QrOptions,
  RunningSimulator,
  SendErrorFault,
  ServerFaults,
  SimControl,
  SimInstanceOptions,
  SimInstanceSettings,
  SimMessage,
  SimServerOptions,
  SimSession,
  SimState,
  SimulatorOptions,
  SimWebhookConfig,
  Simulator,
  TimingOptions,
  WebhookDelivery,
  WebhookOptions,
} from './types.ts';
