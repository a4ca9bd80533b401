import { Type } from 'typebox';
import { MAX_DURATION_MINUTES, MAX_LENGTH } from './booking-input.ts';

/**
 * Shapes only: types, lengths, required fields, no unknown fields. The rules that need code
 * (phone, offsets, future, duration, the catalogue and its hours) live in `toBookingInput` and
 * `planCatalogueBooking`, which word them in pt-BR. A tenant with a catalogue takes `serviceId`
 * (+ `professionalId?`); one without keeps the legacy `service`, `professional?`,
 * `durationMinutes? | endsAt`.
 */
export const BookingBody = Type.Object(
  {
    customerName: Type.String({ minLength: 1, maxLength: MAX_LENGTH.customerName, examples: ['Maria Souza'] }),
    customerPhone: Type.String({
      minLength: 1,
      maxLength: MAX_LENGTH.customerPhone,
      description: 'Celular com WhatsApp, como o cliente escreve: (11) 98765-4321, +55 11 98765-4321, 011…',
      examples: ['(11) 98765-4321'],
    }),
    serviceId: Type.Optional(
      Type.String({
        format: 'uuid',
        description:
          'Serviço do catálogo (obrigatório quando o negócio tem catálogo; GET /v1/tenants/:slug lista os serviços)',
      }),
    ),
    professionalId: Type.Optional(
      Type.String({
        format: 'uuid',
        description: 'Profissional do catálogo; sem ele, o primeiro livre no horário (o com menos agendamentos no dia)',
      }),
    ),
    service: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: MAX_LENGTH.service,
        description: 'Legado (negócio sem catálogo): o serviço em texto livre',
        examples: ['Corte de cabelo'],
      }),
    ),
    startsAt: Type.String({
      minLength: 1,
      maxLength: 40,
      description: 'ISO 8601 com fuso obrigatório; no futuro',
      examples: ['2030-03-10T14:30:00-03:00'],
    }),
    durationMinutes: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_DURATION_MINUTES,
        description: 'Legado: padrão 30; não use junto com endsAt',
      }),
    ),
    endsAt: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 40,
        description: 'Legado: ISO 8601 com fuso; alternativa a durationMinutes',
      }),
    ),
    professional: Type.Optional(
      Type.String({ maxLength: MAX_LENGTH.professional, description: 'Legado: o profissional em texto livre' }),
    ),
    notes: Type.Optional(Type.String({ maxLength: MAX_LENGTH.notes })),
  },
  { additionalProperties: false },
);

export const NotificationSummary = Type.Object({
  id: Type.String({ format: 'uuid' }),
  kind: Type.String({ examples: ['confirmation'] }),
  status: Type.String({ examples: ['queued'] }),
});

export const BookingResponse = Type.Object({
  id: Type.String({ format: 'uuid' }),
  tenantSlug: Type.String(),
  status: Type.Union([Type.Literal('confirmed'), Type.Literal('cancelled')]),
  customerName: Type.String(),
  customerPhone: Type.String({ description: 'E.164 sem o +', examples: ['5511987654321'] }),
  service: Type.String(),
  professional: Type.Union([Type.String(), Type.Null()]),
  serviceId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()], {
    description: 'null num agendamento legado (texto livre)',
  }),
  professionalId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  notes: Type.Union([Type.String(), Type.Null()]),
  startsAt: Type.String({ format: 'date-time' }),
  endsAt: Type.String({ format: 'date-time' }),
  notifications: Type.Array(NotificationSummary),
});

export const TenantParams = Type.Object({ slug: Type.String({ minLength: 1, maxLength: 100 }) });
export const BookingParams = Type.Object({
  slug: Type.String({ minLength: 1, maxLength: 100 }),
  id: Type.String({ format: 'uuid' }),
});

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      pattern: '^[\\x21-\\x7E]+$',
      description: 'Repetir a mesma chave com o mesmo corpo devolve a primeira resposta',
    }),
  ),
});

export const CancelBody = Type.Object(
  { reason: Type.Optional(Type.String({ maxLength: 500, description: 'Motivo, para o histórico do negócio' })) },
  { additionalProperties: false },
);
