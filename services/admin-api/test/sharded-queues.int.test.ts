import { createNotificationQueues, shardPrefixes } from '@bora/queue';
import { test } from '@bora/testing';
import { describe, expect } from 'vitest';
import { auth, resetData, startAdminApi } from './helpers.ts';

describe('sharded notification queues (QUEUE_SHARDS)', () => {
  test('bull-board lists every shard; a manual message and its retry land in the shard of their business', async ({
    env,
  }) => {
    await resetData(env);
    const t = await startAdminApi(env, { QUEUE_SHARDS: '3' });
    const queues = createNotificationQueues({ connection: env.redis, prefix: env.queuePrefix, shards: 3 });
    try {
      const board = await t.app.inject({ url: '/admin/queues/api/queues', headers: auth });
      expect(board.statusCode).toBe(200);
      const listed = (board.json() as { queues: { name: string; displayName?: string; description?: string }[] })
        .queues;
      expect(listed.map((q) => q.name).sort()).toEqual([
        'shard-0-notifications',
        'shard-1-notifications',
        'shard-2-notifications',
      ]);
      expect(listed.map((q) => q.description).every((d) => d?.includes('Notificações WhatsApp — fila'))).toBe(true);

      const ids: { id: string; tenantId: string }[] = [];
      for (const slug of ['loja-a', 'loja-b', 'loja-c', 'loja-d', 'loja-e']) {
        const tenant = (
          await t.app.inject({ method: 'POST', url: '/v1/tenants', headers: auth, payload: { slug, name: slug } })
        ).json() as { id: string };
        const sent = await t.app.inject({
          method: 'POST',
          url: '/v1/messages',
          headers: auth,
          payload: { tenantSlug: slug, to: '(11) 98765-4321', text: 'Olá!' },
        });
        expect(sent.json()).toMatchObject({ status: 'queued' });
        ids.push({ id: (sent.json() as { id: string }).id, tenantId: tenant.id });
      }
      for (const { id, tenantId } of ids) {
        const shard = queues.shardOf(tenantId);
        expect((await queues.shards[shard]!.getJob(id))?.data).toEqual({ notificationId: id });
        for (const other of [0, 1, 2].filter((s) => s !== shard))
          expect(await queues.shards[other]!.getJob(id)).toBeUndefined();
      }
      // An operator retry of a dead letter goes back to the same shard.
      const failed = ids[0]!;
      await queues.shards[queues.shardOf(failed.tenantId)]!.remove(failed.id);
      await env.db.sql`update notifications set status = 'failed', failed_at = now() where id = ${failed.id}`;
      const retried = await t.app.inject({
        method: 'POST',
        url: `/v1/notifications/${failed.id}/retry`,
        headers: auth,
      });
      expect(retried.json()).toEqual({ id: failed.id, status: 'queued' });
      expect(await queues.forTenant(failed.tenantId).getJob(failed.id)).toBeDefined();
    } finally {
      await queues.close();
      await t.close();
      for (const prefix of shardPrefixes(env.queuePrefix, 3)) {
        const keys = await env.redis.keys(`${prefix}*`);
        if (keys.length) await env.redis.unlink(...keys);
      }
    }
  });

  test('one shard (the default): one queue named notifications under the base prefix, as before', async ({ env }) => {
    const t = await startAdminApi(env);
    try {
      const board = await t.app.inject({ url: '/admin/queues/api/queues', headers: auth });
      expect((board.json() as { queues: { name: string }[] }).queues.map((q) => q.name)).toEqual(['notifications']);
      expect(t.config.queueShards).toBe(1);
    } finally {
      await t.close();
    }
  });
});
