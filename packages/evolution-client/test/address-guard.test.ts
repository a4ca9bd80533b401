import { describe, expect, it } from 'vitest';
import { createEvolutionClient } from '../src/index.ts';
import { blockedBaseUrlReason, guardedLookup } from '../src/address-guard.ts';

describe('the client never talks to cloud-metadata or link-local addresses', () => {
  it('a base URL with a metadata address or name is refused before any request (ADDRESS_NOT_ALLOWED, auth scope)', async () => {
    for (const url of [
      'http://169.254.169.254/latest',
      'http://[fe80::1]:8080',
      'http://metadata.google.internal',
      'http://[::ffff:169.254.169.254]',
    ]) {
      const client = createEvolutionClient({ baseUrl: url, apiKey: 'k', timeoutMs: 500 });
      await expect(client.sendText({ instance: 'a', number: '5511987654321', text: 'oi' })).rejects.toMatchObject({
        code: 'ADDRESS_NOT_ALLOWED',
        scope: 'auth',
        outcome: 'not-sent',
      });
      client.close();
    }
  });

  it('private and loopback addresses stay allowed (Evolution usually runs beside us)', () => {
    for (const url of [
      'http://127.0.0.1:8080',
      'http://10.0.0.5',
      'http://192.168.1.20:8080',
      'http://evolution.internal:8080',
    ]) {
      expect(blockedBaseUrlReason(url), url).toBeUndefined();
    }
  });

  it('the resolver the HTTP client uses passes allowed names through, in both call shapes', async () => {
    const one = await new Promise<unknown[]>((resolve, reject) =>
      guardedLookup('localhost', {}, (e, a, f) => (e ? reject(e) : resolve([a, f]))),
    );
    expect(typeof one[0]).toBe('string');
    const all = await new Promise<unknown>((resolve, reject) =>
      guardedLookup('localhost', { all: true }, (e, a) => (e ? reject(e) : resolve(a))),
    );
    expect(Array.isArray(all)).toBe(true);
  });
});
