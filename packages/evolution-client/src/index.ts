export { createEvolutionClient, type EvolutionClient } from './client.ts';
export { classifyEvolutionError, type ClassifyContext } from './classify.ts';
export { classifyTransportError } from './classify-transport.ts';
export { normalizeBaseUrl } from './base-url.ts';
export { toEvolutionNumber } from './number.ts';
export { messageText } from './parse.ts';
export {
  EvolutionError,
  isEvolutionError,
  EVOLUTION_ERROR_CODES,
  type EvolutionErrorCode,
  type EvolutionErrorScope,
  type SendOutcome,
} from './errors.ts';
export type * from './types.ts';
export { WEBHOOK_EVENTS, WEBHOOK_SECRET_HEADER, webhookFor, webhookUrl } from './webhooks.ts';
