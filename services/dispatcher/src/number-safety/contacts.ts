import { contactHistory, type Sql } from '@bora/db';

/**
 * Who already talked with a customer (`@bora/db`'s contact sources: our accepted sends, and what
 * else is added there), cached briefly per recipient. A send this process makes is remembered at
 * once, so a reminder right after a confirmation keeps its number (sticky) and is no new contact;
 * another replica's sends are seen when the entry expires.
 */
export function createContactBook(sql: Sql, options: { ttlMs?: number; maxEntries?: number } = {}) {
  const ttlMs = options.ttlMs ?? 30_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const cache = new Map<string, { at: number; talked: Map<string, number> }>();

  function store(recipient: string, talked: Map<string, number>): void {
    cache.delete(recipient);
    if (cache.size >= maxEntries) cache.delete(cache.keys().next().value!);
    cache.set(recipient, { at: Date.now(), talked });
  }

  return {
    /** The numbers that talked with this recipient, most recent first (instance id → epoch ms). */
    async talkedWith(recipient: string): Promise<ReadonlyMap<string, number>> {
      const hit = cache.get(recipient);
      if (hit && Date.now() - hit.at < ttlMs) return hit.talked;
      const history = await contactHistory(sql, [recipient]);
      const talked = new Map([...history].map(([id, at]) => [id, at.getTime()]));
      store(recipient, talked);
      return talked;
    },
    /** This process just sent to `recipient` from `instanceId`: it is now the most recent. */
    remember(recipient: string, instanceId: string, at = Date.now()): void {
      const hit = cache.get(recipient);
      const talked = new Map<string, number>([[instanceId, at]]);
      for (const [id, when] of hit?.talked ?? []) if (id !== instanceId) talked.set(id, when);
      store(recipient, talked);
    },
  };
}

export type ContactBook = ReturnType<typeof createContactBook>;
