import { ErrorBody } from '@bora/http';
import {
  conflict,
  isValidTimezone,
  normalizeMobilePhone,
  notFound,
  validationFailed,
  type FieldProblem,
} from '@bora/core';
import { tenants, whatsappInstances, type NewTenant } from '@bora/db';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { asc, count, eq, sql } from 'drizzle-orm';
import { Type, type Static } from 'typebox';
import type { AdminApiDeps } from '../deps.ts';
import { mapDbError } from '../db-errors.ts';
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

const tenantNotFound = () => notFound('TENANT_NOT_FOUND', 'Negócio não encontrado');

/** The seed's "negócios": who books, in which timezone, with which message templates. */
export const tenantAdminRoutes: FastifyPluginAsyncTypebox<{ deps: AdminApiDeps }> = async (app, { deps }) => {
  const { db } = deps.db;
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
      const [row] = await db.insert(tenants).values(values).returning().catch(mapDbError);
      return reply.status(201).send(tenantView(row!));
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
      const rows = await db
        .select()
        .from(tenants)
        .orderBy(asc(tenants.slug))
        .limit(request.query.limit)
        .offset(request.query.offset);
      return { items: rows.map(tenantView) };
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
      const [row] = await db.select().from(tenants).where(eq(tenants.slug, request.params.slug));
      if (!row) throw tenantNotFound();
      return tenantView(row);
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
      const values = { ...columnsFrom(request.body), updatedAt: sql`now()` };
      const [row] = await db
        .update(tenants)
        .set(values)
        .where(eq(tenants.slug, request.params.slug))
        .returning()
        .catch(mapDbError);
      if (!row) throw tenantNotFound();
      return tenantView(row);
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
      await db.transaction(async (tx) => {
        const [tenant] = await tx
          .select({ id: tenants.id })
          .from(tenants)
          .where(eq(tenants.slug, request.params.slug))
          .for('update');
        if (!tenant) throw tenantNotFound();
        // Its numbers would silently become shared senders (tenantId set null) and carry other
        // businesses' messages: make the operator move or remove them first.
        const [held] = await tx
          .select({ n: count() })
          .from(whatsappInstances)
          .where(eq(whatsappInstances.tenantId, tenant.id));
        if ((held?.n ?? 0) > 0) {
          throw conflict(
            'TENANT_HAS_INSTANCES',
            `O negócio ainda tem ${held!.n} WhatsApp(s); remova-os ou mova-os antes de excluir`,
          );
        }
        await tx.delete(tenants).where(eq(tenants.id, tenant.id));
      });
      return reply.status(204).send(null);
    },
  );
};
