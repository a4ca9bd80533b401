import fp from 'fastify-plugin';
import { pollQuietInbound } from './backstop.ts';
import type { AdminApiDeps } from '../deps.ts';
import { runPeriodically } from '../periodic.ts';

/** Polls quiet instances for customer messages no webhook brought, every `intervalMs` (one replica at a time). */
export const inboundBackstopPlugin = fp<{ deps: AdminApiDeps; intervalMs: number }>(
  async (app, { deps, intervalMs }) => {
    runPeriodically(app, {
      name: 'inbound backstop',
      lockId: 727_100_011,
      intervalMs,
      sql: deps.db.sql,
      round: async () => void (await pollQuietInbound(deps)),
    });
  },
  { name: 'inbound-backstop' },
);
