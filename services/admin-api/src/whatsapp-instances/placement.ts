import { mapDbError } from '../db-errors.ts';
import { NO_EVOLUTION_API_AVAILABLE, placeInstance, type PlacementServer } from '@bora/balancer';
import { AppError, conflict, notFound } from '@bora/core';
import {
  type Db,
  type EvolutionApi,
  evolutionApis,
  type NewWhatsappInstance,
  notifyFleetChanged,
  whatsappInstances,
} from '@bora/db';
import { and, count, eq, isNull, sql } from 'drizzle-orm';

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Concurrent placements that lose the race for a server's last slot re-run placement; this caps it. */
const MAX_PLACEMENT_ROUNDS = 10;

export interface PlacedInstance {
  instance: typeof whatsappInstances.$inferSelect;
  server: EvolutionApi;
  chosenBy: 'balancer' | 'operator';
  reason: string;
}

async function serversWithUsage(tx: Tx): Promise<PlacementServer[]> {
  const rows = await tx.execute<{
    id: string;
    name: string;
    capacity: number;
    priority: number;
    is_active: boolean;
    used: number;
  }>(sql`
    select e.id, e.name, e.capacity, e.priority, e.is_active, coalesce(w.used, 0)::int as used
    from evolution_apis e
    left join (select evolution_api_id, count(*) as used from whatsapp_instances group by evolution_api_id) w
      on w.evolution_api_id = e.id`);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    capacity: r.capacity,
    priority: r.priority,
    isActive: r.is_active,
    used: r.used,
  }));
}

/** One primary per owner (a tenant, or the shared pool): making one primary demotes the previous. */
export async function demoteOtherPrimary(tx: Tx, tenantId: string | null): Promise<void> {
  const sameOwner = tenantId === null ? isNull(whatsappInstances.tenantId) : eq(whatsappInstances.tenantId, tenantId);
  await tx
    .update(whatsappInstances)
    .set({ isPrimary: false, updatedAt: sql`now()` })
    .where(and(sameOwner, eq(whatsappInstances.isPrimary, true)));
}

/**
 * Registers a WhatsApp instance on the server the operator named, or on the one the balancer
 * picks (the seed's criteria over registered counts). Capacity is re-checked after locking the
 * chosen server's row, so two concurrent placements can never both take its last slot: the
 * loser sees the winner's committed row and places again.
 */
export async function placeAndInsert(
  db: Db,
  input: { evolutionApiId?: string | null; values: Omit<NewWhatsappInstance, 'evolutionApiId'> },
): Promise<PlacedInstance> {
  const placed: Promise<PlacedInstance> = db.transaction(async (tx) => {
    for (let round = 0; round < MAX_PLACEMENT_ROUNDS; round++) {
      let serverId = input.evolutionApiId ?? undefined;
      let reason = 'escolhido pelo operador';
      if (!serverId) {
        const decision = placeInstance(await serversWithUsage(tx));
        if (!decision.ok) {
          throw new AppError(NO_EVOLUTION_API_AVAILABLE, decision.message, {
            statusCode: 409,
            details: { verdicts: decision.verdicts },
          });
        }
        serverId = decision.server.id;
        reason = decision.reason;
      }
      const [server] = await tx.select().from(evolutionApis).where(eq(evolutionApis.id, serverId)).for('update');
      if (!server) throw notFound('EVOLUTION_API_NOT_FOUND', 'Evolution API não encontrada');
      const [hosted] = await tx
        .select({ n: count() })
        .from(whatsappInstances)
        .where(eq(whatsappInstances.evolutionApiId, server.id));
      const used = hosted?.n ?? 0;
      if (used >= server.capacity) {
        if (input.evolutionApiId) {
          throw conflict(
            'EVOLUTION_API_FULL',
            `A Evolution API "${server.name}" está cheia (${used}/${server.capacity})`,
          );
        }
        continue;
      }
      if (input.values.isPrimary) await demoteOtherPrimary(tx, input.values.tenantId ?? null);
      const [instance] = await tx
        .insert(whatsappInstances)
        .values({ ...input.values, evolutionApiId: server.id })
        .returning();
      await notifyFleetChanged(tx);
      return { instance: instance!, server, chosenBy: input.evolutionApiId ? 'operator' : 'balancer', reason };
    }
    throw new AppError(NO_EVOLUTION_API_AVAILABLE, 'Nenhuma Evolution API disponível', { statusCode: 409 });
  });
  // A taken name or phone, or a second primary, is a 409 the operator can act on.
  return placed.catch(mapDbError);
}
