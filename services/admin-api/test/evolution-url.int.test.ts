import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HostLookup } from '@bora/core';
import { encryptSecret } from '@bora/core';
import { test } from '@bora/testing';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { auth, resetData, SECRET_KEY, startAdminApi } from './helpers.ts';

// A name is only as safe as what it resolves to: the fake resolver stands for an attacker's DNS.
const lookup: HostLookup = async (hostname) => {
  const table: Record<string, string[]> = {
    'imds.attacker.example': ['169.254.169.254'],
    'mapped.attacker.example': ['::ffff:169.254.169.254'],
    'evo.lan': ['192.168.0.20'],
  };
  const addresses = table[hostname];
  if (!addresses) throw Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

const MARKER = 'AKIA-TARGET-BODY-SECRET-9f3';

/** Stands for whatever a URL may point at: a server whose answers carry text we must not echo. */
let target: Server;
let targetUrl: string;
beforeAll(async () => {
  target = createServer((request, response) => {
    response.setHeader('content-type', 'application/json');
    if (request.url?.startsWith('/chatty/instance/fetchInstances')) return response.end('[]');
    if (request.url?.startsWith('/chatty'))
      return response.end(
        JSON.stringify({ message: 'Welcome to the Evolution API', version: `${MARKER} ${'x'.repeat(200)}` }),
      );
    response.statusCode = 400;
    response.end(
      JSON.stringify({ status: 400, error: 'Bad Request', response: { message: [`${MARKER} role=admin token=abc`] } }),
    );
  });
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => target.close(() => resolve())));

function create(app: Awaited<ReturnType<typeof startAdminApi>>['app'], name: string, url: string) {
  return app.inject({ method: 'POST', url: '/v1/evolution-apis', headers: auth, payload: { name, url, apiKey: 'k' } });
}

describe('Evolution server URLs (SSRF rules)', () => {
  test('metadata and link-local servers are refused on create with 400 VALIDATION_FAILED on url, by literal address or by what a name resolves to', async ({
    env,
  }) => {
    await resetData(env);
    const { app, close } = await startAdminApi(env, {}, { lookup });
    const refused = [
      'http://169.254.169.254/latest/meta-data',
      'http://[::ffff:169.254.169.254]/',
      'http://[fe80::1]:8080',
      'http://169.254.10.1:8080',
      'http://metadata.google.internal/computeMetadata/v1',
      'http://100.100.100.200/latest',
      'http://[fd00:ec2::254]/',
      'http://imds.attacker.example:8080',
      'http://mapped.attacker.example',
    ];
    for (const [i, url] of refused.entries()) {
      const res = await create(app, `bad ${i}`, url);
      expect(res.statusCode, url).toBe(400);
      const { error } = res.json();
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.details).toEqual([
        { field: 'url', message: expect.stringMatching(/^O endereço do servidor aponta para/) },
      ]);
    }
    expect((await env.db.sql`select 1 from evolution_apis`).length).toBe(0);
    await close();
  });

  test('private-network and loopback servers stay allowed (Evolution usually runs beside us)', async ({ env }) => {
    await resetData(env);
    const { app, close } = await startAdminApi(env, {}, { lookup });
    for (const [i, url] of [
      'http://10.0.0.5:8080',
      'http://172.16.3.4',
      'http://192.168.1.10:8080',
      'http://127.0.0.1:3010/evo1',
      'http://[::1]:8080',
      'http://evo.lan:8080',
    ].entries()) {
      expect((await create(app, `ok ${i}`, url)).statusCode, url).toBe(201);
    }
    await close();
  });

  test('an update to a metadata address is refused and changes nothing', async ({ env }) => {
    await resetData(env);
    const { app, close } = await startAdminApi(env, {}, { lookup });
    const server = (await create(app, 'evo', 'http://10.0.0.5:8080')).json();
    const res = await app.inject({
      method: 'PATCH',
      url: `/v1/evolution-apis/${server.id}`,
      headers: auth,
      payload: { url: 'http://imds.attacker.example/', priority: 5 },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].field).toBe('url');
    const [row] = await env.db.sql`select url, priority from evolution_apis where id = ${server.id}`;
    expect(row).toEqual({ url: 'http://10.0.0.5:8080', priority: 0 });
    await close();
  });

  test('/check refuses a stored metadata URL (saved before the rules) without calling it', async ({ env }) => {
    await resetData(env);
    const { app, close } = await startAdminApi(env, {}, { lookup });
    const [row] = await env.db.sql`
      insert into evolution_apis (name, url, api_key_encrypted, webhook_secret_encrypted)
      values ('legado', 'http://169.254.169.254', ${encryptSecret('k', SECRET_KEY)}, ${encryptSecret('s', SECRET_KEY)}) returning id`;
    const res = await app.inject({ method: 'POST', url: `/v1/evolution-apis/${row!.id}/check`, headers: auth });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'url' }] });
    await close();
  });

  test('credentials in the URL are refused on create and update (the key goes in apiKey); old ones are never listed', async ({
    env,
  }) => {
    await resetData(env);
    const { app, close } = await startAdminApi(env, {}, { lookup });
    const res = await create(app, 'with creds', 'http://admin:hunter2@10.0.0.5:8080/message/sendText');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toEqual([{ field: 'url', message: expect.stringContaining('apiKey') }]);
    expect(res.body).not.toContain('hunter2');
    const server = (await create(app, 'evo', 'http://10.0.0.5:8080')).json();
    const patch = await app.inject({
      method: 'PATCH',
      url: `/v1/evolution-apis/${server.id}`,
      headers: auth,
      payload: { url: 'https://user:pw@10.0.0.6' },
    });
    expect(patch.statusCode).toBe(400);

    await env.db.sql`update evolution_apis set url = 'http://admin:hunter2@10.0.0.5:8080' where id = ${server.id}`;
    const list = await app.inject({ url: '/v1/evolution-apis', headers: auth });
    expect(list.body).not.toContain('hunter2');
    expect(list.json().items[0].url).toBe('http://admin:***@10.0.0.5:8080');
    await close();
  });

  test("/check answers our own classification (code + pt-BR message), never the target's body", async ({ env }) => {
    await resetData(env);
    const { app, close, logs } = await startAdminApi(env, {}, { lookup });
    const refusing = (await create(app, 'refusing', `${targetUrl}/plain`)).json();
    const failed = await app.inject({ method: 'POST', url: `/v1/evolution-apis/${refusing.id}/check`, headers: auth });
    expect(failed.statusCode).toBe(200);
    expect(failed.json()).toMatchObject({
      ok: false,
      code: 'INVALID_REQUEST',
      message: 'O servidor Evolution recusou a requisição',
    });
    expect(failed.body).not.toContain(MARKER);
    const stored = await app.inject({ url: `/v1/evolution-apis/${refusing.id}`, headers: auth });
    expect(stored.json().lastError).toBe('O servidor Evolution recusou a requisição');

    const chatty = (await create(app, 'chatty', `${targetUrl}/chatty`)).json();
    const ok = await app.inject({ method: 'POST', url: `/v1/evolution-apis/${chatty.id}/check`, headers: auth });
    expect(ok.json()).toMatchObject({
      ok: true,
      version: null,
      message: 'Conexão OK: Evolution API, chave aceita, 0 instância(s) no servidor',
    });
    expect(ok.body).not.toContain(MARKER);
    // The operator reads our words; the detail is in the log for whoever debugs it.
    expect(logs.join('\n')).toContain('evolution api check failed');
    await close();
  });
});
