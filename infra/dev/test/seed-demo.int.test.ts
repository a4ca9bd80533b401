import { evolutionApis, openingHours, professionals, services, tenants, whatsappInstances } from '@bora/db';
import { createTestEnv, type TestEnv } from '@bora/testing';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SERVERS, DEMO_TENANT } from '../src/demo-fleet.ts';
import { seedDemo } from '../src/seed-demo.ts';

// `pnpm start` seeds on every run; a later run may use another SIM_PORT or SECRET_KEY.
const KEY = 'seed-test-secret-key-0123456789abcdef';
let env: TestEnv;

beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(async () => {
  await env?.cleanup();
});

const servers = () => env.db.db.select().from(evolutionApis).orderBy(asc(evolutionApis.name));
const instanceCount = async () => (await env.db.db.select().from(whatsappInstances)).length;

describe('seedDemo', () => {
  it('moves the servers to a new simulator port without duplicating anything or undoing operator edits', async () => {
    const first = await seedDemo(env.databaseUrl, KEY, 'http://127.0.0.1:3010');
    const instances = await instanceCount();
    const [edited] = DEMO_SERVERS;
    await env.db.db
      .update(evolutionApis)
      .set({ priority: 99, capacity: 7, isActive: false })
      .where(eq(evolutionApis.name, edited!.name));

    const second = await seedDemo(env.databaseUrl, KEY, 'http://127.0.0.1:4010');

    const rows = await servers();
    expect(rows).toHaveLength(DEMO_SERVERS.length);
    expect(await instanceCount()).toBe(instances);
    for (const server of DEMO_SERVERS) {
      expect(rows.find((r) => r.name === server.name)?.url).toBe(`http://127.0.0.1:4010/${server.simName}`);
    }
    expect(rows.find((r) => r.name === edited!.name)).toMatchObject({ priority: 99, capacity: 7, isActive: false });
    // Same servers, same keys and webhook secrets: the simulator config stays valid.
    expect(second).toEqual(first);
  });

  it('re-encrypts keys that no longer open after SECRET_KEY changed, keeping the plain demo keys', async () => {
    await seedDemo(env.databaseUrl, KEY, 'http://127.0.0.1:4010');
    const before = await servers();
    const seeded = await seedDemo(env.databaseUrl, `${KEY}-rotated`, 'http://127.0.0.1:4010');

    expect(seeded.map((s) => s.apiKey).sort()).toEqual(DEMO_SERVERS.map((s) => s.apiKey).sort());
    const after = await servers();
    expect(after.map((r) => r.id)).toEqual(before.map((r) => r.id));
    for (const [i, row] of after.entries()) {
      expect(row.apiKeyEncrypted).not.toBe(before[i]!.apiKeyEncrypted);
      expect(row.url).toBe(before[i]!.url);
    }
  });
});

describe('seedDemoCatalogue', () => {
  it('gives the demo business services, two professionals and opening hours, once, and keeps edits', async () => {
    await seedDemo(env.databaseUrl, KEY, 'http://127.0.0.1:4010');
    const [tenant] = await env.db.db.select().from(tenants).where(eq(tenants.slug, DEMO_TENANT.slug));
    const servicesOf = () =>
      env.db.db.select().from(services).where(eq(services.tenantId, tenant!.id)).orderBy(asc(services.name));
    expect((await servicesOf()).map((s) => [s.name, s.durationMinutes])).toEqual([
      ['Barba', 30],
      ['Corte + barba', 60],
      ['Corte de cabelo', 30],
    ]);
    const team = await env.db.db.select().from(professionals).where(eq(professionals.tenantId, tenant!.id));
    expect(team.map((p) => p.name).sort()).toEqual(['Bia', 'Zé']);
    const hours = await env.db.db.select().from(openingHours).where(eq(openingHours.tenantId, tenant!.id));
    expect(
      hours
        .filter((h) => h.weekday === 1)
        .map((h) => [h.startMinute, h.endMinute])
        .sort((a, b) => a[0]! - b[0]!),
    ).toEqual([
      [540, 720],
      [780, 1140],
    ]);
    expect(hours.some((h) => h.weekday === 7)).toBe(false);

    // An operator renames a service and removes Saturday; the next start keeps that.
    await env.db.db.update(services).set({ name: 'Corte masculino' }).where(eq(services.name, 'Corte de cabelo'));
    await env.db.sql`delete from opening_hours where tenant_id = ${tenant!.id} and weekday = 6`;
    await seedDemo(env.databaseUrl, KEY, 'http://127.0.0.1:4010');
    expect((await servicesOf()).map((s) => s.name)).toEqual(['Barba', 'Corte + barba', 'Corte masculino']);
    expect(
      (await env.db.db.select().from(openingHours).where(eq(openingHours.tenantId, tenant!.id))).some(
        (h) => h.weekday === 6,
      ),
    ).toBe(false);
  });
});
