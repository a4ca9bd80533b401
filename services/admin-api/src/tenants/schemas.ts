import type { Tenant } from '@bora/db';
import { Type } from 'typebox';
import { RESERVED_SLUGS } from './reserved-slugs.ts';
import { iso, Timestamp } from '../common-schemas.ts';

const Template = Type.String({ minLength: 1, maxLength: 1000 });
export const Templates = Type.Object(
  { confirmation: Template, reminder: Template, cancellation: Template },
  {
    description:
      'Placeholders: {cliente}, {servico}, {negocio}, {data}, {hora}, {profissional}, {link} (gerenciar o agendamento), {codigo} (código do agendamento)',
  },
);

const slugRules = { pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', minLength: 1, maxLength: 63 };
export const Slug = Type.String(slugRules);

export const TenantCreate = Type.Object(
  {
    slug: Type.String({
      ...slugRules,
      description: `Endereço do mini-site (/<slug>). Reservados (400 VALIDATION_FAILED): ${[...RESERVED_SLUGS].join(', ')}`,
    }),
    name: Type.String({ minLength: 1, maxLength: 120 }),
    timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'IANA, ex.: America/Sao_Paulo' })),
    allowSharedSender: Type.Optional(Type.Boolean()),
    templates: Type.Optional(Type.Partial(Templates)),
    reminderLeadMinutes: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 43_200,
        description: 'Legado: um só lembrete, N minutos antes (0 = nenhum); prefira reminderOffsetsMinutes',
      }),
    ),
    reminderOffsetsMinutes: Type.Optional(
      Type.Array(Type.Integer({ minimum: 1, maximum: 43_200 }), {
        maxItems: 5,
        description: 'Um lembrete por item, em minutos antes do horário (padrão [1440, 120])',
      }),
    ),
    laterRemindersOnlyUnconfirmed: Type.Optional(
      Type.Boolean({ description: 'Lembretes depois do primeiro só se o cliente ainda não confirmou presença' }),
    ),
    quietHours: Type.Optional(
      Type.Object(
        {
          start: Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' }),
          end: Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' }),
        },
        { additionalProperties: false, description: 'Horário sem lembretes, no fuso do negócio (padrão 21:00–08:00)' },
      ),
    ),
    confirmationWaitMinutes: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 120,
        description:
          'A confirmação espera o cliente escrever primeiro (link wa.me) por até N minutos (0 = envia na hora)',
      }),
    ),
    ownerPhone: Type.Optional(
      Type.Union([Type.String({ minLength: 1, maxLength: 32 }), Type.Null()], {
        description:
          'Celular pessoal do dono: recebe pelo WhatsApp da plataforma o aviso quando um número precisa ser reconectado',
      }),
    ),
  },
  { additionalProperties: false },
);

export const TenantPatch = Type.Partial(TenantCreate, { additionalProperties: false });

export const TenantView = Type.Object({
  id: Type.String(),
  slug: Type.String(),
  name: Type.String(),
  timezone: Type.String(),
  allowSharedSender: Type.Boolean(),
  templates: Templates,
  reminderLeadMinutes: Type.Integer({ description: 'O primeiro lembrete (legado; 0 = nenhum)' }),
  reminderOffsetsMinutes: Type.Array(Type.Integer()),
  laterRemindersOnlyUnconfirmed: Type.Boolean(),
  quietHours: Type.Object({ start: Type.String(), end: Type.String() }),
  confirmationWaitMinutes: Type.Integer(),
  ownerPhone: Type.Union([Type.String(), Type.Null()]),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export function tenantView(row: Tenant) {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    timezone: row.timezone,
    allowSharedSender: row.allowSharedSender,
    templates: {
      confirmation: row.confirmationTemplate,
      reminder: row.reminderTemplate,
      cancellation: row.cancellationTemplate,
    },
    reminderLeadMinutes: row.reminderOffsetsMinutes[0] ?? 0,
    reminderOffsetsMinutes: row.reminderOffsetsMinutes,
    laterRemindersOnlyUnconfirmed: row.laterRemindersOnlyUnconfirmed,
    quietHours: { start: row.quietHoursStart, end: row.quietHoursEnd },
    confirmationWaitMinutes: row.confirmationWaitMinutes,
    ownerPhone: row.ownerPhone,
    createdAt: iso(row.createdAt)!,
    updatedAt: iso(row.updatedAt)!,
  };
}
