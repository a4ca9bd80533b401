import type { Db } from '@bora/db';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { hoursRoutes } from './hours-routes.ts';
import { professionalRoutes } from './professional-routes.ts';
import { serviceRoutes } from './service-routes.ts';
import { createScheduleStore } from './schedule-store.ts';
import { createCatalogueStore } from './store.ts';

/**
 * A tenant's catalogue, registered with `{ prefix: '/v1/tenants/:slug' }`: services,
 * professionals, opening hours and booking settings. booking-api reads the same tables for slots
 * and bookings (its tenant cache notices a new catalogue within TENANT_CACHE_TTL_MS).
 */
export const catalogueRoutes: FastifyPluginAsyncTypebox<{ db: Db }> = async (app, { db }) => {
  const store = createCatalogueStore(db);
  await app.register(serviceRoutes, { store });
  await app.register(professionalRoutes, { store });
  await app.register(hoursRoutes, { store: createScheduleStore(db) });
};
