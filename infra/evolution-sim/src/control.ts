import { changeState } from './connection.ts';
import { numberDigits } from './jid.ts';
import { isFaulty, type SimStore } from './store.ts';
import type { SimControl } from './types.ts';
import type { WebhookEmitter } from './webhooks.ts';

/** The test-facing control surface; the `/__sim` HTTP routes call the same object. */
export function createControl(store: SimStore, webhooks: WebhookEmitter): SimControl {
  return {
    addServer: (server) => void store.addServer(server),
    addInstance: (server, instance) => void store.addInstance(server, instance),
    setInstanceState(server, instance, state) {
      changeState(store.instance(server, instance), state, webhooks);
    },
    setServerFaults(name, faults) {
      const server = store.server(name);
      server.faults = { ...server.faults, ...faults };
      server.faulty = isFaulty(server.faults);
    },
    setInstanceFaults(server, name, faults) {
      const instance = store.instance(server, name);
      instance.faults = { ...instance.faults, ...faults };
    },
    markUnregistered(numbers) {
      for (const number of numbers) store.unregistered.add(numberDigits(number));
    },
    setWebhookOptions(options) {
      store.webhook = { ...store.webhook, ...options };
    },
    messages(filter = {}) {
      const { server, instance } = filter;
      if (!server && !instance) return store.messages.slice();
      return store.messages.filter((m) => (!server || m.server === server) && (!instance || m.instance === instance));
    },
    clearMessages() {
      store.messages = [];
    },
    webhookDeliveries: () => store.deliveries.slice(),
    reset: () => store.reset(),
  };
}
