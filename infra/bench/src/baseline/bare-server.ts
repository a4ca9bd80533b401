// Process entry: the bare baseline the booking-api is measured against. Fastify and postgres.js
// with nothing else: no schemas, no validation, no tenant lookup, no queue, no logging. One
// request = one INSERT statement writing what a booking must persist (the booking and its two
// notification rows, in the same tables, under the same constraints), as a data-modifying CTE.
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import postgres from 'postgres';

interface Body {
  customerName: string;
  customerPhone: string;
  service: string;
  startsAt: string;
  durationMinutes?: number;
  professional?: string;
}

const port = Number(process.env.BARE_PORT);
const tenantId = process.env.BARE_TENANT_ID ?? '';
// The same pool size as @bora/db's createDb default, so both sides may run as many queries at once.
const sql = postgres(process.env.BARE_DATABASE_URL ?? '', { max: 10, onnotice: () => {} });
const app = Fastify({ logger: false });

app.post('/bookings', async (request, reply) => {
  const body = request.body as Body;
  const startsAt = new Date(body.startsAt);
  const endsAt = new Date(startsAt.getTime() + (body.durationMinutes ?? 30) * 60_000);
  // The rows a booking owes by default: the confirmation and two reminders (a day and two hours before).
  const dayBefore = new Date(startsAt.getTime() - 24 * 3_600_000);
  const hoursBefore = new Date(startsAt.getTime() - 2 * 3_600_000);
  const phone = `55${body.customerPhone.replace(/\D/g, '')}`;
  const id = randomUUID();
  await sql`
    with b as (
      insert into bookings (id, tenant_id, customer_name, customer_phone, service, professional, starts_at, ends_at)
      values (${id}, ${tenantId}, ${body.customerName}, ${phone}, ${body.service}, ${body.professional ?? ''}, ${startsAt}, ${endsAt})
      returning id)
    insert into notifications (id, tenant_id, booking_id, kind, seq, recipient, due_at)
    select n.id, ${tenantId}, b.id, n.kind, n.seq, ${phone}, n.due_at
    from b, unnest(${sql.array([randomUUID(), randomUUID(), randomUUID()])}::uuid[], array['confirmation', 'reminder', 'reminder'], array[0, 0, 1],
                   ${sql.array([new Date(), dayBefore, hoursBefore])}::timestamptz[]) as n(id, kind, seq, due_at)`;
  return reply.code(201).send({ id });
});

// The stats benchmark's floor: one HTTP request and one database round trip, nothing else.
app.get('/select-1', async () => {
  await sql`select 1`;
  return { ok: true };
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void app
      .close()
      .then(() => sql.end({ timeout: 2 }))
      .then(() => process.exit(0));
  });
}
await app.listen({ port, host: '127.0.0.1' });
