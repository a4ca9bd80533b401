import { NOTIFICATION_KIND, NOTIFICATION_STATUS } from '@bora/db';
import { Type } from 'typebox';
import { NullableString, NullableTimestamp, Timestamp } from '../common-schemas.ts';

export const NotificationStatus = Type.Enum(NOTIFICATION_STATUS);
export const NotificationKind = Type.Enum(NOTIFICATION_KIND);

const LastError = Type.Union([Type.Object({ code: Type.String(), message: NullableString }), Type.Null()]);

export const NotificationView = Type.Object({
  id: Type.String(),
  tenantSlug: Type.String(),
  kind: NotificationKind,
  bookingId: NullableString,
  to: Type.String(),
  text: NullableString,
  status: NotificationStatus,
  attemptCount: Type.Integer(),
  dueAt: Timestamp,
  forcedEvolutionApiId: NullableString,
  evolutionApiId: NullableString,
  evolutionApiName: NullableString,
  whatsappInstanceId: NullableString,
  instanceName: NullableString,
  messageId: NullableString,
  remoteJid: NullableString,
  lastError: LastError,
  createdAt: Timestamp,
  updatedAt: Timestamp,
  sentAt: NullableTimestamp,
  deliveredAt: NullableTimestamp,
  readAt: NullableTimestamp,
  failedAt: NullableTimestamp,
  expiredAt: NullableTimestamp,
  unconfirmedAt: Type.Union([Timestamp, Type.Null()], {
    description: 'Quando o resultado de um envio ficou desconhecido (status unconfirmed: pode ter chegado ao cliente)',
  }),
  resends: Type.Integer({
    description: 'Reenvios após um resultado desconhecido (cada um, sem confirmação, pode duplicar a mensagem)',
  }),
  recordNote: Type.Union([Type.String(), Type.Null()], {
    description: 'Por que o registro do envio está incompleto (ex.: NO_KEY_ID)',
  }),
});

export const AttemptView = Type.Object({
  attempt: Type.Integer(),
  outcome: Type.String({ description: 'sent | failed | unknown (pedido enviado, sem resposta legível)' }),
  possibleDuplicate: Type.Boolean({ description: 'Reenvio de uma mensagem cujo primeiro envio ficou sem confirmação' }),
  evolutionApiId: NullableString,
  evolutionApiName: NullableString,
  whatsappInstanceId: NullableString,
  instanceName: NullableString,
  errorCode: NullableString,
  errorScope: NullableString,
  errorMessage: NullableString,
  httpStatus: Type.Union([Type.Integer(), Type.Null()]),
  latencyMs: Type.Integer(),
  createdAt: Timestamp,
});

export const MessageDetail = Type.Intersect([NotificationView, Type.Object({ attempts: Type.Array(AttemptView) })]);

export const Accepted = Type.Object({ id: Type.String(), status: NotificationStatus });
