import type { Sql } from '@bora/db';
import { ErrorBody } from '@bora/http';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { TenantParams } from '../bookings/schemas.ts';
import { requireTenant } from '../bookings/create-booking.ts';
import { loadPublicCatalogue } from '../catalogue/store.ts';
import type { TenantCache } from './tenant-cache.ts';

const Uuid = Type.String({ format: 'uuid' });

const TenantResponse = Type.Object({
  slug: Type.String({ examples: ['barbearia-do-ze'] }),
  name: Type.String({ examples: ['Barbearia do Zé'] }),
  timezone: Type.String({ examples: ['America/Sao_Paulo'] }),
  services: Type.Array(
    Type.Object({
      id: Uuid,
      name: Type.String({ examples: ['Corte de cabelo'] }),
      durationMinutes: Type.Integer({ examples: [30] }),
      price: Type.Union([Type.Number(), Type.Null()], {
        description: 'Em reais (45.5 = R$ 45,50); null = sem preço exibido',
      }),
    }),
    {
      description:
        'Serviços ativos do catálogo; vazio = negócio sem catálogo (agendamentos com os campos livres legados)',
    },
  ),
  professionals: Type.Array(
    Type.Object({
      id: Uuid,
      name: Type.String({ examples: ['Zé'] }),
      serviceIds: Type.Array(Uuid, { description: 'Serviços que faz' }),
    }),
    { description: 'Profissionais ativos, com os serviços que fazem' },
  ),
});

export const tenantRoutes: FastifyPluginAsyncTypebox<{ tenants: TenantCache; sql: Sql }> = async (
  app,
  { tenants, sql },
) => {
  app.get(
    '/v1/tenants/:slug',
    {
      schema: {
        tags: ['negócios'],
        summary: 'Dados públicos de um negócio e o seu catálogo',
        params: TenantParams,
        response: { 200: TenantResponse, 404: ErrorBody, 429: ErrorBody },
      },
    },
    async (request) => {
      const { id, slug, name, timezone } = await requireTenant(tenants, request.params.slug);
      return { slug, name, timezone, ...(await loadPublicCatalogue(sql, id)) };
    },
  );
};
