import { validationFailed } from '@bora/core';
import type { Sql } from '@bora/db';
import { ErrorBody } from '@bora/http';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireTenant } from '../bookings/create-booking.ts';
import { TenantParams } from '../bookings/schemas.ts';
import type { TenantCache } from '../tenants/tenant-cache.ts';
import { SlotsQuery, SlotsResponse } from './schemas.ts';
import { loadDays, requireCatalogue, slotsOfDay, slotView } from './slots.ts';
import { parseDay, safeZone } from './zone.ts';

/** `GET /v1/tenants/:slug/slots`: one day's free times, in the tenant's zone. */
export const slotRoutes: FastifyPluginAsyncTypebox<{ tenants: TenantCache; sql: Sql; now?: () => number }> = async (
  app,
  options,
) => {
  const now = options.now ?? Date.now;
  app.get(
    '/v1/tenants/:slug/slots',
    {
      schema: {
        tags: ['agendamentos'],
        summary: 'Horários livres de um dia para um serviço',
        description:
          'Calculados a partir do horário de atendimento (com as exceções do dia), menos os agendamentos confirmados, com a duração do serviço, ' +
          'a antecedência mínima e o limite de dias à frente do negócio. Um dia fechado, passado ou fora do limite responde `{"slots":[]}`.',
        params: TenantParams,
        querystring: SlotsQuery,
        response: { 200: SlotsResponse, 400: ErrorBody, 404: ErrorBody, 429: ErrorBody },
      },
    },
    async (request) => {
      const tenant = await requireTenant(options.tenants, request.params.slug);
      const { serviceId, professionalId, date } = request.query;
      const day = parseDay(date);
      if (day === undefined) throw validationFailed([{ field: 'date', message: 'data inexistente' }]);
      const zone = safeZone(tenant.timezone);
      const ctx = await loadDays(options.sql, { tenantId: tenant.id, serviceId, professionalId }, day, day, zone);
      requireCatalogue(ctx, professionalId);
      return { slots: slotsOfDay(ctx, day, zone, now()).map((slot) => slotView(slot, zone)) };
    },
  );
};
