import type { Tenant } from '@bora/db';
import { Type } from 'typebox';
import { RESERVED_SLUGS } from '../lib/reserved-slugs.ts';
import { iso, Timestamp } from './common.ts';

const Template = Type.String({ minLength: 1, maxLength: 1000 });
export const Templates = Type.Object(
  { confirmation: Template, reminder: Template, cancellation: Template },
  { description: 'Placeholders: {cliente}, {servico}, {negocio}, {data}, {hora}' },
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
    reminderLeadMinutes: Type.Optional(Type.Integer({ minimum: 0, maximum: 43_200 })),
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
  reminderLeadMinutes: Type.Integer(),
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
    templates: { confirmation: row.confirmationTemplate, reminder: row.reminderTemplate, cancellation: row.cancellationTemplate },
    reminderLeadMinutes: row.reminderLeadMinutes,
    createdAt: iso(row.createdAt)!,
    updatedAt: iso(row.updatedAt)!,
  };
}
