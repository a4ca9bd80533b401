import { ErrorBody } from '@bora/http';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { TenantParams } from '../bookings/schemas.ts';
import { requireTenant } from '../bookings/create-booking.ts';
import type { TenantCache } from './tenant-cache.ts';

const TenantResponse = Type.Object({
  slug: Type.String({ examples: ['barbearia-do-ze'] }),
  name: Type.String({ examples: ['Barbearia do Zé'] }),
  timezone: Type.String({ examples: ['America/Sao_Paulo'] }),
});

export const tenantRoutes: FastifyPluginAsyncTypebox<{ tenants: TenantCache }> = async (app, { tenants }) => {
  app.get(
    '/v1/tenants/:slug',
    {
      schema: {
        tags: ['negócios'],
        summary: 'Dados públicos de um negócio',
        params: TenantParams,
        response: { 200: TenantResponse, 404: ErrorBody, 429: ErrorBody },
      },
    },
    async (request) => {
      const { slug, name, timezone } = await requireTenant(tenants, request.params.slug);
      return { slug, name, timezone };
    },
  );
};
