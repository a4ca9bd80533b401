import { describe, expect } from 'vitest';
import { test } from '@bora/testing';
import { auth, resetData, startAdminApi } from './helpers.ts';

describe('tenants, Evolution APIs and WhatsApp instances CRUD', () => {
  test('tenants: create with defaults, validate the timezone with Intl, patch templates, list, delete', async ({
    env,
  }) => {
    await resetData(env);
    const t = await startAdminApi(env);
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/tenants',
      headers: auth,
      payload: { slug: 'barbearia-do-ze', name: 'Barbearia do Zé' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      slug: 'barbearia-do-ze',
      timezone: 'America/Sao_Paulo',
      allowSharedSender: true,
      reminderLeadMinutes: 1440,
    });
    expect(created.json().templates.confirmation).toContain('{cliente}');

    const badTz = await t.app.inject({
      method: 'POST',
      url: '/v1/tenants',
      headers: auth,
      payload: { slug: 'x', name: 'X', timezone: 'America/Atlantida' },
    });
    expect(badTz.statusCode).toBe(400);
    expect(badTz.json().error.details).toEqual([
      { field: 'timezone', message: expect.stringContaining('fuso horário desconhecido') },
    ]);
    const badSlug = await t.app.inject({
      method: 'POST',
      url: '/v1/tenants',
      headers: auth,
      payload: { slug: 'Não Pode', name: 'X' },
    });
    expect(badSlug.statusCode).toBe(400);
    const dup = await t.app.inject({
      method: 'POST',
      url: '/v1/tenants',
      headers: auth,
      payload: { slug: 'barbearia-do-ze', name: 'Outra' },
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('TENANT_SLUG_TAKEN');

    // booking-api's fixed routes (/docs, /healthz, /v1/…) would shadow the mini-site at /:slug.
    for (const slug of ['docs', 'healthz', 'readyz', 'metrics', 'v1', 'admin', 'webhooks', 'static', 'assets']) {
      const reserved = await t.app.inject({
        method: 'POST',
        url: '/v1/tenants',
        headers: auth,
        payload: { slug, name: 'X' },
      });
      expect(reserved.statusCode, slug).toBe(400);
      expect(reserved.json().error).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: [{ field: 'slug', message: expect.stringContaining('reservado') }],
      });
    }
    const renamed = await t.app.inject({
      method: 'PATCH',
      url: '/v1/tenants/barbearia-do-ze',
      headers: auth,
      payload: { slug: 'metrics', timezone: 'America/Atlantida' },
    });
    expect(renamed.statusCode).toBe(400);
    expect(renamed.json().error.details.map((d: { field: string }) => d.field)).toEqual(['slug', 'timezone']);
    expect((await t.app.inject({ url: '/v1/tenants/barbearia-do-ze', headers: auth })).statusCode).toBe(200);
    // Only whole names are reserved.
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/v1/tenants',
          headers: auth,
          payload: { slug: 'docs-da-ana', name: 'Docs da Ana' },
        })
      ).statusCode,
    ).toBe(201);
    expect((await t.app.inject({ method: 'DELETE', url: '/v1/tenants/docs-da-ana', headers: auth })).statusCode).toBe(
      204,
    );

    const patched = await t.app.inject({
      method: 'PATCH',
      url: '/v1/tenants/barbearia-do-ze',
      headers: auth,
      payload: {
        timezone: 'America/Manaus',
        allowSharedSender: false,
        templates: { reminder: 'Oi {cliente}, amanhã às {hora}!' },
        reminderLeadMinutes: 120,
      },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({
      timezone: 'America/Manaus',
      allowSharedSender: false,
      reminderLeadMinutes: 120,
    });
    expect(patched.json().templates.reminder).toBe('Oi {cliente}, amanhã às {hora}!');
    expect(patched.json().templates.confirmation).toBe(created.json().templates.confirmation);

    const list = (await t.app.inject({ url: '/v1/tenants', headers: auth })).json();
    expect(list.items.map((x: { slug: string }) => x.slug)).toEqual(['barbearia-do-ze']);
    expect((await t.app.inject({ url: '/v1/tenants/nao-existe', headers: auth })).statusCode).toBe(404);

    // A tenant that still owns numbers cannot be deleted (they would become shared senders).
    const server = (
      await t.app.inject({
        method: 'POST',
        url: '/v1/evolution-apis',
        headers: auth,
        payload: { name: 'E', url: 'http://e.example', apiKey: 'k' },
      })
    ).json();
    const wa = await t.app.inject({
      method: 'POST',
      url: '/v1/whatsapp-instances',
      headers: auth,
      payload: {
        evolutionApiId: server.id,
        phoneNumber: '11987654321',
        displayName: 'Zé',
        tenantSlug: 'barbearia-do-ze',
      },
    });
    expect(wa.statusCode).toBe(201);
    const blocked = await t.app.inject({ method: 'DELETE', url: '/v1/tenants/barbearia-do-ze', headers: auth });
    expect(blocked.statusCode).toBe(409);
    expect(blocked.json().error.code).toBe('TENANT_HAS_INSTANCES');
    expect(
      (await t.app.inject({ method: 'DELETE', url: `/v1/whatsapp-instances/${wa.json().instance.id}`, headers: auth }))
        .statusCode,
    ).toBe(204);
    expect(
      (await t.app.inject({ method: 'DELETE', url: '/v1/tenants/barbearia-do-ze', headers: auth })).statusCode,
    ).toBe(204);
    await t.close();
  });

  test('Evolution APIs: pasted sendText URL reduced to the base, key encrypted and never returned, 409 on delete unless force', async ({
    env,
  }) => {
    await resetData(env);
    const t = await startAdminApi(env);
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/evolution-apis',
      headers: auth,
      payload: {
        name: 'Evolution API 1',
        url: 'https://evo1.seu-dominio.com/message/sendText',
        apiKey: 'super-secret-evo-key',
      },
    });
    expect(res.statusCode).toBe(201);
    const server = res.json();
    expect(server).toMatchObject({
      url: 'https://evo1.seu-dominio.com',
      hasApiKey: true,
      capacity: 20,
      priority: 0,
      isActive: true,
      health: 'unknown',
    });
    expect(server.webhookUrl).toBe(`http://127.0.0.1:3001/webhooks/evolution/${server.id}`);
    expect(res.body).not.toContain('super-secret-evo-key');
    expect(Object.keys(server)).not.toContain('apiKey');

    const [row] = await env.db
      .sql`select api_key_encrypted, webhook_secret_encrypted from evolution_apis where id = ${server.id}`;
    expect(row!.api_key_encrypted).toMatch(/^v1:/);
    expect(row!.api_key_encrypted).not.toContain('super-secret-evo-key');
    expect(row!.webhook_secret_encrypted).toMatch(/^v1:/);

    const badUrl = await t.app.inject({
      method: 'POST',
      url: '/v1/evolution-apis',
      headers: auth,
      payload: { name: 'X', url: 'ftp://nope', apiKey: 'k' },
    });
    expect(badUrl.statusCode).toBe(400);
    expect(badUrl.json().error.details[0].field).toBe('url');
    const badCapacity = await t.app.inject({
      method: 'POST',
      url: '/v1/evolution-apis',
      headers: auth,
      payload: { name: 'X', url: 'http://x', apiKey: 'k', capacity: 0 },
    });
    expect(badCapacity.statusCode).toBe(400);

    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/v1/evolution-apis/${server.id}`,
      headers: auth,
      payload: { priority: 10, apiKey: 'rotated-key' },
    });
    expect(patched.json()).toMatchObject({ priority: 10, hasApiKey: true });
    const hook = (await t.app.inject({ url: `/v1/evolution-apis/${server.id}/webhook`, headers: auth })).json();
    expect(hook).toMatchObject({ url: server.webhookUrl, header: 'x-bora-webhook-secret' });
    expect(hook.urlWithSecret).toBe(`${server.webhookUrl}?secret=${encodeURIComponent(hook.secret)}`);

    await t.app.inject({
      method: 'POST',
      url: '/v1/whatsapp-instances',
      headers: auth,
      payload: { evolutionApiId: server.id, phoneNumber: '11987654321', displayName: 'WA' },
    });
    const refused = await t.app.inject({ method: 'DELETE', url: `/v1/evolution-apis/${server.id}`, headers: auth });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ code: 'EVOLUTION_API_HAS_INSTANCES', details: { instances: 1 } });
    // No route moves a WhatsApp between servers, so the message must not suggest it.
    const refusal = refused.json().error.message as string;
    expect(refusal).not.toMatch(/mova/i);
    expect(refusal).toContain('cadastre-os de novo em outra Evolution API');
    expect(refusal).toContain('?force=true');
    expect(
      (await t.app.inject({ method: 'DELETE', url: `/v1/evolution-apis/${server.id}?force=true`, headers: auth }))
        .statusCode,
    ).toBe(204);
    expect((await t.app.inject({ url: `/v1/evolution-apis/${server.id}`, headers: auth })).statusCode).toBe(404);
    const [left] = await env.db.sql`select count(*)::int as n from whatsapp_instances`;
    expect(left!.n).toBe(0);
    await t.close();
  });

  test('WhatsApp instances: phone normalised, default name from tenant + last digits, one primary per tenant, connected filter', async ({
    env,
  }) => {
    await resetData(env);
    const t = await startAdminApi(env);
    await t.app.inject({
      method: 'POST',
      url: '/v1/tenants',
      headers: auth,
      payload: { slug: 'meu-negocio', name: 'Meu Negócio' },
    });
    const server = (
      await t.app.inject({
        method: 'POST',
        url: '/v1/evolution-apis',
        headers: auth,
        payload: { name: 'Evolution API 1', url: 'http://e.example', apiKey: 'k' },
      })
    ).json();
    const create = (payload: Record<string, unknown>) =>
      t.app.inject({
        method: 'POST',
        url: '/v1/whatsapp-instances',
        headers: auth,
        payload: { evolutionApiId: server.id, ...payload },
      });

    const first = await create({
      phoneNumber: '+55 (11) 98765-4321',
      displayName: 'WhatsApp Principal',
      tenantSlug: 'meu-negocio',
      isPrimary: true,
      status: 'connected',
    });
    expect(first.statusCode).toBe(201);
    const a = first.json().instance;
    expect(a).toMatchObject({
      phoneNumber: '5511987654321',
      tenantSlug: 'meu-negocio',
      isPrimary: true,
      status: 'connected',
      evolutionApiName: 'Evolution API 1',
    });
    expect(a.instanceName).toMatch(/^meu-negocio-4321-[a-z0-9]+$/);

    const landline = await create({ phoneNumber: '(11) 3333-4444', displayName: 'Fixo' });
    expect(landline.statusCode).toBe(400);
    expect(landline.json().error.details[0]).toMatchObject({ field: 'phoneNumber' });
    const dupPhone = await create({ phoneNumber: '11987654321', displayName: 'Dup' });
    expect(dupPhone.json().error.code).toBe('PHONE_ALREADY_REGISTERED');
    expect((await create({ phoneNumber: '11987650000', displayName: 'X', tenantSlug: 'nao-existe' })).statusCode).toBe(
      404,
    );

    // A second primary for the same tenant demotes the first.
    const second = (
      await create({
        phoneNumber: '11987654322',
        displayName: 'Novo principal',
        tenantSlug: 'meu-negocio',
        isPrimary: true,
        instanceName: 'meu-negocio-02',
      })
    ).json().instance;
    expect(second.instanceName).toBe('meu-negocio-02');
    expect((await t.app.inject({ url: `/v1/whatsapp-instances/${a.id}`, headers: auth })).json().isPrimary).toBe(false);

    const connected = (await t.app.inject({ url: '/v1/whatsapp-instances?status=connected', headers: auth })).json();
    expect(connected.items.map((i: { id: string }) => i.id)).toEqual([a.id]);

    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/v1/whatsapp-instances/${second.id}`,
      headers: auth,
      payload: { status: 'connected', displayName: 'Renomeado', tenantSlug: null },
    });
    expect(patched.json()).toMatchObject({
      status: 'connected',
      displayName: 'Renomeado',
      tenantSlug: null,
      isPrimary: true,
    });
    const all = (await t.app.inject({ url: '/v1/whatsapp-instances?status=connected', headers: auth })).json();
    expect(all.items).toHaveLength(2);
    await t.close();
  });

  test('WhatsApp list is paged: total and nextOffset say when there is more, and following them returns every instance once', async ({
    env,
  }) => {
    await resetData(env);
    const t = await startAdminApi(env);
    const server = (
      await t.app.inject({
        method: 'POST',
        url: '/v1/evolution-apis',
        headers: auth,
        payload: { name: 'Evolution API 1', url: 'http://e.example', apiKey: 'k' },
      })
    ).json();
    for (let i = 0; i < 5; i++) {
      const status = i < 3 ? 'connected' : 'disconnected';
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/whatsapp-instances',
        headers: auth,
        payload: { evolutionApiId: server.id, phoneNumber: `1198765000${i}`, displayName: `WA ${i}`, status },
      });
      expect(res.statusCode).toBe(201);
    }

    const seen: string[] = [];
    let offset: number | null = 0;
    while (offset !== null) {
      const page: { items: { id: string }[]; total: number; nextOffset: number | null } = (
        await t.app.inject({ url: `/v1/whatsapp-instances?limit=2&offset=${offset}`, headers: auth })
      ).json();
      expect(page.total).toBe(5);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((i) => i.id));
      offset = page.nextOffset;
    }
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);

    // The default page holds everything here: nothing more to fetch. Filters count too.
    expect((await t.app.inject({ url: '/v1/whatsapp-instances', headers: auth })).json()).toMatchObject({
      total: 5,
      nextOffset: null,
    });
    const connected = (
      await t.app.inject({ url: '/v1/whatsapp-instances?status=connected&limit=2', headers: auth })
    ).json();
    expect(connected).toMatchObject({ total: 3, nextOffset: 2 });
    expect((await t.app.inject({ url: '/v1/whatsapp-instances?offset=10', headers: auth })).json()).toEqual({
      items: [],
      total: 5,
      nextOffset: null,
    });

    // /docs shows the paging fields.
    const spec = (await t.app.inject({ url: '/openapi.json', headers: auth })).json();
    const listed = spec.paths['/v1/whatsapp-instances'].get.responses['200'].content['application/json'].schema;
    expect(Object.keys(listed.properties)).toEqual(['items', 'total', 'nextOffset']);
    await t.close();
  });
});
