import { describe, expect, it } from 'vitest';
import {
  assertAllowedEvolutionHost,
  blockedAddressReason,
  blockedHostReason,
  BlockedHostError,
  parseIPv6,
  type HostLookup,
} from '../src/index.ts';

describe('blockedAddressReason', () => {
  it.each([
    ['169.254.169.254', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['168.63.129.16', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['fd20:ce::254', 'metadata'],
    ['169.254.0.23', 'link-local'],
    ['169.254.170.2', 'link-local'],
    ['fe80::1', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
  ])('%s is refused (%s)', (ip, reason) => {
    expect(blockedAddressReason(ip)).toBe(reason);
  });

  it.each([
    ['::ffff:169.254.169.254', 'metadata'],
    ['::ffff:a9fe:a9fe', 'metadata'],
    ['[::ffff:a9fe:a9fe]', 'metadata'],
    ['0:0:0:0:0:ffff:169.254.1.1', 'link-local'],
    ['::ffff:0:169.254.169.254', 'metadata'],
    ['::169.254.169.254', 'metadata'],
    ['64:ff9b::a9fe:a9fe', 'metadata'],
    ['64:ff9b::169.254.10.10', 'link-local'],
  ])('an IPv4 address inside IPv6 is judged as that IPv4: %s', (ip, reason) => {
    expect(blockedAddressReason(ip)).toBe(reason);
  });

  it.each([
    '10.0.0.5',
    '172.16.3.4',
    '172.31.255.255',
    '192.168.1.10',
    '127.0.0.1',
    '127.8.9.1',
    '::1',
    'fd12:3456::1',
    'fc00::1',
    '8.8.8.8',
    '2001:db8::1',
    '::ffff:10.0.0.1',
    '169.253.255.255',
    '169.255.0.1',
    'fec0::1',
  ])('%s stays allowed (private, loopback or public)', (ip) => {
    expect(blockedAddressReason(ip)).toBeUndefined();
  });

  it('is not fooled by names that are not addresses', () => {
    expect(blockedAddressReason('evo1.example.com')).toBeUndefined();
    expect(blockedAddressReason('169.254.169.254.nip.io')).toBeUndefined();
  });
});

describe('parseIPv6', () => {
  it('expands every spelling to eight groups', () => {
    expect(parseIPv6('::1')).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(parseIPv6('fd00:ec2::254')).toEqual([0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254]);
    expect(parseIPv6('::ffff:1.2.3.4')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x102, 0x304]);
    expect(parseIPv6('1:2:3:4:5:6:7:8')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(parseIPv6('1.2.3.4')).toBeUndefined();
  });
});

describe('blockedHostReason', () => {
  it('refuses metadata names in any case, with or without the trailing dot', () => {
    expect(blockedHostReason('metadata.google.internal')).toBe('metadata');
    expect(blockedHostReason('METADATA.Google.Internal.')).toBe('metadata');
    expect(blockedHostReason('[fe80::1]')).toBe('link-local');
    expect(blockedHostReason('evolution.internal')).toBeUndefined();
  });
});

describe('assertAllowedEvolutionHost', () => {
  const fakeDns =
    (table: Record<string, string[]>): HostLookup =>
    async (hostname) => {
      const addresses = table[hostname];
      if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
      return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    };
  const dns = fakeDns({
    'evo.lan': ['192.168.0.20'],
    'imds.attacker.example': ['169.254.169.254'],
    'mapped.attacker.example': ['::ffff:169.254.169.254'],
    'mixed.attacker.example': ['10.0.0.1', 'fe80::9'],
    localhost: ['127.0.0.1', '::1'],
  });

  it('passes private, loopback and public servers', async () => {
    for (const url of [
      'http://evo.lan:8080',
      'http://localhost:3010/evo1',
      'http://10.1.2.3',
      'https://[::1]:8443',
      'https://8.8.8.8',
    ]) {
      await expect(assertAllowedEvolutionHost(url, dns), url).resolves.toBeUndefined();
    }
  });

  it('refuses literal metadata and link-local addresses, whatever their spelling in the URL', async () => {
    // The URL parser turns hex, octal and integer IPv4 forms into the dotted one first.
    for (const url of [
      'http://169.254.169.254/latest/meta-data',
      'http://0xa9fea9fe/',
      'http://2852039166/',
      'http://0251.0376.0251.0376/',
      'http://[::ffff:169.254.169.254]/',
      'http://[fd00:ec2::254]/',
      'http://metadata.google.internal/computeMetadata/v1',
    ]) {
      const error = await assertAllowedEvolutionHost(url, dns).catch((e: unknown) => e);
      expect(error, url).toBeInstanceOf(BlockedHostError);
      expect((error as BlockedHostError).reason, url).toBe('metadata');
      expect((error as BlockedHostError).statusCode).toBe(400);
    }
  });

  it('refuses names that resolve to a blocked address, any one of them, saying what it resolved to', async () => {
    const cases: Array<[string, string]> = [
      ['http://imds.attacker.example', 'metadata'],
      ['http://mapped.attacker.example', 'metadata'],
      ['http://mixed.attacker.example', 'link-local'],
    ];
    for (const [url, reason] of cases) {
      const error = await assertAllowedEvolutionHost(url, dns).catch((e: unknown) => e);
      expect(error, url).toBeInstanceOf(BlockedHostError);
      expect((error as BlockedHostError).reason).toBe(reason);
      expect((error as BlockedHostError).message).toMatch(/resolve para/);
    }
  });

  it('lets a name that does not resolve pass (nothing to reach yet; the request checks again)', async () => {
    await expect(assertAllowedEvolutionHost('http://not-yet.example', dns)).resolves.toBeUndefined();
  });

  it('uses the system resolver by default', async () => {
    await expect(assertAllowedEvolutionHost('http://localhost:1')).resolves.toBeUndefined();
    await expect(assertAllowedEvolutionHost('http://169.254.169.254')).rejects.toBeInstanceOf(BlockedHostError);
  });
});
