import { conflict, notFound, validationFailed } from '@bora/core';
import {
  PG_ERROR,
  pgConstraint,
  pgErrorCode,
  professionals,
  professionalServices,
  services,
  tenants,
  type Db,
  type Professional,
  type Service,
} from '@bora/db';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Static } from 'typebox';
import { iso } from '../common-schemas.ts';
import { tenantNotFound } from '../tenants/store.ts';
import type { ProfessionalView, ServiceView } from './schemas.ts';

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

const IN_USE: Record<string, [string, string]> = {
  bookings_service_id_services_id_fk: [
    'SERVICE_IN_USE',
    'Este serviço tem agendamentos; desative-o (active: false) em vez de excluir',
  ],
  bookings_professional_id_professionals_id_fk: [
    'PROFESSIONAL_IN_USE',
    'Este profissional tem agendamentos; desative-o (active: false) em vez de excluir',
  ],
};
const TAKEN: Record<string, [string, string]> = {
  services_tenant_name_unique: ['SERVICE_NAME_TAKEN', 'Já existe um serviço com esse nome neste negócio'],
  professionals_tenant_name_unique: [
    'PROFESSIONAL_NAME_TAKEN',
    'Já existe um profissional com esse nome neste negócio',
  ],
};

/** Constraint violations an operator can act on, in pt-BR; anything else is rethrown. */
function mapError(error: unknown): never {
  const code = pgErrorCode(error);
  const constraint = pgConstraint(error) ?? '';
  if (code === PG_ERROR.uniqueViolation && TAKEN[constraint]) throw conflict(...TAKEN[constraint]);
  if (code === PG_ERROR.foreignKeyViolation && IN_USE[constraint]) throw conflict(...IN_USE[constraint]);
  throw error;
}

const serviceNotFound = () => notFound('SERVICE_NOT_FOUND', 'Serviço não encontrado neste negócio');
const professionalNotFound = () => notFound('PROFESSIONAL_NOT_FOUND', 'Profissional não encontrado neste negócio');

/** Reais with at most two decimals → centavos (45.5 → 4550), or a 400 naming `price`. */
export function toCents(price: number | null | undefined): number | null | undefined {
  if (price === undefined || price === null) return price;
  const cents = Math.round(price * 100);
  if (Math.abs(cents - price * 100) > 1e-6)
    throw validationFailed([{ field: 'price', message: 'use no máximo 2 casas decimais (centavos)' }]);
  return cents;
}

function serviceView(row: Service, professionalIds: string[]): Static<typeof ServiceView> {
  return {
    id: row.id,
    name: row.name,
    durationMinutes: row.durationMinutes,
    price: row.priceCents === null ? null : row.priceCents / 100,
    active: row.active,
    professionalIds,
    createdAt: iso(row.createdAt)!,
    updatedAt: iso(row.updatedAt)!,
  };
}

function professionalView(row: Professional, serviceIds: string[]): Static<typeof ProfessionalView> {
  return {
    id: row.id,
    name: row.name,
    active: row.active,
    serviceIds,
    createdAt: iso(row.createdAt)!,
    updatedAt: iso(row.updatedAt)!,
  };
}

export type NewServiceValues = { name: string; durationMinutes: number; priceCents?: number | null; active?: boolean };
export type NewProfessionalValues = { name?: string; active?: boolean; serviceIds?: string[] };

/** The tenant a catalogue route names, optionally locked for the transaction (concurrent saves queue). */
export async function catalogueTenant(
  tx: Db | Tx,
  slug: string,
  lock = false,
): Promise<{ id: string; timezone: string }> {
  const query = tx.select({ id: tenants.id, timezone: tenants.timezone }).from(tenants).where(eq(tenants.slug, slug));
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw tenantNotFound();
  return row;
}

