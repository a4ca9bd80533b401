import { QUEUE_PREFIXES, deleteKeys, type BenchContext } from './context.ts';
import { resetData, type Sql } from './database.ts';
import { median, percentile, round } from './measure.ts';
import { createTenant } from './seed.ts';
import { startBareServer, startBookingApi } from './services.ts';

export interface SlotsResult {
  professionals: number;
  bookings: number;
  medianMs: number;
  p90Ms: number;
  /** Slots in the answers (summed over the days asked), and whether every one was really free. */
  slots: number;
  verified: boolean;
  selectOneMedianMs: number;
}

const DAY_MS = 86_400_000;
const SLOT_MINUTES = 30;
/** 08:00–20:00 São Paulo, Monday to Saturday: 24 half-hour starts a day per professional. */
const OPEN_MINUTE = 8 * 60;
const CLOSE_MINUTE = 20 * 60;

/** YYYY-MM-DD in São Paulo (−03:00 all year: Brazil has no DST since 2019), `days` from now. */
const saoPauloDate = (days: number) => new Date(Date.now() - 3 * 3_600_000 + days * DAY_MS).toISOString().slice(0, 10);
const isSunday = (date: string) => new Date(`${date}T12:00:00Z`).getUTCDay() === 0;

/**
 * A tenant with one 30-minute service done by every one of `professionals` people, open
 * Monday–Saturday 08:00–20:00, and `bookings` confirmed bookings spread over the 60-day window on
 * distinct (professional, slot) pairs — a busy shop's calendar. Rows go in with SQL, as booking-api
 * writes them (catalogue ids and names), then the tables are analyzed as autovacuum would.
 */
async function seedShop(
  sql: Sql,
  professionals: number,
  bookings: number,
): Promise<{ slug: string; serviceId: string; days: string[] }> {
  const slug = 'bench-slots';
  const tenantId = await createTenant(sql, slug);
  const [service] = await sql<{ id: string }[]>`
    insert into services (tenant_id, name, duration_minutes) values (${tenantId}, 'Corte', ${SLOT_MINUTES}) returning id`;
  const pros = await sql<{ id: string; name: string }[]>`
    insert into professionals (tenant_id, name)
    select ${tenantId}, 'Profissional ' || lpad(i::text, 2, '0') from generate_series(1, ${professionals}) i returning id, name`;
  await sql`insert into professional_services (professional_id, service_id) select unnest(${sql.array(pros.map((p) => p.id))}::uuid[]), ${service!.id}`;
  await sql`
    insert into opening_hours (tenant_id, weekday, start_minute, end_minute)
    select ${tenantId}, d, ${OPEN_MINUTE}, ${CLOSE_MINUTE} from generate_series(1, 6) d`;
  await sql`insert into booking_settings (tenant_id, min_notice_minutes, max_days_ahead) values (${tenantId}, 0, 60)`;

  const days = Array.from({ length: 60 }, (_, i) => saoPauloDate(i + 1)).filter((d) => !isSunday(d));
  const perDay = (CLOSE_MINUTE - OPEN_MINUTE) / SLOT_MINUTES;
  const cells = days.length * perDay * professionals;
  // A fixed stride over every (day, professional, slot) cell: distinct, spread, the same every run.
  const stride = 7_919;
  const rows = Array.from({ length: bookings }, (_, i) => {
    const cell = (i * stride) % cells;
    const day = days[Math.floor(cell / (perDay * professionals))]!;
    const pro = pros[Math.floor(cell / perDay) % professionals]!;
    const start = Date.parse(`${day}T00:00:00-03:00`) + (OPEN_MINUTE + (cell % perDay) * SLOT_MINUTES) * 60_000;
    return { pro, start };
  });
  await sql`
    insert into bookings (tenant_id, customer_name, customer_phone, service, service_id, professional, professional_id, starts_at, ends_at)
    select ${tenantId}, 'Cliente', '551197' || lpad(n::text, 7, '0'), 'Corte', ${service!.id}, p.name, p.id, s, s + interval '30 minutes'
    from unnest(${sql.array(rows.map((r) => r.pro.id))}::uuid[], ${sql.array(rows.map((r) => new Date(r.start).toISOString()))}::timestamptz[])
         with ordinality as x(pid, s, n)
    join professionals p on p.id = x.pid`;
  await sql`analyze services, professionals, professional_services, opening_hours, bookings`;
  return { slug, serviceId: service!.id, days };
}

