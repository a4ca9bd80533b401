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

const Session = Type.Union([Type.Literal('none'), Type.Literal('unpaired'), Type.Literal('paired')]);

export const InstanceOptions = Type.Object({
  name: Type.String({ minLength: 1 }),
  state: Type.Optional(State),
  session: Type.Optional(Session),
  createdAt: Type.Optional(Type.String({ minLength: 1 })),
  settings: Type.Optional(
    Type.Object({ groupsIgnore: Type.Optional(Type.Boolean()), readStatus: Type.Optional(Type.Boolean()) }),
  ),
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
  database: Type.Optional(Type.String({ minLength: 1 })),
  clientName: Type.Optional(Type.String({ minLength: 1 })),
  saveMessages: Type.Optional(Type.Boolean()),
});

export const ServerFaultsBody = Type.Partial(
  Type.Object({
    errorRate: Type.Number({ minimum: 0, maximum: 1 }),
    errorStatus: Type.Integer({ minimum: 100, maximum: 599 }),
    latencyMs: Type.Integer({ minimum: 0 }),
    hang: Type.Boolean(),
    reset: Type.Boolean(),
    welcomeLatencyMs: Type.Integer({ minimum: 0 }),
    welcomeHang: Type.Boolean(),
  }),
);

export const InstanceFaultsBody = Type.Partial(
  Type.Object({
    sendError: Type.Union([
      Type.Literal('none'),
      Type.Literal('connection-closed'),
      Type.Literal('connection-closed-500'),
      Type.Literal('typeerror-500'),
      Type.Literal('timed-out'),
      Type.Literal('not-authenticated'),
    ]),
    connectError: Type.Boolean(),
    errorRate: Type.Number({ minimum: 0, maximum: 1 }),
    errorStatus: Type.Integer({ minimum: 100, maximum: 599 }),
    latencyMs: Type.Integer({ minimum: 0 }),
    hang: Type.Boolean(),
    afterSend: Type.Union([
      Type.Literal('none'),
      Type.Literal('delay'),
      Type.Literal('reset'),
      Type.Literal('garbage'),
      Type.Literal('no-key'),
      Type.Literal('bad-jid'),
      Type.Literal('fixed-key'),
    ]),
    afterSendDelayMs: Type.Integer({ minimum: 0 }),
    receipts: Type.Union([Type.Literal('normal'), Type.Literal('never'), Type.Literal('server-ack-only')]),
    reachoutLock: Type.Boolean(),
    silentInbound: Type.Boolean(),
    whatsappUnreachable: Type.Boolean(),
  }),
);

export const WebhookOptionsBody = Type.Partial(
  Type.Object({
    ackDelaysMs: Type.Tuple([Type.Integer({ minimum: 0 }), Type.Integer({ minimum: 0 }), Type.Integer({ minimum: 0 })]),
    duplicateRate: Type.Number({ minimum: 0, maximum: 1 }),
    emitRead: Type.Boolean(),
    maxAttempts: Type.Integer({ minimum: 1, maximum: 10 }),
    retryBaseMs: Type.Integer({ minimum: 0 }),
    retryMaxMs: Type.Integer({ minimum: 0 }),
    retryJitter: Type.Number({ minimum: 0, maximum: 1 }),
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
  swallowed: Type.Optional(Type.Union([Type.Literal('no-receipts'), Type.Literal('reachout-lock')])),
  afterSend: Type.Optional(
    Type.Union([
      Type.Literal('delay'),
      Type.Literal('reset'),
      Type.Literal('garbage'),
      Type.Literal('no-key'),
      Type.Literal('bad-jid'),
      Type.Literal('fixed-key'),
    ]),
  ),
});

export const InboundBody = Type.Object({
  from: Type.String({ pattern: '^\\+?[0-9 ()-]{8,}$' }),
  text: Type.Optional(Type.String()),
  kind: Type.Optional(
    Type.Union(
      ['text', 'extended', 'reaction', 'image', 'image-caption', 'group', 'status', 'lid'].map((k) => Type.Literal(k)),
    ),
  ),
  pushName: Type.Optional(Type.String()),
  replyTo: Type.Optional(Type.String({ minLength: 1 })),
  groupJid: Type.Optional(Type.String({ pattern: '@g\\.us$' })),
  device: Type.Optional(Type.Union([Type.Literal('android'), Type.Literal('ios')])),
});

export const InboundResult = Type.Object({
  keyId: Type.String(),
  data: Type.Record(Type.String(), Type.Unknown()),
  accepted: Type.Boolean(),
  posted: Type.Boolean(),
});

export const FloodBody = Type.Object({
  count: Type.Integer({ minimum: 1, maximum: 10_000 }),
  state: Type.Optional(State),
});

export const CreatedAtBody = Type.Object({ createdAt: Type.String({ minLength: 1 }) });

export const CacheEntry = Type.Object({
  remoteJid: Type.String(),
  jidOptions: Type.Array(Type.String()),
  lid: Type.Union([Type.Literal('lid'), Type.Null()]),
  updatedAt: Type.String(),
});

export const DatabaseParams = Type.Object({ database: Type.String() });

export const Delivery = Type.Object({
  url: Type.String(),
  event: Type.String(),
  ok: Type.Boolean(),
  attempt: Type.Integer(),
});

export const Ok = Type.Object({ ok: Type.Boolean() });

export const ControlError = Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String() }) });

export const ServerParams = Type.Object({ server: Type.String() });
export const InstanceParams = Type.Object({ server: Type.String(), instance: Type.String() });
