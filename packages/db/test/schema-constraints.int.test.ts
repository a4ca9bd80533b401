import { eq } from 'drizzle-orm';
import { bookings, evolutionApis, notifications, pgErrorCode, tenants, whatsappInstances } from '../src/index.ts';
import { describe, expect } from 'vitest';
import { test } from './fixture.ts';

// The guarantees the schema carries, proven against real Postgres.

const at = (iso: string) => new Date(iso);

async function expectCode(promise: Promise<unknown>, code: string) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected SQLSTATE ${code}`).toBeDefined();
  expect(pgErrorCode(error)).toBe(code);
}

describe('schema constraints', () => {
  test('bookings of one professional cannot overlap; back-to-back and cancelled slots are fine', async ({
    database,
  }) => {
    const { db } = database;
    const [tenant] = await db.insert(tenants).values({ slug: 'barbearia-a', name: 'Barbearia A' }).returning();
    const base = {
      tenantId: tenant!.id,
      customerName: 'Ana',
      customerPhone: '5511987654321',
      service: 'Corte',
      professional: 'João',
    };
    const [first] = await db
      .insert(bookings)
      .values({ ...base, startsAt: at('2030-01-10T13:00:00Z'), endsAt: at('2030-01-10T13:30:00Z') })
      .returning();

    await expectCode(
      db.insert(bookings).values({ ...base, startsAt: at('2030-01-10T13:15:00Z'), endsAt: at('2030-01-10T13:45:00Z') }),
      '23P01',
    );
    // Back to back: [13:30, 14:00) touches [13:00, 13:30) without overlapping.
    await db
      .insert(bookings)
      .values({ ...base, startsAt: at('2030-01-10T13:30:00Z'), endsAt: at('2030-01-10T14:00:00Z') });
    // Another professional may take the same slot.
    await db.insert(bookings).values({
      ...base,
      professional: 'Maria',
      startsAt: at('2030-01-10T13:00:00Z'),
      endsAt: at('2030-01-10T13:30:00Z'),
    });

    // Cancelling frees the slot.
    await db.update(bookings).set({ status: 'cancelled' }).where(eq(bookings.id, first!.id));
    await db
      .insert(bookings)
      .values({ ...base, startsAt: at('2030-01-10T13:00:00Z'), endsAt: at('2030-01-10T13:30:00Z') });
  });

  test('a booking must end after it starts', async ({ database }) => {
    const { db } = database;
    const [tenant] = await db.insert(tenants).values({ slug: 'salao-b', name: 'Salão B' }).returning();
    await expectCode(
      db.insert(bookings).values({
        tenantId: tenant!.id,
        customerName: 'Bia',
        customerPhone: '5511987654321',
        service: 'Unha',
        startsAt: at('2030-01-10T13:00:00Z'),
        endsAt: at('2030-01-10T13:00:00Z'),
      }),
      '23514',
    );
  });

  test('one notification per (booking, kind)', async ({ database }) => {
    const { db } = database;
    const [tenant] = await db.insert(tenants).values({ slug: 'clinica-c', name: 'Clínica C' }).returning();
    const [booking] = await db
      .insert(bookings)
      .values({
        tenantId: tenant!.id,
        customerName: 'Caio',
        customerPhone: '5511987654321',
        service: 'Consulta',
        startsAt: at('2030-02-01T12:00:00Z'),
        endsAt: at('2030-02-01T12:30:00Z'),
      })
      .returning();
    const row = {
      tenantId: tenant!.id,
      bookingId: booking!.id,
      kind: 'confirmation' as const,
      recipient: '5511987654321',
    };
    await db.insert(notifications).values(row);
    await expectCode(db.insert(notifications).values(row), '23505');
    await db.insert(notifications).values({ ...row, kind: 'reminder' });
  });

  test('servers need capacity > 0 and unique names; instances unique name, phone and one primary per tenant', async ({
    database,
  }) => {
    const { db } = database;
    const server = { url: 'http://evo', apiKeyEncrypted: 'x', webhookSecretEncrypted: 'y' };
    await expectCode(db.insert(evolutionApis).values({ ...server, name: 'Zero', capacity: 0 }), '23514');
    await expectCode(db.insert(evolutionApis).values({ ...server, name: 'Negative', capacity: -5 }), '23514');
    const [evo] = await db
      .insert(evolutionApis)
      .values({ ...server, name: 'Evolution API 1' })
      .returning();
    expect(evo!.capacity).toBe(20);
    await expectCode(db.insert(evolutionApis).values({ ...server, name: 'Evolution API 1' }), '23505');

    const [tenant] = await db.insert(tenants).values({ slug: 'studio-d', name: 'Studio D' }).returning();
    const instance = { evolutionApiId: evo!.id, displayName: 'WhatsApp Principal', tenantId: tenant!.id };
    await db
      .insert(whatsappInstances)
      .values({ ...instance, instanceName: 'studio-d-1', phoneNumber: '5511987650001', isPrimary: true });
    await expectCode(
      db.insert(whatsappInstances).values({ ...instance, instanceName: 'studio-d-1', phoneNumber: '5511987650002' }),
      '23505',
    );
    await expectCode(
      db.insert(whatsappInstances).values({ ...instance, instanceName: 'studio-d-2', phoneNumber: '5511987650001' }),
      '23505',
    );
    await expectCode(
      db
        .insert(whatsappInstances)
        .values({ ...instance, instanceName: 'studio-d-3', phoneNumber: '5511987650003', isPrimary: true }),
      '23505',
    );
    await db
      .insert(whatsappInstances)
      .values({ ...instance, instanceName: 'studio-d-4', phoneNumber: '5511987650004' });

    const shared = { evolutionApiId: evo!.id, displayName: 'Compartilhado', tenantId: null };
    await db
      .insert(whatsappInstances)
      .values({ ...shared, instanceName: 'shared-1', phoneNumber: '5511987650010', isPrimary: true });
    await expectCode(
      db
        .insert(whatsappInstances)
        .values({ ...shared, instanceName: 'shared-2', phoneNumber: '5511987650011', isPrimary: true }),
      '23505',
    );
  });
});
