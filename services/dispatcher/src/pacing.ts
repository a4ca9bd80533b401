import type { Cluster, Redis } from 'ioredis';
import { bellCurveGap } from './number-safety/gap.ts';

// Per instance, on Redis' clock (one clock for every replica), five keys under the queue prefix:
//   last   = when the instance last actually sent;  next = the next slot not yet promised;
//   recent = the last BUDGET_PER_MINUTE promised slots, newest first (the exact per-minute window);
//   counts = promised slots per minute (`m<i>`), per hour (`h<i>`) and first contacts per hour (`n<i>`);
//   sent   = the last BUDGET_PER_MINUTE real sends, newest first: a job that wakes late at its slot
//            (a busy machine, a delayed timer) must not bunch with the ones after it, so a redeem
//            checks the minute window against real sends too.
// Slots are promised in increasing order, so every slot already counted lies before the one being
// computed, and each budget gives a lower bound of its own:
//   minute: the BUDGET_PER_MINUTE-th most recent slot (and real send) + 1 minute;
//   hour / day / new contacts per day: the earliest time the buckets of the 61 minutes (25 hours)
//   ending at the slot hold at most budget − 1 — one unit more than the window, so no real
//   60-minute (24-hour) window ever holds more than the budget;
//   day under warm-up: the budget of the warm-up day the slot falls in (it grows day by day);
//   a first contact while the number's reach-out lock lasts: the lock's end.
// peek: the earliest slot of each instance, nothing promised. reserve: that slot, promised and
// counted — unless it is further than the caller's maximum wait (promise nothing, answer how far:
// positive); 0 = send now (recorded), negative = the promised slot. redeem: a job waking at its
// promised slot sends when both the slot and the spacing since the last real send have come
// (0, recorded), else answers the milliseconds still to wait.
const SLOTS = `
local t0 = redis.call('TIME')
local now = tonumber(t0[1]) * 1000 + math.floor(tonumber(t0[2]) / 1000)
local mode = ARGV[1]

local function num(x) return tonumber(x) or 0 end

local function bound(list, cap, span, unit)
  local sum = 0
  for _, b in ipairs(list) do
    if sum + b[2] > cap - 1 then return (b[1] + 1 + span) * unit end
    sum = sum + b[2]
  end
  return 0
end

local function counts(key)
  local flat = redis.call('HGETALL', key)
  local out = { m = {}, h = {}, n = {} }
  for i = 1, #flat, 2 do
    local kind = string.sub(flat[i], 1, 1)
    if out[kind] then table.insert(out[kind], { tonumber(string.sub(flat[i], 2)), tonumber(flat[i + 1]) }) end
  end
  for _, list in pairs(out) do table.sort(list, function(a, b) return a[1] > b[1] end) end
  return out
end

local function dayLimit(p, hours, base)
  if p.ws < 0 then return math.max(base, bound(hours, p.pd, 24, p.uh)) end
  local d = math.max(1, math.floor((base - p.ws) / p.ud) + 1)
  while true do
    local cap = p.pd
    if d <= #p.caps then cap = math.min(cap, p.caps[d]) end
    local t = math.max(base, bound(hours, cap, 24, p.uh), p.ws + (d - 1) * p.ud)
    if d > #p.caps or t < p.ws + d * p.ud then return t end
    d = d + 1
  end
end

local function earliest(p, k)
  local t = math.max(now, num(redis.call('GET', k[2])), num(redis.call('GET', k[1])) + p.gap)
  if p.b ~= 1 then return t, nil end
  local recent = redis.call('LRANGE', k[3], 0, p.pm - 1)
  if #recent >= p.pm then t = math.max(t, num(recent[p.pm]) + p.um) end
  local sent = redis.call('LRANGE', k[5], 0, p.pm - 1)
  if #sent >= p.pm then t = math.max(t, num(sent[p.pm]) + p.um) end
  local c = counts(k[4])
  t = math.max(t, bound(c.m, p.ph, 60, p.um))
  if p.new == 1 then t = math.max(t, p.nb, bound(c.n, p.pn, 24, p.uh)) end
  return dayLimit(p, c.h, t), c
end

local function cleanup(k, c, p)
  local oldMinute = math.floor(now / p.um) - 62
  local oldHour = math.floor(now / p.uh) - 26
  for kind, list in pairs(c) do
    for _, b in ipairs(list) do
      if (kind == 'm' and b[1] < oldMinute) or (kind ~= 'm' and b[1] < oldHour) then redis.call('HDEL', k[4], kind .. b[1]) end
    end
  end
end

local function noteSent(k, p)
  if p.b ~= 1 then return end
  redis.call('LPUSH', k[5], now)
  redis.call('LTRIM', k[5], 0, p.pm - 1)
  redis.call('PEXPIRE', k[5], p.um + 60000)
end

if mode == 'peek' then
  local out = { now }
  for i = 2, #ARGV do
    local j = (i - 2) * 5
    local t = earliest(cjson.decode(ARGV[i]), { KEYS[j + 1], KEYS[j + 2], KEYS[j + 3], KEYS[j + 4], KEYS[j + 5] })
    table.insert(out, t)
  end
  return out
end

if mode == 'redeem' then
  local p = cjson.decode(ARGV[3])
  local earliestSend = math.max(tonumber(ARGV[2]), num(redis.call('GET', KEYS[1])) + p.gap)
  if p.b == 1 then
    local sent = redis.call('LRANGE', KEYS[5], 0, p.pm - 1)
    if #sent >= p.pm then earliestSend = math.max(earliestSend, num(sent[p.pm]) + p.um) end
  end
  if earliestSend <= now then
    redis.call('SET', KEYS[1], now, 'PX', p.gap + 120000)
    noteSent(KEYS, p)
    return 0
  end
  return earliestSend - now
end

local p = cjson.decode(ARGV[2])
local maxWait = tonumber(ARGV[3])
local slot, c = earliest(p, KEYS)
if maxWait >= 0 and slot - now > maxWait then return slot - now end
local ttl = p.gap + 120000
redis.call('SET', KEYS[2], slot + p.gap, 'PX', slot - now + ttl)
if p.b == 1 then
  redis.call('LPUSH', KEYS[3], slot)
  redis.call('LTRIM', KEYS[3], 0, p.pm - 1)
  redis.call('PEXPIRE', KEYS[3], slot - now + p.um + 60000)
  redis.call('HINCRBY', KEYS[4], 'm' .. math.floor(slot / p.um), 1)
  redis.call('HINCRBY', KEYS[4], 'h' .. math.floor(slot / p.uh), 1)
  if p.new == 1 then redis.call('HINCRBY', KEYS[4], 'n' .. math.floor(slot / p.uh), 1) end
  cleanup(KEYS, c, p)
  redis.call('PEXPIRE', KEYS[4], slot - now + 2 * p.ud)
end
if slot == now then
  redis.call('SET', KEYS[1], now, 'PX', ttl)
  noteSent(KEYS, p)
  return 0
end
return -slot
`;

