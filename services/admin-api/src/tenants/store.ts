import { conflict, notFound } from '@bora/core';
import { type Db, type NewTenant, type Tenant, tenants, whatsappInstances } from '@bora/db';
import { asc, count, eq, sql } from 'drizzle-orm';
import { mapDbError } from '../db-errors.ts';

export const tenantNotFound = () => notFound('TENANT_NOT_FOUND', 'Negócio não encontrado');

/** The tenant's id by its slug, or a 404: what every `/v1/tenants/:slug/…` route starts with. */
export async function tenantIdBySlug(db: Db, slug: string): Promise<string> {
  const [tenant] = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, slug));
  if (!tenant) throw tenantNotFound();
  return tenant.id;
}

/** The `tenants` table's rules: a taken slug is a 409; a tenant with numbers is not deleted. */
export function createTenantStore(db: Db) {
  return {
    async create(values: NewTenant): Promise<Tenant> {
      const [row] = await db.insert(tenants).values(values).returning().catch(mapDbError);
      return row!;
    },

    async list(page: { limit: number; offset: number }): Promise<Tenant[]> {
      return db.select().from(tenants).orderBy(asc(tenants.slug)).limit(page.limit).offset(page.offset);
    },

    async get(slug: string): Promise<Tenant> {
      const [row] = await db.select().from(tenants).where(eq(tenants.slug, slug));
      if (!row) throw tenantNotFound();
      return row;
    },

    async update(slug: string, values: Partial<NewTenant>): Promise<Tenant> {
      const [row] = await db
        .update(tenants)
        .set({ ...values, updatedAt: sql`now()` })
        .where(eq(tenants.slug, slug))
        .returning()
        .catch(mapDbError);
      if (!row) throw tenantNotFound();
      return row;
    },

    /** With its bookings and notifications (cascade); refused while it still has WhatsApps. */
    async remove(slug: string): Promise<void> {
      await db.transaction(async (tx) => {
        const [tenant] = await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, slug)).for('update');
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
    },
  };
}
