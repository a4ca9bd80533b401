import { describe, expect } from 'vitest';
import { test } from '@bora/testing';
import { getUsageStats } from '../src/stats/store.ts';
import { auth, resetData, startAdminApi } from './helpers.ts';

/** Server k (1..1000) hosts instances g = k + 1000·j (j = 0..19); g % 3 = 0 are connected. */
function expectedConnected(k: number): number {
  let n = 0;
  for (let j = 0; j < 20; j++) if ((k + 1000 * j) % 3 === 0) n++;
  return n;
}

describe('usage stats at the design scale', () => {
  test('1,000 servers and 20,000 instances: every number right, one query', async ({ env }) => {
    await resetData(env);
    await env.db.sql`
      insert into evolution_apis (name, url, api_key_encrypted, webhook_secret_encrypted, capacity, priority, is_active, health)
      select 'evo-' || lpad(g::text, 4, '0'), 'http://evo' || g || '.example', 'v1:a:b:c', 'v1:a:b:c', 25, g % 10, g % 50 <> 0,
             case when g % 7 = 0 then 'unreachable' else 'online' end
      from generate_series(1, 1000) g`;
    await env.db.sql`
      insert into whatsapp_instances (evolution_api_id, instance_name, phone_number, display_name, status)
      select e.id, 'inst-' || g, (5511900000000 + g)::text, 'WA ' || g,
             case g % 3 when 0 then 'connected' when 1 then 'connecting' else 'disconnected' end
      from generate_series(1, 20000) g
      join evolution_apis e on e.name = 'evo-' || lpad((((g - 1) % 1000) + 1)::text, 4, '0')`;
    await env.db.sql`analyze evolution_apis, whatsapp_instances`;

    const t = await startAdminApi(env);
    const res = await t.app.inject({ url: '/v1/stats/usage', headers: auth });
    expect(res.statusCode).toBe(200);
    const stats = res.json();
    expect(stats.total_instances).toBe(1000);
    expect(stats.total_capacity).toBe(25_000);
    expect(stats.total_registered).toBe(20_000);
    expect(stats.total_connected).toBe(6666);
    expect(stats.instances).toHaveLength(1000);

    const byName = new Map<string, Record<string, unknown>>(stats.instances.map((s: { name: string }) => [s.name, s]));
    for (const k of [1, 3, 7, 50, 999, 1000]) {
      const s = byName.get(`evo-${String(k).padStart(4, '0')}`)!;
      expect(s, `server ${k}`).toMatchObject({
        registered: 20,
        capacity: 25,
        available: 5,
        usage_percentage: 80,
        priority: k % 10,
        is_active: k % 50 !== 0,
        connected: expectedConnected(k),
        status: k % 50 === 0 ? '⛔ Inativa' : k % 7 === 0 ? '⚠️ Inacessível' : '✅ Online',
      });
    }
    // Highest priority first, then by name.
    expect(stats.instances[0].name).toBe('evo-0009');
    expect(stats.instances.at(-1).name).toBe('evo-1000');

    // The same aggregate feeds placement: highest priority, least used, then name.
    const placed = await t.app.inject({
      method: 'POST',
      url: '/v1/whatsapp-instances',
      headers: auth,
      payload: { phoneNumber: '21987654321', displayName: 'novo' },
    });
    expect(placed.statusCode).toBe(201);
    expect(placed.json().instance.evolutionApiName).toBe('evo-0009');

    // One round trip: the whole answer comes from a single statement.
    let statements = 0;
    const counting = new Proxy(env.db.sql, {
      apply(target, thisArg, args) {
        statements++;
        return Reflect.apply(target, thisArg, args);
      },
    });
    const direct = await getUsageStats(counting);
    expect(statements).toBe(1);
    expect(direct.total_registered).toBe(20_001);
    await t.close();
  });
});
