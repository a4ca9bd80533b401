// TypeBox schemas of the `/__sim` control API (mirrors of the SimControl argument types).
import { Type } from 'typebox';

export const State = Type.Union([Type.Literal('open'), Type.Literal('connecting'), Type.Literal('close')]);

export const WebhookConfig = Type.Object({
  url: Type.String(),
  enabled: Type.Optional(Type.Boolean()),
  events: Type.Optional(Type.Array(Type.String())),
  headers: Type.Optional(Type.Record(Type.String(), Type.String())),
  byEvents: Type.Optional(Type.Boolean()),
  base64: Type.Optional(Type.Boolean()),
});

export const InstanceOptions = Type.Object({
  name: Type.String({ minLength: 1 }),
  state: Type.Optional(State),
  token: Type.Optional(Type.String()),
  ownerNumber: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  profileName: Type.Optional(Type.String()),
  webhook: Type.Optional(WebhookConfig),
});

export const ServerOptions = Type.Object({
  name: Type.String({ minLength: 1 }),
  apiKey: Type.String({ minLength: 1 }),
  version: Type.Optional(Type.Union([Type.Literal('v2'), Type.Literal('v1')])),
  instances: Type.Optional(Type.Array(InstanceOptions)),
});

export const ServerFaultsBody = Type.Partial(
  Type.Object({
    errorRate: Type.Number({ minimum: 0, maximum: 1 }),
    errorStatus: Type.Integer({ minimum: 100, maximum: 599 }),
    latencyMs: Type.Integer({ minimum: 0 }),
    hang: Type.Boolean(),
    reset: Type.Boolean(),
  }),
);

export const InstanceFaultsBody = Type.Partial(
  Type.Object({
    sendError: Type.Union([
      Type.Literal('none'),
      Type.Literal('connection-closed'),
      Type.Literal('connection-closed-500'),
      Type.Literal('typeerror-500'),
    ]),
    connectError: Type.Boolean(),
    errorRate: Type.Number({ minimum: 0, maximum: 1 }),
    errorStatus: Type.Integer({ minimum: 100, maximum: 599 }),
    latencyMs: Type.Integer({ minimum: 0 }),
    hang: Type.Boolean(),
  }),
);

export const WebhookOptionsBody = Type.Partial(
  Type.Object({
    ackDelaysMs: Type.Tuple([Type.Integer({ minimum: 0 }), Type.Integer({ minimum: 0 }), Type.Integer({ minimum: 0 })]),
    duplicateRate: Type.Number({ minimum: 0, maximum: 1 }),
    emitRead: Type.Boolean(),
    maxAttempts: Type.Integer({ minimum: 1, maximum: 10 }),
    retryBaseMs: Type.Integer({ minimum: 0 }),
  }),
);

export const Message = Type.Object({
  server: Type.String(),
  instance: Type.String(),
  number: Type.String(),
  text: Type.String(),
  keyId: Type.String(),
  remoteJid: Type.String(),
  receivedAt: Type.Number(),
  delay: Type.Optional(Type.Number()),
  linkPreview: Type.Optional(Type.Boolean()),
});

export const Delivery = Type.Object({ url: Type.String(), event: Type.String(), ok: Type.Boolean(), attempt: Type.Integer() });

export const Ok = Type.Object({ ok: Type.Boolean() });

export const ControlError = Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String() }) });

export const ServerParams = Type.Object({ server: Type.String() });
export const InstanceParams = Type.Object({ server: Type.String(), instance: Type.String() });
