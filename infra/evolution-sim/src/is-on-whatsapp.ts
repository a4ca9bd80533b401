// Evolution's `IsOnWhatsapp` table: one per database, no instance column, so every instance of every
// server on that database reads what any of them learned. Keyed by each JID variant for Map lookups.

export interface CachedNumber {
  remoteJid: string;
  jidOptions: string[];
  lid: 'lid' | null;
  updatedAt: number;
}

export type OnWhatsappCache = Map<string, CachedNumber>;

/**
 * The forms a JID is looked up and stored under (Evolution's getAvailableNumbers): Brazilian numbers
 * with and without the 9th digit, Mexican/Argentinian with and without their mobile prefix.
 */
export function jidOptions(jid: string): string[] {
  const at = jid.indexOf('@');
  const number = at === -1 ? jid : jid.slice(0, at);
  const domain = at === -1 ? '' : jid.slice(at + 1);
  if (domain === 'lid' || domain === 'g.us') return [jid];
  let withDigit: string;
  let withoutDigit: string;
  if (number.startsWith('55')) {
    withDigit = number[4] === '9' && number.length === 13 ? number : `${number.slice(0, 4)}9${number.slice(4)}`;
    withoutDigit = number.length === 12 ? number : number.slice(0, 4) + number.slice(5);
  } else if (number.startsWith('52') || number.startsWith('54')) {
    const prefix = number.startsWith('52') ? '1' : '9';
    withDigit =
      number[2] === prefix && number.length === 13 ? number : `${number.slice(0, 2)}${prefix}${number.slice(2)}`;
    withoutDigit = number.length === 12 ? number : number.slice(0, 2) + number.slice(3);
  } else {
    return [jid];
  }
  return [`${withDigit}@${domain}`, `${withoutDigit}@${domain}`];
}

/** A fresh entry for `jid`, or undefined. Only `@s.whatsapp.net`/`@lid` JIDs are ever cached. */
export function lookupCached(
  cache: OnWhatsappCache,
  jid: string,
  ttlMs: number,
  now = Date.now(),
): CachedNumber | undefined {
  if (cache.size === 0) return undefined;
  for (const option of jidOptions(jid)) {
    const hit = cache.get(option);
    if (hit && now - hit.updatedAt <= ttlMs) return hit;
  }
  return undefined;
}

/**
 * saveOnWhatsappCache: merges with an existing entry found under any variant, then indexes all of
 * them. `altLid` (an inbound key's `remoteJidAlt`) is kept as one more option; `lid` marks a chat
 * WhatsApp addresses by LID.
 */
export function saveCached(
  cache: OnWhatsappCache,
  remoteJid: string,
  extra: { altLid?: string; lid?: boolean } = {},
  now = Date.now(),
): void {
  const options = jidOptions(remoteJid);
  if (extra.altLid?.endsWith('@lid')) options.push(extra.altLid);
  const existing = options.map((o) => cache.get(o)).find((e) => e !== undefined);
  const merged = existing ? [...new Set([...options, ...existing.jidOptions])] : options;
  const entry: CachedNumber = {
    remoteJid,
    jidOptions: merged,
    lid: extra.lid || remoteJid.endsWith('@lid') ? 'lid' : null,
    updatedAt: now,
  };
  for (const option of merged) cache.set(option, entry);
}

/** Drops a number (every variant) from the cache. */
export function evictCached(cache: OnWhatsappCache, jid: string): void {
  for (const option of jidOptions(jid)) {
    const hit = cache.get(option);
    if (hit) for (const o of hit.jidOptions) cache.delete(o);
  }
}
