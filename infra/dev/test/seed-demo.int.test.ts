import { evolutionApis, whatsappInstances } from '@bora/db';
import { createTestEnv, type TestEnv } from '@bora/testing';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SERVERS } from '../src/demo-fleet.ts';
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
