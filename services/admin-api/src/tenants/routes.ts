import { ErrorBody } from '@bora/http';
import { isValidTimezone, normalizeMobilePhone, validationFailed, type FieldProblem } from '@bora/core';
import type { NewTenant } from '@bora/db';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import type { AdminApiDeps } from '../deps.ts';
import { createTenantStore } from './store.ts';
import { isReservedSlug, RESERVED_SLUG_MESSAGE } from './reserved-slugs.ts';
import { authErrors } from '../common-schemas.ts';
import { Slug, TenantCreate, TenantPatch, TenantView, tenantView } from './schemas.ts';

const SlugParams = Type.Object({ slug: Slug });
const tags = ['tenants'];

function columnsFrom(body: Static<typeof TenantPatch>): Partial<NewTenant> {
  const problems: FieldProblem[] = [];
  if (body.slug !== undefined && isReservedSlug(body.slug))
    problems.push({ field: 'slug', message: RESERVED_SLUG_MESSAGE });
  if (body.timezone !== undefined && !isValidTimezone(body.timezone)) {
    problems.push({
      field: 'timezone',
      message: 'fuso horário desconhecido (use um nome IANA, ex.: America/Sao_Paulo)',
    });
  }
  const owner = typeof body.ownerPhone === 'string' ? normalizeMobilePhone(body.ownerPhone) : undefined;
  if (owner && !owner.ok) problems.push({ field: 'ownerPhone', message: owner.reason });
  if (problems.length > 0) throw validationFailed(problems);
  const values: Partial<NewTenant> = {};
  if (body.ownerPhone !== undefined) values.ownerPhone = owner?.ok ? owner.digits : null;
  if (body.slug !== undefined) values.slug = body.slug;
  if (body.name !== undefined) values.name = body.name;
  if (body.timezone !== undefined) values.timezone = body.timezone;
  if (body.allowSharedSender !== undefined) values.allowSharedSender = body.allowSharedSender;
  if (body.reminderOffsetsMinutes !== undefined)
    values.reminderOffsetsMinutes = [...new Set(body.reminderOffsetsMinutes)].sort((a, b) => b - a);
  else if (body.reminderLeadMinutes !== undefined)
    values.reminderOffsetsMinutes = body.reminderLeadMinutes === 0 ? [] : [body.reminderLeadMinutes];
  if (body.laterRemindersOnlyUnconfirmed !== undefined)
    values.laterRemindersOnlyUnconfirmed = body.laterRemindersOnlyUnconfirmed;
  if (body.quietHours !== undefined) {
    values.quietHoursStart = body.quietHours.start;
    values.quietHoursEnd = body.quietHours.end;
  }
  if (body.confirmationWaitMinutes !== undefined) values.confirmationWaitMinutes = body.confirmationWaitMinutes;
  if (body.templates?.confirmation !== undefined) values.confirmationTemplate = body.templates.confirmation;
  if (body.templates?.reminder !== undefined) values.reminderTemplate = body.templates.reminder;
  if (body.templates?.cancellation !== undefined) values.cancellationTemplate = body.templates.cancellation;
  return values;
}

/** The seed's "negócios": who books, in which timezone, with which message templates. */
export const tenantAdminRoutes: FastifyPluginAsyncTypebox<{ deps: AdminApiDeps }> = async (app, { deps }) => {
  const store = createTenantStore(deps.db.db);
  app.post(
    '/v1/tenants',
    {
      schema: {
        tags,
        summary: 'Cadastrar negócio',
        body: TenantCreate,
        response: { 201: TenantView, 400: ErrorBody, 409: ErrorBody, ...authErrors },
      },
    },
    async (request, reply) => {
      const values = columnsFrom(request.body) as NewTenant;
      return reply.status(201).send(tenantView(await store.create(values)));
    },
  );

  app.get(
    '/v1/tenants',
    {
      schema: {
        tags,
        summary: 'Listar negócios',
        querystring: Type.Object({
          limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
          offset: Type.Integer({ minimum: 0, default: 0 }),
        }),
        response: { 200: Type.Object({ items: Type.Array(TenantView) }), ...authErrors },
      },
    },
    async (request) => {
      return { items: (await store.list(request.query)).map(tenantView) };
    },
  );

  app.get(
    '/v1/tenants/:slug',
    {
      schema: {
        tags,
        summary: 'Ver negócio',
        params: SlugParams,
        response: { 200: TenantView, 404: ErrorBody, ...authErrors },
      },
    },
    async (request) => {
      return tenantView(await store.get(request.params.slug));
    },
  );

  app.patch(
    '/v1/tenants/:slug',
    {
      schema: {
        tags,
        summary: 'Alterar negócio',
        params: SlugParams,
        body: TenantPatch,
        response: { 200: TenantView, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody, ...authErrors },
      },
    },
    async (request) => {
      return tenantView(await store.update(request.params.slug, columnsFrom(request.body)));
    },
  );

  app.delete(
    '/v1/tenants/:slug',
    {
      schema: {
        tags,
        summary: 'Excluir negócio (com seus agendamentos e notificações)',
        params: SlugParams,
        response: { 204: Type.Null(), 404: ErrorBody, 409: ErrorBody, ...authErrors },
      },
    },
    async (request, reply) => {
      await store.remove(request.params.slug);
      return reply.status(204).send(null);
    },
  );
};
