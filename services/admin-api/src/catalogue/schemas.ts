import { Type } from 'typebox';
import { Slug } from '../tenants/schemas.ts';
import { NullableString, Timestamp, Uuid } from '../common-schemas.ts';

export const TenantScope = Type.Object({ slug: Slug });
export const EntryParams = Type.Object({ slug: Slug, id: Uuid });

const Name = (max: number) => Type.String({ minLength: 1, maxLength: max });
/**
 * `type: [T, 'null']` rather than anyOf: admin-api's ajv coerces types, and inside anyOf it would
 * read null as the number 0 (or 0 as null); with one multi-type schema it coerces neither.
 */
function nullable<T>(schema: { type: string; [key: string]: unknown }) {
  return Type.Unsafe<T | null>({ ...schema, type: [schema.type, 'null'] });
}

const Price = nullable<number>({
  type: 'number',
  minimum: 0,
  maximum: 100_000,
  description: 'Em reais, até 2 casas (45.5 = R$ 45,50); null = sem preço exibido',
});

export const ServiceBody = Type.Object(
  {
    name: Name(120),
    durationMinutes: Type.Integer({
      minimum: 5,
      maximum: 720,
      description: 'Duração do serviço (e, por padrão, o intervalo entre horários)',
    }),
    price: Type.Optional(Price),
    active: Type.Optional(Type.Boolean({ description: 'Inativo: some do mini-site; os agendamentos feitos ficam' })),
  },
  { additionalProperties: false },
);
export const ServicePatch = Type.Partial(ServiceBody, { additionalProperties: false });

export const ServiceView = Type.Object({
  id: Uuid,
  name: Type.String(),
  durationMinutes: Type.Integer(),
  price: Type.Union([Type.Number(), Type.Null()]),
  active: Type.Boolean(),
  professionalIds: Type.Array(Uuid, { description: 'Quem faz este serviço' }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const ProfessionalBody = Type.Object(
  {
    name: Name(80),
    serviceIds: Type.Array(Uuid, {
      maxItems: 200,
      uniqueItems: true,
      description: 'Os serviços que faz (do mesmo negócio)',
    }),
    active: Type.Optional(Type.Boolean({ description: 'Inativo: não recebe novos agendamentos' })),
  },
  { additionalProperties: false },
);
export const ProfessionalPatch = Type.Partial(ProfessionalBody, { additionalProperties: false });

export const ProfessionalView = Type.Object({
  id: Uuid,
  name: Type.String(),
  active: Type.Boolean(),
  serviceIds: Type.Array(Uuid),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const TimeRange = Type.Object(
  {
    start: Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', examples: ['09:00'] }),
    end: Type.String({
      pattern: '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$',
      description: 'Depois de start; 24:00 = meia-noite',
      examples: ['18:00'],
    }),
  },
  { additionalProperties: false },
);
const Ranges = Type.Array(TimeRange, { maxItems: 8 });

export const OpeningException = Type.Object(
  {
    date: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', examples: ['2030-12-25'] }),
    ranges: Ranges,
    note: Type.Optional(nullable<string>({ type: 'string', maxLength: 120, examples: ['Natal'] })),
  },
  { additionalProperties: false, description: 'Substitui o horário da semana neste dia; ranges vazio = fechado' },
);

const week = <T extends Parameters<typeof Type.Optional>[0]>(day: T) => ({
  monday: day,
  tuesday: day,
  wednesday: day,
  thursday: day,
  friday: day,
  saturday: day,
  sunday: day,
});

export const OpeningHoursBody = Type.Object(
  {
    weekly: Type.Object(week(Type.Optional(Ranges)), {
      additionalProperties: false,
      description: 'Um ou mais intervalos por dia, no fuso do negócio; dia ausente ou vazio = fechado',
    }),
    exceptions: Type.Optional(Type.Array(OpeningException, { maxItems: 400 })),
  },
  { additionalProperties: false },
);

export const OpeningHoursView = Type.Object({
  timezone: Type.String({ description: 'O fuso em que os horários valem (o do negócio)' }),
  weekly: Type.Object(week(Type.Array(TimeRange))),
  exceptions: Type.Array(Type.Object({ date: Type.String(), ranges: Type.Array(TimeRange), note: NullableString })),
});

const limit = (max: number, description: string) => Type.Integer({ minimum: 1, maximum: max, description });
export const BookingSettingsFields = {
  slotStepMinutes: nullable<number>({
    type: 'integer',
    minimum: 5,
    maximum: 720,
    description: 'Intervalo entre horários; null = a duração do serviço',
  }),
  minNoticeMinutes: Type.Integer({ minimum: 0, maximum: 43_200, description: 'Antecedência mínima (padrão 60)' }),
  maxDaysAhead: Type.Integer({ minimum: 1, maximum: 366, description: 'Até quantos dias à frente (padrão 60)' }),
  maxFutureBookingsPerPhone: limit(1_000, 'Agendamentos futuros por WhatsApp (padrão 3)'),
  maxBookingsPerPhonePerHour: limit(1_000, 'Agendamentos por WhatsApp por hora (padrão 5)'),
  maxBookingsPerMinute: limit(100_000, 'Agendamentos do negócio por minuto (padrão 60)'),
};
export const BookingSettingsView = Type.Object(BookingSettingsFields);
export const BookingSettingsPatch = Type.Partial(Type.Object(BookingSettingsFields), { additionalProperties: false });
