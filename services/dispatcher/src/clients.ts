import { createEvolutionClient, type EvolutionClient } from '@bora/evolution-client';
import type { SenderServer } from './fleet-snapshot.ts';

export interface ClientPool {
  /** One keep-alive client per server, rebuilt when the server's URL or key changes. */
  get(server: SenderServer): EvolutionClient;
  close(): void;
}

export function createClientPool(timeoutMs: number): ClientPool {
  const clients = new Map<string, { signature: string; client: EvolutionClient }>();
  return {
    get(server) {
      const signature = `${server.url}\n${server.apiKey}`;
      const entry = clients.get(server.id);
      if (entry && entry.signature === signature) return entry.client;
      entry?.client.close();
      const client = createEvolutionClient({ baseUrl: server.url, apiKey: server.apiKey, timeoutMs });
      clients.set(server.id, { signature, client });
      return client;
    },
    close() {
      for (const { client } of clients.values()) client.close();
      clients.clear();
    },
  };
}
