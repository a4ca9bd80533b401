import { isIPv4, isIPv6 } from 'node:net';

/**
 * Address rules for servers an operator registers (Evolution APIs). Private networks and
 * loopback stay allowed on purpose — Evolution usually runs beside us (10/8, 172.16/12,
 * 192.168/16, 127/8, ::1, fc00::/7). Refused: what no real server lives on and what a
 * server-side request must never reach — cloud metadata endpoints, link-local, unspecified,
 * multicast and broadcast addresses, however they are spelled (IPv4-mapped IPv6 and friends).
 * Pure: no DNS here; `assertAllowedEvolutionHost` resolves names and applies these rules.
 */
export type BlockedReason = 'metadata' | 'link-local' | 'unspecified' | 'multicast' | 'broadcast';

/** Names of cloud metadata services (compared lowercase, without a trailing dot). */
export const METADATA_HOSTNAMES: ReadonlySet<string> = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.tencentyun.com',
]);

// AWS/GCP/Azure/OCI/DigitalOcean (169.254.169.254), Alibaba (100.100.100.200), Azure's host
// agent "WireServer" (168.63.129.16), AWS IPv6 IMDS (fd00:ec2::254), GCP IPv6 (fd20:ce::254).
const METADATA_V4 = new Set(['169.254.169.254', '100.100.100.200', '168.63.129.16']);
const METADATA_V6 = ['fd00:ec2::254', 'fd20:ce::254'].map((ip) => parseIPv6(ip)!.join(':'));

function parseIPv4(ip: string): number[] | undefined {
  if (!isIPv4(ip)) return undefined;
  return ip.split('.').map(Number);
}

/** Eight 16-bit groups, or undefined when `ip` is not an IPv6 address (brackets and zone allowed). */
export function parseIPv6(input: string): number[] | undefined {
  const ip = input.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (!isIPv6(ip)) return undefined;
  // A dotted IPv4 tail (`::ffff:169.254.169.254`) becomes its two hex groups.
  const text = ip.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_all, a: string, b: string, c: string, d: string) =>
    [(Number(a) << 8) | Number(b), (Number(c) << 8) | Number(d)].map((n) => n.toString(16)).join(':'),
  );
  const [head, rest] = text.includes('::') ? text.split('::') : [text, undefined];
  const groups = (part: string | undefined) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const left = groups(head);
  const right = groups(rest);
  const missing = 8 - left.length - right.length;
  if (missing < 0 || (rest === undefined && missing !== 0)) return undefined;
  return [...left, ...Array<number>(missing).fill(0), ...right];
}

function v4Reason([a, b, c, d]: number[]): BlockedReason | undefined {
  if (METADATA_V4.has(`${a}.${b}.${c}.${d}`)) return 'metadata';
  if (a === 0) return 'unspecified';
  if (a === 169 && b === 254) return 'link-local';
  if (a! >= 224 && a! <= 239) return 'multicast';
  if (a === 255 && b === 255 && c === 255 && d === 255) return 'broadcast';
  return undefined;
}

/** The IPv4 address an IPv6 one stands for (mapped, translated, compatible, NAT64), if any. */
function embeddedIPv4(g: number[]): number[] | undefined {
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  const mapped = zeros(0, 5) && g[5] === 0xffff;
  const translated = zeros(0, 4) && g[4] === 0xffff && g[5] === 0;
  const compatible = zeros(0, 6) && (g[6] !== 0 || g[7]! > 1);
  const nat64 = g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6);
  if (!mapped && !translated && !compatible && !nat64) return undefined;
  return [g[6]! >> 8, g[6]! & 0xff, g[7]! >> 8, g[7]! & 0xff];
}

function v6Reason(g: number[]): BlockedReason | undefined {
  if (METADATA_V6.includes(g.join(':'))) return 'metadata';
  if (g.every((x) => x === 0)) return 'unspecified';
  if ((g[0]! & 0xffc0) === 0xfe80) return 'link-local';
  if ((g[0]! & 0xff00) === 0xff00) return 'multicast';
  const v4 = embeddedIPv4(g);
  return v4 ? v4Reason(v4) : undefined;
}

/** Why a literal IP address must not be used for a server, or undefined when it may. */
export function blockedAddressReason(ip: string): BlockedReason | undefined {
  const v4 = parseIPv4(ip);
  if (v4) return v4Reason(v4);
  const v6 = parseIPv6(ip);
  return v6 ? v6Reason(v6) : undefined;
}

/** Why a host name must not be used for a server (a metadata name or a blocked literal IP). */
export function blockedHostReason(hostname: string): BlockedReason | undefined {
  const host = hostname
    .toLowerCase()
    .replace(/\.$/, '')
    .replace(/^\[|\]$/g, '');
  if (METADATA_HOSTNAMES.has(host)) return 'metadata';
  return blockedAddressReason(host);
}

/** The pt-BR sentence an operator reads for each reason. */
export const BLOCKED_REASON_MESSAGES: Readonly<Record<BlockedReason, string>> = {
  metadata: 'aponta para um serviço de metadados da nuvem (ex.: 169.254.169.254), que não é um servidor Evolution',
  'link-local': 'aponta para um endereço link-local (169.254.0.0/16 ou fe80::/10), que não é permitido',
  unspecified: 'aponta para um endereço não especificado (0.0.0.0 ou ::)',
  multicast: 'aponta para um endereço de multicast, que não é um servidor',
  broadcast: 'aponta para o endereço de broadcast, que não é um servidor',
};
