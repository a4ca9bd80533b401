import { Type } from 'typebox';

const Uuid = Type.String({ format: 'uuid' });

export const SlotsQuery = Type.Object(
  {
    serviceId: Type.String({
      format: 'uuid',
      description: 'Serviço do catálogo (GET /v1/tenants/:slug lista os serviços)',
    }),
    professionalId: Type.Optional(
      Type.String({ format: 'uuid', description: 'Sem ele: qualquer profissional que faça o serviço' }),
    ),
    date: Type.String({
      pattern: '^\\d{4}-\\d{2}-\\d{2}$',
      description: 'Dia no fuso do negócio, AAAA-MM-DD',
      examples: ['2030-12-02'],
    }),
  },
  { additionalProperties: false },
);

export const Slot = Type.Object({
  startsAt: Type.String({
    format: 'date-time',
    description: 'ISO 8601 com o deslocamento do fuso do negócio',
    examples: ['2030-12-02T09:00:00-03:00'],
  }),
  endsAt: Type.String({ format: 'date-time', examples: ['2030-12-02T09:30:00-03:00'] }),
  professionalId: Uuid,
});

export const SlotsResponse = Type.Object({
  slots: Type.Array(Slot, {
    description:
      'Horários livres do dia, em ordem. Com professionalId: os desse profissional; sem ele: cada horário uma vez, com o profissional que o atenderia (o com menos agendamentos no dia).',
  }),
});
