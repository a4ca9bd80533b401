import { openingHours, professionals, professionalServices, services, type Db } from '@bora/db';
import { eq } from 'drizzle-orm';
import { DEMO_CATALOGUE } from './demo-catalogue.ts';

/**
 * The demo catalogue, written once: a tenant that already has any service (the demo one from an
 * earlier run, or one an operator built on the fleet page) is left exactly as it is.
 */
export async function seedDemoCatalogue(db: Db, tenantId: string): Promise<void> {
  await db.transaction(async (tx) => {
    // Two `pnpm start`s at once: the second waits here, then finds the services.
    await tx.execute(`select pg_advisory_xact_lock(727100020)`);
    const existing = await tx
      .select({ id: services.id })
      .from(services)
      .where(eq(services.tenantId, tenantId))
      .limit(1);
    if (existing.length > 0) return;
    const created = await tx
      .insert(services)
      .values(DEMO_CATALOGUE.services.map((s) => ({ ...s, tenantId })))
      .returning({ id: services.id, name: services.name });
    const serviceId = new Map(created.map((s) => [s.name, s.id]));
    for (const p of DEMO_CATALOGUE.professionals) {
      const [row] = await tx
        .insert(professionals)
        .values({ tenantId, name: p.name })
        .returning({ id: professionals.id });
      await tx
        .insert(professionalServices)
        .values(p.services.map((name) => ({ professionalId: row!.id, serviceId: serviceId.get(name)! })));
    }
    await tx
      .insert(openingHours)
      .values(DEMO_CATALOGUE.weekly.map((h) => ({ ...h, tenantId })))
      .onConflictDoNothing();
  });
}
