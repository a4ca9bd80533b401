import { notFound } from '@bora/core';
import {
  evolutionApis,
  type NewWhatsappInstance,
  notifyFleetChanged,
  tenants,
  whatsappInstances,
  type Db,
  type InstanceStatus,
  type Sql,
} from '@bora/db';
import { and, asc, count, desc, eq, ne, type SQL } from 'drizzle-orm';
import { mapDbError } from '../db-errors.ts';
import { tenantIdBySlug } from '../tenants/store.ts';
import { demoteOtherPrimary } from './placement.ts';
import { instanceSafety } from '../number-safety/instance-safety.ts';
import { iso } from '../common-schemas.ts';

export interface InstanceFilter {
  id?: string;
  status?: InstanceStatus;
  evolutionApiId?: string;
  tenantSlug?: string;
  limit?: number;
  offset?: number;
}

function whereOf(filter: InstanceFilter): SQL | undefined {
  const where: SQL[] = [];
  if (filter.id) where.push(eq(whatsappInstances.id, filter.id));
  if (filter.status) where.push(eq(whatsappInstances.status, filter.status));
  if (filter.evolutionApiId) where.push(eq(whatsappInstances.evolutionApiId, filter.evolutionApiId));
  if (filter.tenantSlug) where.push(eq(tenants.slug, filter.tenantSlug));
  return and(...where);
}

/**
 * Instances with their server's name and tenant's slug, as every instance route answers them, and
 * their number safety (age, warm-up, budgets, health, lock, re-link) when `safety` is given.
 */
export async function findInstances(
  db: Db,
  filter: InstanceFilter,
  safety?: { sql: Sql; relinkLink(relinkId: string): string },
) {
  const rows = await db
    .select({ instance: whatsappInstances, evolutionApiName: evolutionApis.name, tenantSlug: tenants.slug })
    .from(whatsappInstances)
    .innerJoin(evolutionApis, eq(evolutionApis.id, whatsappInstances.evolutionApiId))
    .leftJoin(tenants, eq(tenants.id, whatsappInstances.tenantId))
    .where(whereOf(filter))
    // instanceName is unique, so the order is total and offset pages neither repeat nor skip.
    .orderBy(
      desc(evolutionApis.priority),
      asc(evolutionApis.name),
      desc(whatsappInstances.isPrimary),
      asc(whatsappInstances.instanceName),
    )
    .limit(filter.limit ?? 1000)
    .offset(filter.offset ?? 0);
  const safe = safety
    ? await instanceSafety(
        safety.sql,
        rows.map((r) => r.instance.id),
        safety.relinkLink,
      )
    : undefined;
  return rows.map(({ instance, evolutionApiName, tenantSlug }) => ({
    id: instance.id,
    evolutionApiId: instance.evolutionApiId,
    evolutionApiName,
    instanceName: instance.instanceName,
    phoneNumber: instance.phoneNumber,
    displayName: instance.displayName,
    tenantSlug,
    isPrimary: instance.isPrimary,
    status: instance.status,
    statusChangedAt: iso(instance.statusChangedAt)!,
    createdAt: iso(instance.createdAt)!,
    updatedAt: iso(instance.updatedAt)!,
    ...(safe?.get(instance.id) ? { safety: safe.get(instance.id)! } : {}),
  }));
}

export type InstanceView = Awaited<ReturnType<typeof findInstances>>[number];

/** How many instances match the filter, ignoring limit and offset (for paging). */
export async function countInstances(db: Db, filter: InstanceFilter): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(whatsappInstances)
    .innerJoin(evolutionApis, eq(evolutionApis.id, whatsappInstances.evolutionApiId))
    .leftJoin(tenants, eq(tenants.id, whatsappInstances.tenantId))
    .where(whereOf(filter));
  return row?.n ?? 0;
}

/** `undefined`/`null` slug = a shared platform sender (no tenant). */
export async function tenantIdOf(db: Db, slug: string | null | undefined): Promise<string | null> {
  return slug === undefined || slug === null ? null : tenantIdBySlug(db, slug);
}

/** One instance with the server that hosts it (for calls to that server); 404 when unknown. */
export async function findInstanceWithServer(db: Db, id: string) {
  const [row] = await db
    .select({ instance: whatsappInstances, server: evolutionApis })
    .from(whatsappInstances)
    .innerJoin(evolutionApis, eq(evolutionApis.id, whatsappInstances.evolutionApiId))
    .where(eq(whatsappInstances.id, id));
  if (!row) throw instanceNotFound();
  return row;
}

export const instanceNotFound = () => notFound('WHATSAPP_INSTANCE_NOT_FOUND', 'WhatsApp não encontrado');

/** What `PATCH /v1/whatsapp-instances/:id` may change (number-safety columns already mapped). */
export interface InstanceChange {
  displayName?: string;
  tenantSlug?: string | null;
  isPrimary?: boolean;
  status?: InstanceStatus;
  safety: Partial<NewWhatsappInstance>;
}

/**
 * Applies an operator's change under the row's lock: a new primary demotes the tenant's other one
 * in the same transaction, a status change stamps `status_changed_at`, and the dispatchers hear of it.
 */
export async function updateInstance(db: Db, id: string, change: InstanceChange): Promise<void> {
  await db
    .transaction(async (tx) => {
      const [current] = await tx.select().from(whatsappInstances).where(eq(whatsappInstances.id, id)).for('update');
      if (!current) throw instanceNotFound();
      const values: Partial<NewWhatsappInstance> = { updatedAt: new Date(), ...change.safety };
      if (change.displayName !== undefined) values.displayName = change.displayName;
      if (change.tenantSlug !== undefined) values.tenantId = await tenantIdOf(db, change.tenantSlug);
      if (change.isPrimary !== undefined) values.isPrimary = change.isPrimary;
      if (change.status !== undefined && change.status !== current.status) {
        values.status = change.status;
        values.statusChangedAt = new Date();
      }
      const owner = values.tenantId === undefined ? current.tenantId : values.tenantId;
      if (change.isPrimary) await demoteOtherPrimary(tx, owner);
      await tx.update(whatsappInstances).set(values).where(eq(whatsappInstances.id, current.id));
      await notifyFleetChanged(tx);
    })
    .catch(mapDbError);
}

/** Asking the server tells us the real state too; record it so the page and the router agree. */
export async function recordInstanceStatus(db: Db, id: string, status: InstanceStatus): Promise<void> {
  await db.transaction(async (tx) => {
    const changed = await tx
      .update(whatsappInstances)
      .set({ status, statusChangedAt: new Date(), updatedAt: new Date() })
      .where(and(eq(whatsappInstances.id, id), ne(whatsappInstances.status, status)))
      .returning({ id: whatsappInstances.id });
    if (changed.length > 0) await notifyFleetChanged(tx);
  });
}

export async function deleteInstance(db: Db, id: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(whatsappInstances).where(eq(whatsappInstances.id, id));
    await notifyFleetChanged(tx);
  });
}
