import type { RouteCandidate } from '@bora/balancer';
import type { NumberSafetyConfig } from '@bora/config';
import { withDeadline } from '@bora/core';
import type { Logger } from '@bora/logger';
import type { Fleet, FleetView } from '../fleet-snapshot.ts';
import type { SlotBudget } from '../pacing.ts';
import { budgetUnits, slotBudgetFor } from './budget.ts';
import type { ContactBook } from './contacts.ts';
import { typingDelay } from './typing.ts';

/** What number safety adds to one message's pass: who talked with the customer, each number's budget, typing time. */
export interface MessageSafety {
  /** Numbers that talked with this customer, most recent first (routing's sticky sender). */
  preferredInstances?: readonly string[];
  /**
   * Candidates to route among: with budgets every number of a business may be needed to spread
   * a burst (the default 5 would leave its sixth number idle while the first five wait).
   */
  routeLimit?: number;
  budgetOf(candidate: RouteCandidate): SlotBudget | undefined;
  /** Evolution's `delay` for this text (0 = none). */
  typingMs: number;
  /** After a send went through: remember the contact, note the send for warm-up (bounded, never throws). */
  afterSent(candidate: RouteCandidate, log: Logger): Promise<void>;
}

const ROUTE_LIMIT = 25;

const OFF: MessageSafety = { budgetOf: () => undefined, typingMs: 0, afterSent: async () => {} };

export function createMessageSafety(deps: { config: NumberSafetyConfig; contacts: ContactBook; fleet: Fleet }) {
  const { config } = deps;
  const units = budgetUnits(config.timeScale);
  const idleMs = config.warmup.idleHours * units.hourMs;

  return {
    enabled: config.enabled,
    units,
    async forMessage(message: { recipient: string; text: string }, view: FleetView): Promise<MessageSafety> {
      if (!config.enabled) return OFF;
      const talked = await deps.contacts.talkedWith(message.recipient);
      const now = Date.now();
      return {
        preferredInstances: [...talked.keys()],
        routeLimit: ROUTE_LIMIT,
        budgetOf(candidate) {
          const row = view.safety.get(candidate.instanceId);
          return row ? slotBudgetFor(row, !talked.has(candidate.instanceId), now, config, units) : undefined;
        },
        typingMs: typingDelay(message.text, config.typing),
        async afterSent(candidate, log) {
          deps.contacts.remember(message.recipient, candidate.instanceId);
          await withDeadline(
            deps.fleet.noteSent(candidate.instanceId, { hourMs: units.hourMs, idleMs }),
            2_000,
            'note send',
          ).catch((err: unknown) => {
            log.warn({ err }, 'could not note the send for warm-up; going on without it');
          });
        },
      };
    },
  };
}

export type MessageSafetyFactory = ReturnType<typeof createMessageSafety>;
