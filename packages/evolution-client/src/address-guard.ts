import { lookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import { blockedAddressReason, blockedHostReason } from '@bora/core';

/** The code a connection to a refused address fails with (classified as ADDRESS_NOT_ALLOWED). */
export const ADDRESS_BLOCKED = 'EADDRBLOCKED';

function blocked(hostname: string, address: string, reason: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${hostname} resolves to ${address}, which is not allowed (${reason})`), {
    code: ADDRESS_BLOCKED,
  });
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * `dns.lookup` for the HTTP client that refuses cloud-metadata and link-local addresses at connect
 * time (the rules of @bora/core): a name that resolved to a private address when the server was
 * registered cannot later be pointed at 169.254.169.254 (DNS rebinding) and be handed our key.
 */
export function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    for (const { address } of addresses) {
      const reason = blockedAddressReason(address);
      if (reason) return callback(blocked(hostname, address, reason), []);
    }
    if (options.all) return callback(null, addresses);
    const first = addresses[0];
    if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []);
    callback(null, first.address, first.family);
  });
}

/** A literal IP or a known metadata name in a base URL never reaches the resolver: judged here. */
export function blockedBaseUrlReason(baseUrl: string): string | undefined {
  let host: string;
  try {
    host = new URL(baseUrl).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return undefined;
  }
  return isIP(host) ? blockedAddressReason(host) : blockedHostReason(host);
}
