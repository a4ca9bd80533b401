import { test, waitFor } from '@bora/testing';
import { describe, expect } from 'vitest';
import { createPacer, type PaceAnswer } from '../src/pacing.ts';
import { book, seedFleet, startDispatcher, testConfig } from './support.ts';

describe('dispatcher: pacing per WhatsApp instance', () => {
  test('20 messages for one instance at 200 ms pacing take ≥ 3.8 s; another instance is not held back', async ({
    env,
  }) => {
    const { sim, tenant } = await seedFleet(env, [
      { name: 'evo1', instances: [{ name: 'busy-01', phone: '5511911110001', isPrimary: true }] },
    ]);
    const other = await seedOtherTenant(env);
    sim.control.addInstance('evo1', { name: 'other-01' });
    const dispatcher = await startDispatcher(
      env,
      testConfig(env, { PACING_MIN_INTERVAL_MS: '200', PACING_JITTER_MS: '0' }),
    );
    try {
      const started = Date.now();
      for (let i = 0; i < 20; i++) await book(env, tenant.id, { phone: `55119876${String(10000 + i).slice(1)}` });
      await book(env, other, { phone: '5511987659999' });
      await waitFor(async () => sim.control.messages().length === 21, { timeoutMs: 15_000, what: '21 messages' });
      const busy = sim.control
        .messages({ instance: 'busy-01' })
        .map((m) => m.receivedAt)
        .sort((a, b) => a - b);
      const quick = sim.control.messages({ instance: 'other-01' });
      expect(busy).toHaveLength(20);
      expect(busy.at(-1)! - busy[0]!).toBeGreaterThanOrEqual(3_800 - 50);
      for (let i = 1; i < busy.length; i++) expect(busy[i]! - busy[i - 1]!).toBeGreaterThanOrEqual(150);
      // The other tenant's message went out at once, not after the busy instance's queue.
      expect(quick[0]!.receivedAt - started).toBeLessThan(1_500);
      const [row] = await env.db.sql`select max(attempts)::int as attempts from notifications`;
      expect(row!.attempts).toBe(1);
    } finally {
      await dispatcher.close();
      await sim.close();
    }
  });
});

describe('pacer: a request with a maximum wait', () => {
  test('a slot further than the maximum wait is not promised: nothing is reserved and the answer is busy', async ({
    env,
  }) => {
    const pacer = createPacer(env.redis, `${env.queuePrefix}:max-wait`, { minIntervalMs: 1_000, jitterMs: 0 });
    expect(await pacer.request('instance-a')).toEqual({ go: true });
    // A failover candidate that can wait 200 ms inline: the next slot is ~1 s away.
    const busy = await pacer.request('instance-a', { maxWaitMs: 200 });
    expect(busy).toEqual({ go: false, busy: true, waitMs: expect.any(Number) });
    expect(waitOf(busy)).toBeGreaterThan(200);
    expect(waitOf(busy)).toBeLessThanOrEqual(1_000);
    // The slot it was told about is still free: the next job is promised it, not the one after.
    const promised = slotOf(await pacer.request('instance-a'));
    expect(promised - Date.now()).toBeLessThanOrEqual(1_000);
    // maxWaitMs 0 takes only a slot free now; a wait long enough is promised the following slot.
    expect(await pacer.request('instance-a', { maxWaitMs: 0 })).toMatchObject({ go: false, busy: true });
    expect(slotOf(await pacer.request('instance-a', { maxWaitMs: 5_000 })) - promised).toBe(1_000);
  });

  test('a free instance answers go whatever the maximum wait, and records the send', async ({ env }) => {
    const pacer = createPacer(env.redis, `${env.queuePrefix}:max-wait-free`, { minIntervalMs: 1_000, jitterMs: 0 });
    expect(await pacer.request('instance-b', { maxWaitMs: 0 })).toEqual({ go: true });
    expect(await pacer.request('instance-b', { maxWaitMs: 0 })).toMatchObject({ go: false, busy: true });
  });

  test('failing over to a sender with a backlog of promised slots reserves none of them', async ({ env }) => {
    const { sim, tenant, instanceIds } = await seedFleet(env, [
      {
        name: 'evo1',
        instances: [
          { name: 'own-01', phone: '5511911110001', isPrimary: true },
          { name: 'shared-01', phone: '5511911110002', tenant: 'shared' },
        ],
      },
    ]);
    sim.control.setInstanceFaults('evo1', 'own-01', { sendError: 'connection-closed' });
    // The shared sender is booked for the next 3 s (other tenants' paced jobs).
    const pacer = createPacer(env.redis, env.queuePrefix, { minIntervalMs: 1_000, jitterMs: 0 });
    const shared = instanceIds['shared-01']!;
    expect(await pacer.request(shared)).toEqual({ go: true });
    let lastPromised = 0;
    for (let i = 0; i < 3; i++) lastPromised = slotOf(await pacer.request(shared));
    const dispatcher = await startDispatcher(
      env,
      testConfig(env, { PACING_MIN_INTERVAL_MS: '1000', PACING_JITTER_MS: '0', MAX_ATTEMPTS: '1' }),
    );
    try {
      const { notification } = await book(env, tenant.id);
      await waitFor(
        async () => {
          const [row] = await env.db.sql`select status from notifications where id = ${notification.id}`;
          return row!.status === 'failed';
        },
        { what: 'no sender could take it in this attempt' },
      );
      expect(sim.control.messages()).toHaveLength(0);
      // The failover did not book (and abandon) the shared sender's next slot: it is still free.
      expect(slotOf(await pacer.request(shared)) - lastPromised).toBe(1_000);
    } finally {
      await dispatcher.close();
      await sim.close();
    }
  });
});

function slotOf(answer: PaceAnswer): number {
  if (answer.go || !('slot' in answer)) throw new Error(`expected a promised slot, got ${JSON.stringify(answer)}`);
  return answer.slot;
}

function waitOf(answer: PaceAnswer): number {
  if (answer.go) throw new Error('expected to wait, got go');
  return answer.waitMs;
}

async function seedOtherTenant(env: Parameters<typeof seedFleet>[0]): Promise<string> {
  const [server] = await env.db.sql`select id from evolution_apis limit 1`;
  const [tenant] = await env.db.sql`insert into tenants (slug, name) values ('outro', 'Outro Negócio') returning id`;
  await env.db.sql`
    insert into whatsapp_instances (evolution_api_id, tenant_id, instance_name, phone_number, display_name, status, is_primary)
    values (${server!.id}, ${tenant!.id}, 'other-01', '5511911112222', 'Outro', 'connected', true)`;
  return tenant!.id as string;
}