/** Every slot answered must be free: no confirmed booking of its professional overlaps it. */
async function overlapping(
  sql: Sql,
  slots: { startsAt: string; endsAt: string; professionalId: string }[],
): Promise<number> {
  if (slots.length === 0) return 0;
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n
    from unnest(${sql.array(slots.map((s) => s.professionalId))}::uuid[], ${sql.array(slots.map((s) => s.startsAt))}::timestamptz[],
                ${sql.array(slots.map((s) => s.endsAt))}::timestamptz[]) as x(pid, s, e)
    join bookings b on b.professional_id = x.pid and b.status = 'confirmed' and b.starts_at < x.e and b.ends_at > x.s`;
  return row!.n;
}

async function timeGet(url: string): Promise<{ ms: number; body: string }> {
  const start = performance.now();
  const response = await fetch(url);
  const body = await response.text();
  const ms = performance.now() - start;
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status} ${body.slice(0, 200)}`);
  return { ms, body };
}

/**
 * `GET /v1/tenants/:slug/slots` for one day, any professional (the heaviest question: all ten
 * calendars), called one at a time (a customer opening the times step), cycling over the window's
 * open days, alternating with the bare `select 1` endpoint (the floor of HTTP + one Postgres round
 * trip). Counts only if every slot answered was really free.
 */
export async function runSlots(ctx: BenchContext): Promise<SlotsResult> {
  const s = ctx.settings.slots;
  await resetData(ctx.sql);
  await deleteKeys(ctx.redis, QUEUE_PREFIXES.slots);
  const shop = await seedShop(ctx.sql, s.professionals, s.bookings);
  const [api, bare] = await Promise.all([
    startBookingApi(ctx, 'booking-api-slots', QUEUE_PREFIXES.slots),
    startBareServer(ctx, 'bare-server-slots', 'none'),
  ]);
  try {
    const url = (day: string) => `${api.url}/v1/tenants/${shop.slug}/slots?serviceId=${shop.serviceId}&date=${day}`;
    let slots = 0;
    let wrong = 0;
    for (const day of shop.days) {
      const answer = JSON.parse((await timeGet(url(day))).body) as {
        slots: { startsAt: string; endsAt: string; professionalId: string }[];
      };
      slots += answer.slots.length;
      wrong += await overlapping(ctx.sql, answer.slots);
    }
    if (slots === 0) throw new Error('the slots route answered no slot at all');
    for (let i = 0; i < s.warmupCalls; i++) {
      await timeGet(url(shop.days[i % shop.days.length]!));
      await timeGet(`${bare.url}/select-1`);
    }
    const times: number[] = [];
    const selectOne: number[] = [];
    for (let i = 0; i < s.calls; i++) {
      times.push((await timeGet(url(shop.days[i % shop.days.length]!))).ms);
      selectOne.push((await timeGet(`${bare.url}/select-1`)).ms);
    }
    const result = {
      professionals: s.professionals,
      bookings: s.bookings,
      medianMs: round(median(times), 2),
      p90Ms: round(percentile(times, 90), 2),
      slots,
      verified: wrong === 0,
      selectOneMedianMs: round(median(selectOne), 2),
    };
    ctx.log(
      `slots: median ${result.medianMs} ms (p90 ${result.p90Ms} ms); ${slots} slots over ${shop.days.length} days, ${wrong} not free; select 1: ${result.selectOneMedianMs} ms`,
    );
    return result;
  } finally {
    await Promise.all([api.child.stop(), bare.child.stop()]);
    await deleteKeys(ctx.redis, QUEUE_PREFIXES.slots);
  }
}
