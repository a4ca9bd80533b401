import type { RouteCandidate } from '@bora/balancer';
import { withDeadline } from '@bora/core';
import type { EvolutionError } from '@bora/evolution-client';
import type { Logger } from '@bora/logger';
import type { CircuitBreaker, CircuitState } from './circuit.ts';
import type { Fleet, SenderServer } from './fleet-snapshot.ts';
import type { DispatcherMetrics } from './metrics.ts';

/**
 * Bookkeeping about senders after a send: circuits (Redis), instance and server status (Postgres).
 * It comes after the ledger write and each step is bounded: a frozen Redis or a locked table may
 * slow the next message's routing, never the record of this one.
 */
const BOOKKEEPING_MS = 2_000;

export function createSenderBookkeeping(deps: { circuit: CircuitBreaker; fleet: Fleet; metrics: DispatcherMetrics }) {
  // Servers this process saw fail recently: only for them is a success worth a Redis write.
  const suspects = new Set<string>();
  const allClosed: CircuitState = { open: new Set(), halfOpen: new Set() };

  function bounded<T>(work: () => Promise<T>, what: string, log: Logger, fallback: T): Promise<T> {
    return withDeadline(work(), BOOKKEEPING_MS, what).catch((err: unknown) => {
      log.warn({ err }, `${what} failed; going on without it`);
      return fallback;
    });
  }

  return {
    /** Open and half-open circuits; on a Redis that does not answer in time, none (routing goes on). */
    circuits(log?: Logger): Promise<CircuitState> {
      const fresh = deps.circuit.peek();
      if (fresh) return Promise.resolve(fresh);
      return withDeadline(deps.circuit.state(), BOOKKEEPING_MS, 'circuit read').catch((err: unknown) => {
        log?.warn({ err }, 'circuit state unavailable; routing as if every circuit were closed');
        return allClosed;
      });
    },

    /** Whether this send may be the one probe of a half-open server (a Redis that does not answer: no). */
    probe(serverId: string, log: Logger): Promise<boolean> {
      return bounded(() => deps.circuit.tryProbe(serverId), 'circuit probe', log, false);
    },

    async succeeded(server: SenderServer, log: Logger): Promise<void> {
      // The common case — a server nobody saw fail — costs nothing: no Redis, no timer.
      const fresh = deps.circuit.peek();
      if (!suspects.has(server.id) && fresh && !fresh.open.has(server.id) && !fresh.halfOpen.has(server.id)) return;
      await bounded(
        async () => {
          const { open, halfOpen } = await deps.circuit.state();
          if (!suspects.has(server.id) && !open.has(server.id) && !halfOpen.has(server.id)) return;
          suspects.delete(server.id);
          if (await deps.circuit.recordSuccess(server.id)) {
            deps.metrics.circuitTransitions.inc({ server: server.name, to: 'closed' });
            log.info({ evolutionApiId: server.id }, 'circuit closed: server answering again');
          }
        },
        'circuit success',
        log,
        undefined,
      );
    },

    /** `log` already carries the server, instance, code and technical detail of the failed send. */
    async failed(
      scope: string,
      server: SenderServer,
      candidate: RouteCandidate,
      error: EvolutionError | undefined,
      log: Logger,
    ): Promise<void> {
      if (scope === 'instance') {
        log.warn('instance cannot send; marked disconnected, failing over');
        await bounded(
          () => deps.fleet.markInstanceDisconnected(candidate.instanceId),
          'mark instance disconnected',
          log,
          undefined,
        );
        return;
      }
      if (scope === 'auth') {
        log.error(
          { server: server.name },
          'Evolution server refused our registration (key or redirect): routing to it stopped until an operator fixes it',
        );
        const health = error?.code === 'REDIRECTED' ? 'incompatible' : 'unauthorized';
        await bounded(
          () =>
            deps.fleet.markServerUnusable(
              server.id,
              health,
              error?.userMessage ?? 'Chave de API rejeitada pelo servidor Evolution',
            ),
          'mark server unusable',
          log,
          undefined,
        );
        return;
      }
      suspects.add(server.id);
      const opened = await bounded(() => deps.circuit.recordFailure(server.id), 'circuit failure', log, false);
      if (opened) {
        deps.metrics.circuitTransitions.inc({ server: server.name, to: 'open' });
        log.warn({ server: server.name }, 'circuit opened: server failing, routing around it');
      } else {
        log.warn('server error; failing over');
      }
    },
  };
}

export type SenderBookkeeping = ReturnType<typeof createSenderBookkeeping>;
