import { INSTANCE_STATUS } from '@bora/db';
import { Type } from 'typebox';
import { NullableString, NullableTimestamp, Timestamp, Uuid } from '../common-schemas.ts';
import { Slug } from '../tenants/schemas.ts';

export const InstanceStatusSchema = Type.Enum(INSTANCE_STATUS);
const InstanceName = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$',
  description: 'Nome no servidor Evolution (único)',
});

export const InstanceCreate = Type.Object(
  {
    evolutionApiId: Type.Optional(
      Type.Union([Uuid, Type.Null()], { description: 'Omitido: o balanceador escolhe o servidor' }),
    ),
    instanceName: Type.Optional(InstanceName),
    phoneNumber: Type.String({
      minLength: 1,
      maxLength: 32,
      description: 'Celular com DDD; normalizado para E.164 sem +',
    }),
    displayName: Type.String({ minLength: 1, maxLength: 120 }),
    tenantSlug: Type.Optional(
      Type.Union([Slug, Type.Null()], { description: 'Omitido/null: remetente compartilhado da plataforma' }),
    ),
    isPrimary: Type.Optional(Type.Boolean({ default: false })),
    status: Type.Optional(InstanceStatusSchema),
    createOnServer: Type.Optional(
      Type.Boolean({
        default: false,
        description: 'Também cria a instância no Evolution (com nosso webhook) e devolve o QR',
      }),
    ),
  },
  { additionalProperties: false },
);

// One `type` array, not a union: Fastify's ajv coerces types, and in a union a 0 would become the
// null branch (back to the default) and a null the integer 0. With both types listed, a value of
// either type is never coerced.
const BudgetValue = (description: string) =>
  Type.Optional(Type.Unsafe<number | null>({ type: ['integer', 'null'], minimum: 1, maximum: 100_000, description }));

/** Per-number send budgets; null = back to the dispatcher's default (BUDGET_*). */
export const InstanceBudgetPatch = Type.Object(
  {
    perMinute: BudgetValue('Mensagens por minuto'),
    perHour: BudgetValue('Mensagens por hora'),
    perDay: BudgetValue('Mensagens por dia (o aquecimento pode limitar menos)'),
    newContactsPerDay: BudgetValue('Primeiros contatos por dia'),
  },
  { additionalProperties: false },
);

export const InstancePatch = Type.Object(
  {
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    tenantSlug: Type.Optional(Type.Union([Slug, Type.Null()])),
    isPrimary: Type.Optional(Type.Boolean()),
    status: Type.Optional(InstanceStatusSchema),
    budget: Type.Optional(InstanceBudgetPatch),
    markedWarm: Type.Optional(
      Type.Boolean({
        description: 'true: o número já está aquecido (sem aquecimento); false: recomeça o aquecimento hoje',
      }),
    ),
  },
  { additionalProperties: false },
);

const NullableInt = Type.Union([Type.Integer(), Type.Null()]);
const Reason = Type.Object({ code: Type.String(), text: Type.String(), penalty: Type.Integer() });

/** Number safety as the fleet page shows it (see README, "Number safety"). */
export const InstanceSafetyView = Type.Object({
  ageDays: Type.Integer({ description: 'Dias desde o cadastro do número' }),
  warmSince: Timestamp,
  markedWarmAt: NullableTimestamp,
  lastSentAt: NullableTimestamp,
  budget: Type.Object(
    { perMinute: NullableInt, perHour: NullableInt, perDay: NullableInt, newContactsPerDay: NullableInt },
    { description: 'Limites próprios do número (null = padrão)' },
  ),
  reachoutLock: Type.Union([Type.Object({ until: Timestamp, locks: Type.Integer() }), Type.Null()], {
    description: 'Bloqueio de primeiro contato em vigor',
  }),
  health: Type.Union([
    Type.Object({
      score: Type.Integer({ minimum: 0, maximum: 100 }),
      state: Type.String({ description: 'healthy | degraded | failing' }),
      reasons: Type.Array(Reason),
      stats: Type.Unknown({
        description: 'O que o cálculo viu: envios julgados, confirmados, pendentes, eventos; orçamento e uso de hoje',
      }),
      computedAt: Timestamp,
      lastRestartAt: NullableTimestamp,
    }),
    Type.Null(),
  ]),
  relink: Type.Union([
    Type.Object({
      id: Type.String(),
      reason: Type.String(),
      openedAt: Timestamp,
      alertedAt: NullableTimestamp,
      alertStatus: NullableString,
      link: Type.String({ description: 'Link assinado da página de reconexão (o mesmo tipo enviado ao dono)' }),
    }),
    Type.Null(),
  ]),
});

export const InstanceView = Type.Object({
  id: Type.String(),
  evolutionApiId: Type.String(),
  evolutionApiName: Type.String(),
  instanceName: Type.String(),
  phoneNumber: Type.String(),
  displayName: Type.String(),
  tenantSlug: NullableString,
  isPrimary: Type.Boolean(),
  status: InstanceStatusSchema,
  statusChangedAt: Timestamp,
  createdAt: Timestamp,
  updatedAt: Timestamp,
  safety: Type.Optional(InstanceSafetyView),
});

/** One page of the list; `items` is what callers had before paging was made explicit. */
export const InstancePage = Type.Object({
  items: Type.Array(InstanceView),
  total: Type.Integer({ minimum: 0, description: 'Quantos WhatsApps atendem aos filtros, em todas as páginas' }),
  nextOffset: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
    description: 'offset da próxima página; null quando esta é a última',
  }),
});

/** `{base64, code, pairingCode}` while pairing, `{state:'open'}` once the number is connected. */
export const QrView = Type.Object({
  state: Type.Optional(Type.String()),
  base64: Type.Optional(NullableString),
  code: Type.Optional(NullableString),
  pairingCode: Type.Optional(NullableString),
});

export const InstanceCreated = Type.Object({
  instance: InstanceView,
  placement: Type.Object({
    chosenBy: Type.Union([Type.Literal('balancer'), Type.Literal('operator')]),
    reason: Type.String(),
  }),
  createdOnServer: Type.Boolean(),
  qr: Type.Union([QrView, Type.Null()]),
});
