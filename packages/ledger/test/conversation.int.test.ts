import { describe, expect } from 'vitest';
import { rowOf, seedRow, test } from './fixtures.ts';

describe('what the customer said reaches the claim', () => {
  test('an opted-out number gets nothing of that business but our answers to it: owed rows are cancelled, at the claim too', async ({
    world,
  }) => {
    const recipient = '5511987650101';
    const owed = await seedRow(world, { status: 'pending', kind: 'reminder', recipient });
    const queuedManual = await seedRow(world, { status: 'queued', kind: 'manual', recipient });
    await world.sql`insert into contact_preferences (tenant_id, phone, opted_out_at) values (${world.tenantId}, ${recipient}, now())`;
    const reply = await world.ledger.owed.createReply({
      tenantId: world.tenantId,
      recipient,
      text: 'Pronto: você não vai mais receber…',
      serverId: world.serverId,
      instanceId: world.instanceId,
    });

    // A row already in a dispatcher's hands meets the opt-out at its claim.
    const claimed = await world.ledger.claim(queuedManual);
    expect(claimed).toEqual({ reason: 'cancelled' });
    expect(await rowOf(world, queuedManual)).toMatchObject({ status: 'cancelled', last_error_code: 'OPTED_OUT' });
    // The others are cancelled at once, our answer excepted.
    expect(await world.ledger.owed.cancelOwedForRecipient(world.tenantId, [recipient, '551187650101'])).toEqual([owed]);
    expect(await rowOf(world, owed)).toMatchObject({ status: 'cancelled', last_error_code: 'OPTED_OUT' });
    const answer = await world.ledger.claim(reply.id);
    expect(answer).toMatchObject({
      kind: 'reply',
      forcedInstanceId: world.instanceId,
      forcedEvolutionApiId: world.serverId,
    });

    // Once they say "voltar" (their opt-out lifted), messages reach them again.
    await world.sql`delete from contact_preferences`;
    const again = await seedRow(world, { status: 'pending', kind: 'confirmation', recipient });
    expect(await world.ledger.claim(again)).toMatchObject({ id: again, kind: 'confirmation' });
  });

  test('a confirmation waiting for the customer to write first is brought forward once they do', async ({ world }) => {
    const id = await seedRow(world, { status: 'pending', kind: 'confirmation' });
    await world.sql`update notifications set due_at = now() + interval '5 minutes' where id = ${id}`;
    const [row] = await world.sql<{ booking_id: string }[]>`select booking_id from notifications where id = ${id}`;
    const forward = await world.ledger.owed.bringConfirmationForward(row!.booking_id);
    expect(forward?.id).toBe(id);
    expect(forward!.dueAt.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    // Already due: nothing to bring forward.
    expect(await world.ledger.owed.bringConfirmationForward(row!.booking_id)).toBeUndefined();
  });
});
