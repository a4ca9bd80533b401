import { changeState, floodConnectionUpdates, logoutInstance } from './connection.ts';
import type { SimContext } from './context.ts';
import type { SimControl } from './control-types.ts';
import { SimControlError } from './errors.ts';
import { receiveInbound } from './inbound.ts';
import { evictCached, saveCached } from './is-on-whatsapp.ts';
import { createJid, numberDigits } from './jid.ts';
import { isFaulty } from './store.ts';

/** The test-facing control surface; the `/__sim` HTTP routes call the same object. */
export function createControl(ctx: SimContext): SimControl {
  const { store, webhooks } = ctx;
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
      for (const number of numbers) {
        store.unregistered.add(numberDigits(number));
        // "Not on WhatsApp" must win over what a server learned earlier, or the control would lie.
        for (const database of store.databases.values())
          evictCached(database.onWhatsapp, createJid(number.replace('+', '')));
      }
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

    inbound: (server, instance, message) => receiveInbound(ctx, store.instance(server, instance), message),
    emitConnectionUpdates(server, instance, count, state = 'connecting') {
      floodConnectionUpdates(store.instance(server, instance), webhooks, count, state);
    },
    unlinkFromPhone(server, instance) {
      const record = store.instance(server, instance);
      if (record.session !== 'paired' || record.state === 'close')
        throw new SimControlError(409, 'NOT_LINKED', `"${instance}" has no linked session to end`);
      logoutInstance(record, webhooks);
    },
    setInstanceCreatedAt(server, instance, createdAt) {
      if (Number.isNaN(Date.parse(createdAt)))
        throw new SimControlError(400, 'INVALID_DATE', `"${createdAt}" is not a date`);
      store.instance(server, instance).createdAt = new Date(createdAt).toISOString();
    },
    onWhatsappCache(database) {
      const entries = new Set(store.database(database).onWhatsapp.values());
      return [...entries].map((e) => ({
        remoteJid: e.remoteJid,
        jidOptions: [...e.jidOptions],
        lid: e.lid,
        updatedAt: new Date(e.updatedAt).toISOString(),
      }));
    },
    cacheNumbers(database, numbers) {
      const cache = store.database(database).onWhatsapp;
      for (const number of numbers) saveCached(cache, createJid(number));
    },
  };
}
