import { describe, expect } from 'vitest';
import { test } from '@bora/testing';
import { auth, resetData, startAdminApi, type TestApp } from './helpers.ts';

async function createServer(t: TestApp, body: Record<string, unknown>) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/evolution-apis',
    headers: auth,
    payload: { apiKey: 'k-secret', ...body },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; name: string };
}

/** Registers `n` instances directly on a server (the seed's Passo 4, repeated). */
async function fill(t: TestApp, serverId: string, n: number, prefix: string) {
  for (let i = 0; i < n; i++) {
    const phone = `55119${prefix}${String(i).padStart(6, '0')}`;
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/whatsapp-instances',
      headers: auth,
      payload: {
        evolutionApiId: serverId,
        phoneNumber: phone,
        displayName: `WA ${prefix}-${i}`,
        status: i % 2 === 0 ? 'connected' : 'disconnected',
      },
    });
    expect(res.statusCode, res.body).toBe(201);
  }
}

let phoneSeq = 0;
async function placeOne(t: TestApp) {
  phoneSeq++;
  return t.app.inject({
    method: 'POST',
    url: '/v1/whatsapp-instances',
    headers: auth,
    payload: { phoneNumber: `55219${String(80000000 + phoneSeq)}`, displayName: `auto ${phoneSeq}` },
  });
}

describe('the seed example through the API', () => {
  test('API 1 (priority 10, 18/20) and API 2 (priority 5, 8/20): placement, then full, then none; usage stats', async ({
    env,
  }) => {
    await resetData(env);
    const t = await startAdminApi(env);
    const api1 = await createServer(t, {
      name: 'Evolution API 1',
      url: 'https://evo1.seu-dominio.com/message/sendText',
      capacity: 20,
      priority: 10,
    });
    const api2 = await createServer(t, {
      name: 'Evolution API 2',
      url: 'https://evo2.seu-dominio.com',
      capacity: 20,
      priority: 5,
    });
    await fill(t, api1.id, 18, '91');
    await fill(t, api2.id, 8, '92');

    const stats = (await t.app.inject({ url: '/v1/stats/usage', headers: auth })).json();
    expect(stats.total_instances).toBe(2);
    expect(stats.total_capacity).toBe(40);
    expect(stats.total_connected).toBe(9 + 4);
    expect(stats.instances[0]).toMatchObject({
      id: api1.id,
      name: 'Evolution API 1',
      connected: 9,
      capacity: 20,
      available: 2,
      usage_percentage: 90,
      priority: 10,
      is_active: true,
      registered: 18,
    });
    expect(stats.instances[1]).toMatchObject({
      name: 'Evolution API 2',
      connected: 4,
      available: 12,
      usage_percentage: 40,
      priority: 5,
      registered: 8,
    });
    expect(stats.instances[0].status).toBe('❔ Não verificada');

    // Higher priority and still room → API 1.
    const first = await placeOne(t);
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json().instance.evolutionApiId).toBe(api1.id);
    expect(first.json().placement).toEqual({
      chosenBy: 'balancer',
      reason:
        'Evolution API 1: ativa, com espaço (18/20), maior prioridade (10), menos usada entre as de mesma prioridade',
    });
    expect((await placeOne(t)).json().instance.evolutionApiId).toBe(api1.id);
    // API 1 is now 20/20 → API 2.
    const third = await placeOne(t);
    expect(third.json().instance.evolutionApiId).toBe(api2.id);
    // Naming a full server is refused plainly.
    const forced = await t.app.inject({
      method: 'POST',
      url: '/v1/whatsapp-instances',
      headers: auth,
      payload: { evolutionApiId: api1.id, phoneNumber: '5521987650000', displayName: 'forçado' },
    });
    expect(forced.statusCode).toBe(409);
    expect(forced.json().error.code).toBe('EVOLUTION_API_FULL');

    await fill(t, api2.id, 11, '93');
    const none = await placeOne(t);
    expect(none.statusCode).toBe(409);
    expect(none.json().error).toMatchObject({
      code: 'NO_EVOLUTION_API_AVAILABLE',
      message: 'Nenhuma Evolution API disponível',
    });
    // Every server gets a pt-BR verdict the operator can read (in no particular order).
    expect(none.json().error.details.verdicts).toHaveLength(2);
    expect(none.json().error.details.verdicts).toEqual(
      expect.arrayContaining([
        { serverId: api1.id, name: 'Evolution API 1', eligible: false, reason: 'cheia (20/20)' },
        { serverId: api2.id, name: 'Evolution API 2', eligible: false, reason: 'cheia (20/20)' },
      ]),
    );

    const after = (await t.app.inject({ url: '/v1/stats/usage', headers: auth })).json();
    expect(
      after.instances.map((s: { registered: number; available: number; usage_percentage: number }) => [
        s.registered,
        s.available,
        s.usage_percentage,
      ]),
    ).toEqual([
      [20, 0, 100],
      [20, 0, 100],
    ]);

    // An inactive server is never chosen, whatever its priority; stats say so.
    const api3 = await createServer(t, {
      name: 'Evolution API 3',
      url: 'https://evo3.seu-dominio.com',
      priority: 99,
      isActive: false,
    });
    const withInactive = await placeOne(t);
    expect(withInactive.statusCode).toBe(409);
    expect(withInactive.json().error.details.verdicts).toContainEqual({
      serverId: api3.id,
      name: 'Evolution API 3',
      eligible: false,
      reason: 'inativa',
    });
    const inactive = (await t.app.inject({ url: '/v1/stats/usage', headers: auth })).json();
    expect(inactive.instances.find((s: { id: string }) => s.id === api3.id)).toMatchObject({
      status: '⛔ Inativa',
      is_active: false,
      registered: 0,
      available: 20,
    });
    await t.close();
  });

  test('concurrent placements never overfill a server (row lock + re-check)', async ({ env }) => {
    await resetData(env);
    const t = await startAdminApi(env);
    const a = await createServer(t, { name: 'A', url: 'http://a.example', capacity: 3, priority: 10 });
    const b = await createServer(t, { name: 'B', url: 'http://b.example', capacity: 4, priority: 5 });
    const results = await Promise.all(Array.from({ length: 10 }, () => placeOne(t)));
    const codes = results.map((r) => r.statusCode).sort();
    expect(codes.filter((c) => c === 201)).toHaveLength(7);
    expect(codes.filter((c) => c === 409)).toHaveLength(3);
    const stats = (await t.app.inject({ url: '/v1/stats/usage', headers: auth })).json();
    const used = Object.fromEntries(
      stats.instances.map((s: { id: string; registered: number }) => [s.id, s.registered]),
    );
    expect(used).toEqual({ [a.id]: 3, [b.id]: 4 });
    await t.close();
  });
});
