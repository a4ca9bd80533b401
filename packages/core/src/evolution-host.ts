import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { AppError } from './errors.ts';
import { BLOCKED_REASON_MESSAGES, blockedAddressReason, blockedHostReason, type BlockedReason } from './network.ts';

/** Every address a name resolves to (the shape of `dns.promises.lookup(name, { all: true })`). */
export type HostLookup = (hostname: string) => Promise<readonly { address: string; family: number }[]>;

const LOOKUP_TIMEOUT_MS = 3_000;

/** `dns.lookup` (the resolver the HTTP client uses too), bounded: getaddrinfo has no timeout of its own. */
export const systemLookup: HostLookup = (hostname) => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`DNS lookup of ${hostname} timed out`)), LOOKUP_TIMEOUT_MS);
  });
  return Promise.race([dnsLookup(hostname, { all: true, verbatim: true }), timeout]).finally(() => clearTimeout(timer));
};

/** A server address our rules refuse; 400 with a pt-BR message naming why. */
export class BlockedHostError extends AppError {
  readonly reason: BlockedReason;
  constructor(reason: BlockedReason, hostname: string, address?: string) {
    const via = address && address !== hostname ? ` (${hostname} resolve para ${address})` : '';
    super('ADDRESS_NOT_ALLOWED', `O endereço do servidor ${BLOCKED_REASON_MESSAGES[reason]}${via}`, {
      statusCode: 400,
      details: { reason },
    });
    this.name = 'BlockedHostError';
    this.reason = reason;
  }
}

export function isBlockedHostError(value: unknown): value is BlockedHostError {
  return value instanceof BlockedHostError;
}

/**
 * Throws BlockedHostError when `url`'s host is, or resolves to, an address the rules in
 * network.ts refuse. A name that does not resolve (yet) passes: it cannot reach anything now, and
 * the request that later uses it must check the addresses it connects to (a got `dnsLookup`
 * guard), since DNS may answer differently by then.
 */
export async function assertAllowedEvolutionHost(url: string | URL, lookup: HostLookup = systemLookup): Promise<void> {
  const parsed = typeof url === 'string' ? new URL(url) : url;
  const hostname = parsed.hostname.replace(/^\[|\]$/g, '');
  const literal = blockedHostReason(hostname);
  if (literal) throw new BlockedHostError(literal, hostname);
  if (isIP(hostname)) return;
  let addresses: readonly { address: string }[];
  try {
    addresses = await lookup(hostname.replace(/\.$/, ''));
  } catch {
    return;
  }
  for (const { address } of addresses) {
    const reason = blockedAddressReason(address);
    if (reason) throw new BlockedHostError(reason, hostname, address);
  }
}
