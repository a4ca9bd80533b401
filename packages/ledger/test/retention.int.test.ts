import { describe, expect } from 'vitest';
import { seedRow, test, type World } from './fixtures.ts';

const DAY_MINUTES = 24 * 60;

/** Backdates a row's creation (seeded rows are created now). */
async function createdDaysAgo(w: World, id: string, days: number) {
  await w.sql`update bookings set created_at = now() - ${days} * interval '1 day' where id = (select booking_id from notifications where id = ${id})`;
  await w.sql`update notifications set created_at = now() - ${days} * interval '1 day' where id = ${id}`;
}

async function fieldsOf(w: World, id: string) {
  const [row] = await w.sql<
    { text: string | null; recipient: string; remote_jid: string | null; status: string; message_id: string | null }[]
  >`
    select text, recipient, remote_jid, status, message_id from notifications where id = ${id}`;
  return row!;
}

describe('retention: bounded batches over settled rows past their appointment', () => {
  test('message text goes N days after the appointment; rows still owed, in flight or recent keep it', async ({
    world,
  }) => {
    const old = await seedRow(world, { status: 'delivered', startsInMinutes: -40 * DAY_MINUTES, text: 'Olá, Ana!' });
    const oldManual = await seedRow(world, { status: 'sent', kind: 'manual', text: 'Promoção' });
    const recentAppointment = await seedRow(world, { status: 'sent', startsInMinutes: -5 * DAY_MINUTES, text: 'Olá!' });
    // Booked long ago, appointment in the future: kept (the age counts from the appointment).
    const futureAppointment = await seedRow(world, { status: 'sent', startsInMinutes: 10 * DAY_MINUTES, text: 'Olá!' });
    const owed = await seedRow(world, { status: 'queued', startsInMinutes: -40 * DAY_MINUTES, text: 'Olá!' });
    for (const id of [old, oldManual, recentAppointment, futureAppointment, owed]) await createdDaysAgo(world, id, 60);

    expect(await world.ledger.retention.clearMessageText(30, 100)).toBe(2);
    expect((await fieldsOf(world, old)).text).toBeNull();
    expect((await fieldsOf(world, oldManual)).text).toBeNull();
    for (const id of [recentAppointment, futureAppointment, owed])
      expect((await fieldsOf(world, id)).text).not.toBeNull();
    // Idempotent: nothing left to do.
    expect(await world.ledger.retention.clearMessageText(30, 100)).toBe(0);
  });

  test("the customer's number leaves the row (recipient, chat id); status and message key stay", async ({ world }) => {
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await seedRow(world, { status: 'read', startsInMinutes: -400 * DAY_MINUTES }));
    const kept = await seedRow(world, { status: 'read', startsInMinutes: -100 * DAY_MINUTES });
    for (const id of [...ids, kept]) await createdDaysAgo(world, id, 401);
    await world.sql`update notifications set remote_jid = recipient || '@s.whatsapp.net' where id = any(${[...ids, kept]}::uuid[])`;
    const before = await fieldsOf(world, ids[0]!);

    // In batches: a limit of 2 touches 2 rows a call, and the caller repeats until a short batch.
    expect(await world.ledger.retention.anonymiseRecipients(365, 2)).toBe(2);
    expect(await world.ledger.retention.anonymiseRecipients(365, 2)).toBe(2);
    expect(await world.ledger.retention.anonymiseRecipients(365, 2)).toBe(1);
    expect(await world.ledger.retention.anonymiseRecipients(365, 2)).toBe(0);
    for (const id of ids) {
      const row = await fieldsOf(world, id);
      expect(row).toMatchObject({
        recipient: '',
        remote_jid: null,
        text: null,
        status: 'read',
        message_id: before.message_id === null ? null : expect.any(String),
      });
    }
    expect((await fieldsOf(world, kept)).recipient).not.toBe('');
  });

  test('a row another transaction holds is skipped, not waited for', async ({ world }) => {
    // Earlier tests' rows (one database per file) are settled first.
    while ((await world.ledger.retention.clearMessageText(30, 100)) > 0);
    const held = await seedRow(world, { status: 'delivered', startsInMinutes: -40 * DAY_MINUTES });
    const free = await seedRow(world, { status: 'delivered', startsInMinutes: -40 * DAY_MINUTES });
    for (const id of [held, free]) await createdDaysAgo(world, id, 60);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = world.sql.begin(async (tx) => {
      await tx`select id from notifications where id = ${held} for update`;
      locked();
      await released;
    });
    await isLocked;
    try {
      expect(await world.ledger.retention.clearMessageText(30, 100)).toBe(1);
      expect((await fieldsOf(world, free)).text).toBeNull();
      expect((await fieldsOf(world, held)).text).not.toBeNull();
    } finally {
      release();
      await holder;
    }
    expect(await world.ledger.retention.clearMessageText(30, 100)).toBe(1);
  });
});
