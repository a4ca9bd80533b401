import { randomUUID } from 'node:crypto';
import { enqueueNotifications, type NotificationQueues } from '@bora/queue';
import type { BenchContext } from './context.ts';
import { resetBookings } from './database.ts';
import { verifyLedger, type LedgerCheck } from './ledger-check.ts';
import { waitUntil } from './net.ts';

/** One side of the dispatch benchmark: what it enqueues and how it knows the batch is done. */
export interface Side {
  queue: NotificationQueues;
  /** Enqueues n jobs and resolves once all are done. */
  run(n: number, round: number): Promise<LedgerCheck | undefined>;
}

async function enqueueAll(queue: NotificationQueues, tenantId: string, ids: readonly string[]): Promise<void> {
  const now = new Date();
  for (let i = 0; i < ids.length; i += 1_000) {
    await enqueueNotifications(
      queue,
      ids.slice(i, i + 1_000).map((id) => ({ id, tenantId, dueAt: now })),
    );
  }
}

export function serviceSide(ctx: BenchContext, tenantId: string, queue: NotificationQueues): Side {
  return {
    queue,
    async run(n, roundNo) {
      await resetBookings(ctx.sql);
      const ids = await insertDueNotifications(ctx, tenantId, n, roundNo);
      await ctx.sql`analyze bookings, notifications`; // as autovacuum would after a bulk insert
      await enqueueAll(queue, tenantId, ids);
      await waitUntil(
        async () => {
          const [row] = await ctx.sql<
            { done: number }[]
          >`select count(*)::int as done from notifications where status in ('sent', 'failed')`;
          return (row?.done ?? 0) >= n;
        },
        `${n} notifications sent`,
        180_000,
        250,
      );
      return verifyLedger(ctx.sql, n);
    },
  };
}

export function bareSide(queue: NotificationQueues): Side {
  return {
    queue,
    async run(n) {
      const before = await queue.getJobCounts('completed', 'failed');
      await enqueueAll(
        queue,
        randomUUID(),
        Array.from({ length: n }, () => randomUUID()),
      );
      await waitUntil(
        async () => {
          const counts = await queue.getJobCounts('completed', 'failed');
          return (counts.completed ?? 0) + (counts.failed ?? 0) - (before.completed ?? 0) - (before.failed ?? 0) >= n;
        },
        `${n} bare jobs done`,
        180_000,
        250,
      );
      return undefined;
    },
  };
}

/** n bookings with a due confirmation each, as booking-api leaves them after enqueueing. */
async function insertDueNotifications(
  ctx: BenchContext,
  tenantId: string,
  n: number,
  roundNo: number,
): Promise<string[]> {
  const base = new Date(Date.now() + 2 * 86_400_000).toISOString();
  const rows = await ctx.sql<{ id: string }[]>`
    with b as (
      insert into bookings (tenant_id, customer_name, customer_phone, service, professional, starts_at, ends_at)
      select ${tenantId}, 'Cliente ' || g, '5511' || (970000000 + g)::text, 'Corte de cabelo', ${`round-${roundNo}`},
             ${base}::timestamptz + g * interval '30 minutes', ${base}::timestamptz + g * interval '30 minutes' + interval '30 minutes'
      from generate_series(1, ${n}::int) g
      returning id, tenant_id, customer_phone)
    insert into notifications (tenant_id, booking_id, kind, recipient, status)
    select tenant_id, id, 'confirmation', customer_phone, 'queued' from b
    returning id`;
  return rows.map((r) => r.id);
}
