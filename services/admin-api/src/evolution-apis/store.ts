import { conflict, decryptSecret, notFound } from '@bora/core';
import {
  type Db,
  type EvolutionApi,
  type EvolutionHealth,
  evolutionApis,
  type NewEvolutionApi,
  notifyFleetChanged,
  whatsappInstances,
} from '@bora/db';
import { asc, count, eq, sql } from 'drizzle-orm';
import { mapDbError } from '../db-errors.ts';

export const evolutionApiNotFound = () => notFound('EVOLUTION_API_NOT_FOUND', 'Evolution API não encontrada');

/**
 * The `evolution_apis` table's rules: every write tells the dispatchers the fleet changed in the
 * same transaction, and a server hosting WhatsApps is deleted only when the operator forces it.
 */
export function createEvolutionApiStore(db: Db) {
  return {
    async create(values: NewEvolutionApi): Promise<EvolutionApi> {
      return db
        .transaction(async (tx) => {
          const [inserted] = await tx.insert(evolutionApis).values(values).returning();
          await notifyFleetChanged(tx);
          return inserted!;
        })
        .catch(mapDbError);
    },

    /** Highest priority first, then by name (the balancer's order). */
    async list(): Promise<EvolutionApi[]> {
      return db
        .select()
        .from(evolutionApis)
        .orderBy(sql`${evolutionApis.priority} desc`, asc(evolutionApis.name));
    },

    async get(id: string): Promise<EvolutionApi> {
      const [row] = await db.select().from(evolutionApis).where(eq(evolutionApis.id, id));
      if (!row) throw evolutionApiNotFound();
      return row;
    },

    /** The server's webhook secret, decrypted; undefined for an unknown server. */
    async webhookSecret(id: string, secretKey: string): Promise<string | undefined> {
      const [row] = await db
        .select({ secret: evolutionApis.webhookSecretEncrypted })
        .from(evolutionApis)
        .where(eq(evolutionApis.id, id));
      return row ? decryptSecret(row.secret, secretKey) : undefined;
    },

    async update(id: string, values: Partial<NewEvolutionApi>): Promise<EvolutionApi> {
      return db
        .transaction(async (tx) => {
          const [updated] = await tx
            .update(evolutionApis)
            .set({ ...values, updatedAt: sql`now()` })
            .where(eq(evolutionApis.id, id))
            .returning();
          if (!updated) throw evolutionApiNotFound();
          await notifyFleetChanged(tx);
          return updated;
        })
        .catch(mapDbError);
    },

    /** What a check or poll found out about the server. */
    async recordHealth(id: string, health: EvolutionHealth, lastError: string | null): Promise<void> {
      await db.transaction(async (tx) => {
        await tx
          .update(evolutionApis)
          .set({ health, lastCheckedAt: sql`now()`, lastError, updatedAt: sql`now()` })
          .where(eq(evolutionApis.id, id));
        await notifyFleetChanged(tx);
      });
    },

    /**
     * Deletes the server. With WhatsApps on it, only when `force`: their registrations go with it
     * (the ledger keeps its history, references set null); nothing is called on the Evolution
     * side, which may be gone.
     */
    async remove(id: string, force: boolean): Promise<void> {
      await db.transaction(async (tx) => {
        const [server] = await tx
          .select({ id: evolutionApis.id })
          .from(evolutionApis)
          .where(eq(evolutionApis.id, id))
          .for('update');
        if (!server) throw evolutionApiNotFound();
        const [hosted] = await tx
          .select({ n: count() })
          .from(whatsappInstances)
          .where(eq(whatsappInstances.evolutionApiId, server.id));
        const instances = hosted?.n ?? 0;
        if (instances > 0 && !force) {
          // A WhatsApp session lives on its server: there is no "move", only remove and recreate.
          throw conflict(
            'EVOLUTION_API_HAS_INSTANCES',
            `Esta Evolution API ainda hospeda ${instances} WhatsApp(s). Um WhatsApp não pode ser movido entre servidores (a sessão fica neste servidor): ` +
              'exclua-os e cadastre-os de novo em outra Evolution API (escaneando o QR code outra vez), ' +
              'ou exclua com ?force=true, que apaga também o cadastro desses WhatsApps.',
            { instances },
          );
        }
        if (instances > 0) await tx.delete(whatsappInstances).where(eq(whatsappInstances.evolutionApiId, server.id));
        await tx.delete(evolutionApis).where(eq(evolutionApis.id, server.id));
        await notifyFleetChanged(tx);
      });
    },
  };
}

export type EvolutionApiStore = ReturnType<typeof createEvolutionApiStore>;
