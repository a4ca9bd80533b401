import type { EvolutionApi } from '@bora/db';
import { EVOLUTION_HEALTH } from '@bora/db';
import { Type } from 'typebox';
import { hideCredentials } from './server-url.ts';
import { iso, NullableString, NullableTimestamp, Timestamp } from '../common-schemas.ts';

export const EvolutionApiCreate = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 120 }),
    url: Type.String({
      minLength: 1,
      maxLength: 2048,
      description: 'URL base; uma URL colada de …/message/sendText é reduzida à base',
    }),
    apiKey: Type.String({
      minLength: 1,
      maxLength: 512,
      writeOnly: true,
      description: 'Chave global do servidor; guardada cifrada, nunca devolvida',
    }),
    capacity: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 20 })),
    priority: Type.Optional(
      Type.Integer({ minimum: -1_000_000, maximum: 1_000_000, default: 0, description: 'Maior = preferida' }),
    ),
    isActive: Type.Optional(Type.Boolean({ default: true })),
  },
  { additionalProperties: false },
);

export const EvolutionApiPatch = Type.Partial(EvolutionApiCreate, { additionalProperties: false });

export const Health = Type.Enum(EVOLUTION_HEALTH);

/** No `apiKey` property exists here, so the serializer cannot emit one whatever the handler returns. */
export const EvolutionApiView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  url: Type.String(),
  hasApiKey: Type.Boolean(),
  capacity: Type.Integer(),
  priority: Type.Integer(),
  isActive: Type.Boolean(),
  health: Health,
  lastCheckedAt: NullableTimestamp,
  lastError: NullableString,
  webhookUrl: Type.String({
    description: 'Onde o Evolution deve enviar webhooks (com o segredo no cabeçalho ou em ?secret=)',
  }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export function evolutionApiView(row: EvolutionApi, webhookUrl: string) {
  return {
    id: row.id,
    name: row.name,
    url: hideCredentials(row.url),
    hasApiKey: row.apiKeyEncrypted.length > 0,
    capacity: row.capacity,
    priority: row.priority,
    isActive: row.isActive,
    health: row.health,
    lastCheckedAt: iso(row.lastCheckedAt),
    lastError: row.lastError,
    webhookUrl,
    createdAt: iso(row.createdAt)!,
    updatedAt: iso(row.updatedAt)!,
  };
}

export const CheckResult = Type.Object({
  ok: Type.Boolean(),
  health: Health,
  message: Type.String(),
  code: Type.Optional(Type.String()),
  version: Type.Optional(NullableString),
  instanceCount: Type.Optional(Type.Integer()),
});

export const WebhookConfigView = Type.Object({
  url: Type.String(),
  urlWithSecret: Type.String(),
  header: Type.String(),
  secret: Type.String(),
  events: Type.Array(Type.String()),
});
