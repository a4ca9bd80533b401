import { test, waitFor } from '@bora/testing';
import { describe, expect } from 'vitest';
import { book, queueSettled, seedFleet, startDispatcher, statusOf, testConfig } from './support.ts';

// DESIGN.md: a failed notification is retryable from bull-board, whose "retry" is BullMQ's
// `job.retry('failed')` — the same job runs again, with the row still `failed`.
describe('dispatcher: an operator retrying a failed job from bull-board', () => {
  async function failedForGood(env: Parameters<typeof seedFleet>[0]) {
    const fleet = await seedFleet(env, [
      { name: 'evo1', instances: [{ name: 'own-01', phone: '5511911110001', isPrimary: true }] },
    ]);
    fleet.sim.control.markUnregistered(['5511955554444']);
    const dispatcher = await startDispatcher(env, testConfig(env, { MAX_ATTEMPTS: '2' }));
    const { notification } = await book(env, fleet.tenant.id, { phone: '5511955554444' });
    await waitFor(async () => (await statusOf(env, notification.id)).status === 'failed', {
      what: 'notification failed',
    });
    const job = (await dispatcher.queues.shards[0]!.getJob(notification.id))!;
    await waitFor(async () => (await job.getState()) === 'failed', { what: 'job failed' });
    expect(fleet.sim.control.messages()).toHaveLength(0);
    return { ...fleet, dispatcher, notification, job };
  }

  test('once the cause is fixed, the retried job sends the message exactly once, with a fresh attempt budget', async ({
    env,
  }) => {
    const { sim, dispatcher, notification, job } = await failedForGood(env);
    try {
      sim.control.reset(); // the number is on WhatsApp now
      await job.retry('failed');
      const row = await waitFor(
        async () => {
          const r = await statusOf(env, notification.id);
          return r.status === 'sent' && r;
        },
        { what: 'notification sent after the retry' },
      );
      await waitFor(async () => (await job.getState()) === 'completed', { what: 'job completed' });
      await queueSettled(env);
      expect(sim.control.messages()).toHaveLength(1);
      expect(row.attempts).toBe(1);
      expect(row.failed_at).toBeNull();
      const attempts = await env.db
        .sql`select outcome, error_code from delivery_attempts where notification_id = ${notification.id} order by id`;
      expect(attempts).toEqual([
        { outcome: 'failed', error_code: 'NUMBER_NOT_ON_WHATSAPP' },
        { outcome: 'sent', error_code: null },
      ]);
    } finally {
      await dispatcher.close();
      await sim.close();
    }
  });

  test('a retried job whose row was meanwhile sent or cancelled leaves it alone and sends nothing', async ({ env }) => {
    const { sim, dispatcher, notification, job } = await failedForGood(env);
    try {
      sim.control.reset();
      // Another path finished the row (admin-api's retry already delivered it; the booking was
      // cancelled), then the operator retries the job: first from failed, then the completed one.
      for (const [status, from] of [
        ['sent', 'failed'],
        ['cancelled', 'completed'],
      ] as const) {
        await env.db.sql`update notifications set status = ${status} where id = ${notification.id}`;
        await job.retry(from);
        await waitFor(async () => (await job.getState()) === 'completed', { what: `job completed (row ${status})` });
        const row = await statusOf(env, notification.id);
        expect(row.status).toBe(status);
        expect(row.attempts).toBe(1);
      }
      await queueSettled(env);
      expect(sim.control.messages()).toHaveLength(0);
    } finally {
      await dispatcher.close();
      await sim.close();
    }
  });
});