export interface PacingOptions {
  /** The shortest gap between two sends of one number; 0 with `jitterMs` 0 = no pacing. */
  minIntervalMs: number;
  /** Width of the bell curve the gap is drawn from, above `minIntervalMs`. */
  jitterMs: number;
}

/**
 * A number's send budget for one message, as the slot script reads it. Absent: pacing only.
 * Windows are in milliseconds so a simulation can shrink them (SAFETY_TIME_SCALE).
 */
export interface SlotBudget {
  perMinute: number;
  perHour: number;
  perDay: number;
  newContactsPerDay: number;
  /** Day 1 of the warm-up (epoch ms), or null for a warm number. */
  warmStart: number | null;
  /** The day budget of warm-up days 1…n (already capped by `perDay`); later days: `perDay`. */
  warmupCaps: readonly number[];
  /** This message goes to someone the number never talked with. */
  newContact: boolean;
  /** A first contact may not go before this (the number's reach-out lock), epoch ms. */
  notBefore: number;
  units: { minuteMs: number; hourMs: number; dayMs: number };
}

/** go: send now (recorded); a slot: promised to the caller, come back then; busy: nothing promised. */
export type PaceAnswer =
  { go: true } | { go: false; slot: number; waitMs: number } | { go: false; busy: true; waitMs: number };

export interface Pacer {
  /** Pacing is on (gaps between sends); budgets ride on the same slots when a request carries one. */
  readonly enabled: boolean;
  /**
   * Asks to send now; if the instance is busy (spacing, budget), promises its next slot instead —
   * unless that slot is further than `maxWaitMs`: then nothing is reserved (a slot promised and
   * abandoned would hold the instance idle) and the answer is `busy`.
   */
  request(instanceId: string, options?: { maxWaitMs?: number; budget?: SlotBudget }): Promise<PaceAnswer>;
  /** For a job waking at its promised slot: 0 = send now (recorded), else ms still to wait. */
  redeem(instanceId: string, slot: number, budget?: SlotBudget): Promise<number>;
  /** The earliest slot of each instance (epoch ms, Redis' clock), nothing promised; one round trip. */
  peek(requests: readonly { instanceId: string; budget?: SlotBudget }[]): Promise<{ now: number; at: number[] }>;
}

