import { tenants } from '@bora/db';
import { describe, expect } from 'vitest';
import { templateName, test } from '../src/index.ts';

describe('test harness', () => {
  test('gives each file its own migrated database and a unique Redis prefix', async ({ env }) => {
    expect(env.databaseUrl).toMatch(/\/bora_test_[0-9a-f]{12}$/);
    expect(env.queuePrefix).toMatch(/^\{t[0-9a-f]{10}\}$/);
    const [row] = await env.db.db.insert(tenants).values({ slug: 'harness', name: 'Harness' }).returning();
    expect(row?.timezone).toBe('America/Sao_Paulo');
    await env.redis.set(`${env.queuePrefix}:probe`, '1');
    expect(await env.redis.get(`${env.queuePrefix}:probe`)).toBe('1');
  });

  test('names the template after the migrations', () => {
    expect(templateName()).toMatch(/^bora_test_tpl_[0-9a-f]{12}$/);
  });
});
