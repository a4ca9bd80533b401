import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AdminApiDeps } from '../deps.ts';
import { getUsageStats } from './store.ts';
import { authErrors, NullableString } from '../common-schemas.ts';

const ServerUsage = Type.Object({
  id: Type.String(),
  name: Type.String(),
  connected: Type.Integer({ description: 'WhatsApps conectados neste servidor' }),
  capacity: Type.Integer(),
  available: Type.Integer({ description: 'capacity − registered' }),
  usage_percentage: Type.Integer({ description: 'round(registered / capacity × 100)' }),
  status: Type.String({
    description: '✅ Online, ⛔ Inativa, ⚠️ Inacessível, 🔑 Chave inválida, ⚠️ Incompatível ou ❔ Não verificada',
  }),
  priority: Type.Integer(),
  is_active: Type.Boolean(),
  registered: Type.Integer({ description: 'WhatsApps cadastrados neste servidor' }),
  health: Type.String(),
  last_checked_at: NullableString,
  last_error: NullableString,
});

const UsageStats = Type.Object({
  total_instances: Type.Integer({ description: 'Quantidade de servidores Evolution' }),
  total_capacity: Type.Integer(),
  total_connected: Type.Integer(),
  total_registered: Type.Integer(),
  instances: Type.Array(ServerUsage),
});

export const statsRoutes: FastifyPluginAsyncTypebox<{ deps: AdminApiDeps }> = async (app, { deps }) => {
  app.get(
    '/v1/stats/usage',
    {
      schema: {
        tags: ['stats'],
        summary: 'Uso da frota (get_usage_stats do documento original)',
        response: { 200: UsageStats, ...authErrors },
      },
    },
    async () => getUsageStats(deps.db.sql),
  );
};
