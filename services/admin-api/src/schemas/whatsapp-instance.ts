import { INSTANCE_STATUS } from '@bora/db';
import { Type } from 'typebox';
import { NullableString, Timestamp, Uuid } from './common.ts';
import { Slug } from './tenant.ts';

export const InstanceStatus = Type.Enum(INSTANCE_STATUS);
const InstanceName = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$', description: 'Nome no servidor Evolution (único)' });

export const InstanceCreate = Type.Object(
  {
    evolutionApiId: Type.Optional(Type.Union([Uuid, Type.Null()], { description: 'Omitido: o balanceador escolhe o servidor' })),
    instanceName: Type.Optional(InstanceName),
    phoneNumber: Type.String({ minLength: 1, maxLength: 32, description: 'Celular com DDD; normalizado para E.164 sem +' }),
    displayName: Type.String({ minLength: 1, maxLength: 120 }),
    tenantSlug: Type.Optional(Type.Union([Slug, Type.Null()], { description: 'Omitido/null: remetente compartilhado da plataforma' })),
    isPrimary: Type.Optional(Type.Boolean({ default: false })),
    status: Type.Optional(InstanceStatus),
    createOnServer: Type.Optional(Type.Boolean({ default: false, description: 'Também cria a instância no Evolution (com nosso webhook) e devolve o QR' })),
  },
  { additionalProperties: false },
);

export const InstancePatch = Type.Object(
  {
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    tenantSlug: Type.Optional(Type.Union([Slug, Type.Null()])),
    isPrimary: Type.Optional(Type.Boolean()),
    status: Type.Optional(InstanceStatus),
  },
  { additionalProperties: false },
);

export const InstanceView = Type.Object({
  id: Type.String(),
  evolutionApiId: Type.String(),
  evolutionApiName: Type.String(),
  instanceName: Type.String(),
  phoneNumber: Type.String(),
  displayName: Type.String(),
  tenantSlug: NullableString,
  isPrimary: Type.Boolean(),
  status: InstanceStatus,
  statusChangedAt: Timestamp,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

/** One page of the list; `items` is what callers had before paging was made explicit. */
export const InstancePage = Type.Object({
  items: Type.Array(InstanceView),
  total: Type.Integer({ minimum: 0, description: 'Quantos WhatsApps atendem aos filtros, em todas as páginas' }),
  nextOffset: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description: 'offset da próxima página; null quando esta é a última' }),
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
  placement: Type.Object({ chosenBy: Type.Union([Type.Literal('balancer'), Type.Literal('operator')]), reason: Type.String() }),
  createdOnServer: Type.Boolean(),
  qr: Type.Union([QrView, Type.Null()]),
});