/**
 * Per-instance send slots shared by every dispatcher replica. WhatsApp bans numbers that burst, so
 * consecutive sends of one instance are a bell-curve gap apart (measured between real sends), and
 * a request may carry the number's budgets (per minute, hour, day, warm-up, new contacts, the
 * reach-out lock). A message whose instance is busy gets a promised slot and is delayed to it —
 * not failed, and without spending an attempt.
 */
export function createPacer(
  redis: Redis | Cluster,
  prefix: string,
  options: PacingOptions,
  random: () => number = Math.random,
): Pacer {
  const enabled = options.minIntervalMs > 0 || options.jitterMs > 0;
  const gap = () => (enabled ? bellCurveGap(options.minIntervalMs, options.jitterMs, random) : 0);
  const keys = (id: string) => ['last', 'next', 'recent', 'counts', 'sent'].map((k) => `${prefix}:pace:${id}:${k}`);
  const params = (gapMs: number, budget: SlotBudget | undefined) =>
    JSON.stringify(
      budget
        ? {
            gap: gapMs,
            b: 1,
            pm: budget.perMinute,
            ph: budget.perHour,
            pd: budget.perDay,
            pn: budget.newContactsPerDay,
            ws: budget.warmStart ?? -1,
            caps: budget.warmupCaps,
            new: budget.newContact ? 1 : 0,
            nb: budget.notBefore,
            um: budget.units.minuteMs,
            uh: budget.units.hourMs,
            ud: budget.units.dayMs,
          }
        : { gap: gapMs, b: 0 },
    );
  return {
    enabled,
    async request(instanceId, requestOptions = {}) {
      if (!enabled && !requestOptions.budget) return { go: true };
      const max = requestOptions.maxWaitMs;
      const maxWait = max === undefined || !Number.isFinite(max) ? -1 : Math.max(0, Math.floor(max));
      const answer = Number(
        await redis.eval(SLOTS, 5, ...keys(instanceId), 'reserve', params(gap(), requestOptions.budget), maxWait),
      );
      if (answer === 0) return { go: true };
      if (answer > 0) return { go: false, busy: true, waitMs: answer };
      const slot = -answer;
      return { go: false, slot, waitMs: Math.max(1, slot - Date.now()) };
    },
    async redeem(instanceId, slot, budget) {
      return Number(
        await redis.eval(SLOTS, 5, ...keys(instanceId), 'redeem', slot, params(options.minIntervalMs, budget)),
      );
    },
    async peek(requests) {
      if (requests.length === 0) return { now: Date.now(), at: [] };
      const answer = (await redis.eval(
        SLOTS,
        requests.length * 5,
        ...requests.flatMap((r) => keys(r.instanceId)),
        'peek',
        ...requests.map((r) => params(enabled ? options.minIntervalMs : 0, r.budget)),
      )) as number[];
      return { now: Number(answer[0]), at: answer.slice(1).map(Number) };
    },
  };
}

/**
 * Slots each number was promised in the last 24 hours, up to the current hour (what the fleet page
 * shows as today's use): all sends, and first contacts. One pipeline for every number.
 */
export async function readUsage(
  redis: Redis | Cluster,
  prefix: string,
  instanceIds: readonly string[],
  hourMs: number,
  now = Date.now(),
): Promise<Map<string, { sent: number; newContacts: number }>> {
  const usage = new Map<string, { sent: number; newContacts: number }>();
  if (instanceIds.length === 0) return usage;
  const pipeline = redis.pipeline();
  for (const id of instanceIds) pipeline.hgetall(`${prefix}:pace:${id}:counts`);
  const results = (await pipeline.exec()) ?? [];
  const current = Math.floor(now / hourMs);
  instanceIds.forEach((id, i) => {
    const fields = (results[i]?.[1] ?? {}) as Record<string, string>;
    let sent = 0;
    let newContacts = 0;
    for (const [field, count] of Object.entries(fields)) {
      const unit = Number(field.slice(1));
      if (unit > current || unit <= current - 24) continue;
      if (field[0] === 'h') sent += Number(count);
      else if (field[0] === 'n') newContacts += Number(count);
    }
    usage.set(id, { sent, newContacts });
  });
  return usage;
}
