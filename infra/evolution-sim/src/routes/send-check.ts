// What happens before a send leaves the server: Evolution's whatsappNumber check, whose outcome
// depends on the session and on the database's shared IsOnWhatsapp cache (OBSERVED-2.3.6's table).
import { badRequest, envelope, EvoError, internal } from '../errors.ts';
import { lookupCached, saveCached } from '../is-on-whatsapp.ts';
import { createJid, numberDigits } from '../jid.ts';
import type { InstanceRecord, SimStore } from '../store.ts';

export function isUnregistered(store: SimStore, number: string, remoteJid: string): boolean {
  return (
    store.unregistered.size > 0 &&
    (store.unregistered.has(numberDigits(number)) || store.unregistered.has(numberDigits(remoteJid)))
  );
}

export const isUserJid = (jid: string) => jid.endsWith('@s.whatsapp.net') || jid.endsWith('@lid');

/** An "open" instance faulted to fail every send, in each of the shapes the real one produces. */
export function assertNoSendFault(instance: InstanceRecord): void {
  switch (instance.faults.sendError) {
    case 'connection-closed':
      throw badRequest('Error: Connection Closed');
    case 'connection-closed-500':
      throw internal('Connection Closed');
    case 'typeerror-500':
      throw internal("Cannot read properties of undefined (reading 'textMessage')");
    case 'timed-out':
      throw badRequest('Error: Timed Out');
    case 'not-authenticated':
      throw badRequest('Error: Not authenticated');
  }
}

/**
 * The recipient's JID, or the error the real server answers. Order as in Evolution: a cached
 * number skips Baileys' onWhatsApp query (so a down session fails later, inside the send's
 * try/catch: a 400 with one `String(error)`); an uncached one makes that query, which throws
 * outside it (a 500 with the raw message). A LID is never queried: Evolution takes it as valid.
 */
export function checkRecipient(store: SimStore, instance: InstanceRecord, number: string): string {
  const jid = createJid(number);
  if (instance.server.version === 'v1') {
    if (instance.state !== 'open') throw badRequest('Error: Connection Closed');
    if (isUnregistered(store, number, jid)) throw new EvoError(400, envelope(400, [{ jid, exists: false, number }]));
    return jid;
  }
  const cache = instance.server.database.onWhatsapp;
  const user = isUserJid(jid);
  const cached = user ? lookupCached(cache, jid, store.isOnWhatsappTtlMs) : undefined;
  const known = cached !== undefined || jid.endsWith('@lid');
  // OBSERVED: a never-connected instance (no socket) answers this whatever the cache holds.
  if (instance.session === 'none') throw internal("Cannot read properties of undefined (reading 'onWhatsApp')");
  if (instance.state !== 'open') {
    if (!known) throw internal('Connection Closed');
    // Paired: the socket is closed. Unpaired: Baileys reads `creds.me.id` before anything else.
    throw badRequest(
      instance.session === 'paired'
        ? 'Error: Connection Closed'
        : "TypeError: Cannot read properties of undefined (reading 'id')",
    );
  }
  if (known) return cached?.remoteJid ?? jid;
  if (isUnregistered(store, number, jid)) throw new EvoError(400, envelope(400, [{ jid, exists: false, number }]));
  if (user) saveCached(cache, jid);
  return jid;
}