/** The services and professionals of one tenant (by slug): every query admin-api makes of them. */
export function createCatalogueStore(db: Db) {
  const tenantOf = (slug: string, tx: Db | Tx = db, lock = false) => catalogueTenant(tx, slug, lock);

  async function links(
    tenantId: string,
    by: 'service' | 'professional',
    ids?: string[],
  ): Promise<Map<string, string[]>> {
    const rows = await db
      .select({ serviceId: professionalServices.serviceId, professionalId: professionalServices.professionalId })
      .from(professionalServices)
      .innerJoin(professionals, eq(professionals.id, professionalServices.professionalId))
      .where(
        and(
          eq(professionals.tenantId, tenantId),
          ids
            ? inArray(by === 'service' ? professionalServices.serviceId : professionalServices.professionalId, ids)
            : undefined,
        ),
      )
      .orderBy(asc(professionalServices.professionalId), asc(professionalServices.serviceId));
    const map = new Map<string, string[]>();
    for (const row of rows) {
      const [key, value] = by === 'service' ? [row.serviceId, row.professionalId] : [row.professionalId, row.serviceId];
      map.set(key, [...(map.get(key) ?? []), value]);
    }
    return map;
  }

  /** The service ids must all be this tenant's: a professional cannot do another business's service. */
  async function checkServiceIds(tx: Tx, tenantId: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const found = await tx
      .select({ id: services.id })
      .from(services)
      .where(and(eq(services.tenantId, tenantId), inArray(services.id, ids)));
    const known = new Set(found.map((r) => r.id));
    const unknown = ids.filter((id) => !known.has(id));
    if (unknown.length > 0)
      throw validationFailed([
        { field: 'serviceIds', message: `serviço não encontrado neste negócio: ${unknown.join(', ')}` },
      ]);
  }

  return {
    tenantOf,

    async listServices(slug: string) {
      const tenant = await tenantOf(slug);
      const rows = await db.select().from(services).where(eq(services.tenantId, tenant.id)).orderBy(asc(services.name));
      const by = await links(tenant.id, 'service');
      return rows.map((row) => serviceView(row, by.get(row.id) ?? []));
    },

    async getService(slug: string, id: string) {
      const tenant = await tenantOf(slug);
      const [row] = await db
        .select()
        .from(services)
        .where(and(eq(services.tenantId, tenant.id), eq(services.id, id)));
      if (!row) throw serviceNotFound();
      return serviceView(row, (await links(tenant.id, 'service', [id])).get(id) ?? []);
    },

    async createService(slug: string, values: NewServiceValues) {
      const tenant = await tenantOf(slug);
      const [row] = await db
        .insert(services)
        .values({ ...values, tenantId: tenant.id })
        .returning()
        .catch(mapError);
      return serviceView(row!, []);
    },

    async updateService(slug: string, id: string, values: Partial<NewServiceValues>) {
      const tenant = await tenantOf(slug);
      const [row] = await db
        .update(services)
        .set({ ...values, updatedAt: sql`now()` })
        .where(and(eq(services.tenantId, tenant.id), eq(services.id, id)))
        .returning()
        .catch(mapError);
      if (!row) throw serviceNotFound();
      return serviceView(row, (await links(tenant.id, 'service', [id])).get(id) ?? []);
    },

    async deleteService(slug: string, id: string) {
      const tenant = await tenantOf(slug);
      const deleted = await db
        .delete(services)
        .where(and(eq(services.tenantId, tenant.id), eq(services.id, id)))
        .returning({ id: services.id })
        .catch(mapError);
      if (deleted.length === 0) throw serviceNotFound();
    },

    async listProfessionals(slug: string) {
      const tenant = await tenantOf(slug);
      const rows = await db
        .select()
        .from(professionals)
        .where(eq(professionals.tenantId, tenant.id))
        .orderBy(asc(professionals.name));
      const by = await links(tenant.id, 'professional');
      return rows.map((row) => professionalView(row, by.get(row.id) ?? []));
    },

    async getProfessional(slug: string, id: string) {
      const tenant = await tenantOf(slug);
      const [row] = await db
        .select()
        .from(professionals)
        .where(and(eq(professionals.tenantId, tenant.id), eq(professionals.id, id)));
      if (!row) throw professionalNotFound();
      return professionalView(row, (await links(tenant.id, 'professional', [id])).get(id) ?? []);
    },

    /** Creates (no id) or updates a professional; `serviceIds`, when given, replaces the set. */
    async saveProfessional(slug: string, id: string | undefined, values: NewProfessionalValues) {
      return db.transaction(async (tx) => {
        const tenant = await tenantOf(slug, tx);
        const { serviceIds, ...columns } = values;
        if (serviceIds) await checkServiceIds(tx, tenant.id, serviceIds);
        const [row] = id
          ? await tx
              .update(professionals)
              .set({ ...columns, updatedAt: sql`now()` })
              .where(and(eq(professionals.tenantId, tenant.id), eq(professionals.id, id)))
              .returning()
              .catch(mapError)
          : await tx
              .insert(professionals)
              .values({ name: columns.name!, active: columns.active, tenantId: tenant.id })
              .returning()
              .catch(mapError);
        if (!row) throw professionalNotFound();
        if (serviceIds) {
          await tx.delete(professionalServices).where(eq(professionalServices.professionalId, row.id));
          if (serviceIds.length > 0)
            await tx
              .insert(professionalServices)
              .values(serviceIds.map((serviceId) => ({ professionalId: row.id, serviceId })));
        }
        const current = await tx
          .select({ id: professionalServices.serviceId })
          .from(professionalServices)
          .where(eq(professionalServices.professionalId, row.id))
          .orderBy(asc(professionalServices.serviceId));
        return professionalView(
          row,
          current.map((r) => r.id),
        );
      });
    },

    async deleteProfessional(slug: string, id: string) {
      const tenant = await tenantOf(slug);
      const deleted = await db
        .delete(professionals)
        .where(and(eq(professionals.tenantId, tenant.id), eq(professionals.id, id)))
        .returning({ id: professionals.id })
        .catch(mapError);
      if (deleted.length === 0) throw professionalNotFound();
    },
  };
}

export type CatalogueStore = ReturnType<typeof createCatalogueStore>;
