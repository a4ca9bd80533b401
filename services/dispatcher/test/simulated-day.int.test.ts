import { test, waitFor } from '@bora/testing';
import { describe, expect } from 'vitest';
import { budgetUnits } from '../src/number-safety/budget.ts';
import { warmupCaps } from '../src/number-safety/warmup.ts';
import { book, seedFleet, setNumberSafety, startDispatcher, testConfig } from './support.ts';

// A simulated day: SAFETY_TIME_SCALE=2880 shrinks every budget window (a day is 30.24 s, an hour
// 1.26 s, a minute 21 ms) while the budgets keep their production values (8/min, 200/h, 1,500/day,
// warm-up 20, 36, 65…). Pacing gaps are given in real milliseconds, scaled by hand (2–4 ms).
const SCALE = 2_880;
const units = budgetUnits(SCALE);
const caps = warmupCaps({ firstDay: 20, growth: 1.8 });

describe('a simulated day of a burst of bookings on one business', () => {
  test(
    'no number above its budget, new numbers inside their warm-up, every message sent once, no attempt spent waiting',
    { timeout: 120_000 },
    async ({ env }) => {
      const { sim, tenant, instanceIds } = await seedFleet(
        env,
        [
          {
            name: 'evo1',
            instances: [
              { name: 'novo', phone: '5511911110001', isPrimary: true },
              { name: 'segundo-dia', phone: '5511911110002' },
              { name: 'shared-1', phone: '5511911110099', tenant: 'shared' },
            ],
          },
        ],
        { allowSharedSender: false },
      );
      // "novo" was linked just now (warm-up day 1: 20); "segundo-dia" a simulated day ago (day 2: 36).
      await setNumberSafety(env, instanceIds['segundo-dia']!, { warmSinceMsAgo: units.dayMs });
      const warmSince = Object.fromEntries(
        (
          await env.db.sql<
            { instance_name: string; warm_since: Date }[]
          >`select instance_name, warm_since from whatsapp_instances`
        ).map((r) => [r.instance_name, new Date(r.warm_since).getTime()]),
      );
      const dispatcher = await startDispatcher(
        env,
        testConfig(env, {
          NUMBER_SAFETY: 'true',
          SAFETY_TIME_SCALE: String(SCALE),
          PACING_MIN_INTERVAL_MS: '2',
          PACING_JITTER_MS: '2',
          TYPING_MAX_MS: '0',
          TYPING_MIN_MS: '0',
          HEALTH_INTERVAL_MS: '3600000',
        }),
      );
      try {
        // 80 bookings at once: more than both numbers may send on their current day (20 + 36).
        const ids: string[] = [];
        for (let i = 0; i < 80; i++)
          ids.push((await book(env, tenant.id, { phone: `55119870${String(10_000 + i).slice(1)}` })).notification.id);
        await waitFor(async () => sim.control.messages().length >= 80, {
          timeoutMs: 100_000,
          intervalMs: 500,
          what: 'all 80 confirmations sent',
        });

        const messages = sim.control.messages();
        expect(messages).toHaveLength(80);
        expect(new Set(messages.map((m) => m.number)).size).toBe(80);
        expect(messages.some((m) => m.instance === 'shared-1')).toBe(false);
        const times = (instance: string) =>
          messages
            .filter((m) => m.instance === instance)
            .map((m) => m.receivedAt)
            .sort((a, b) => a - b);
        for (const instance of ['novo', 'segundo-dia']) {
          const sent = times(instance);
          const dayOf = (t: number) => Math.floor((t - warmSince[instance]!) / units.dayMs) + 1;
          // Within each warm-up day, at most that day's budget…
          for (const day of new Set(sent.map(dayOf)))
            expect(sent.filter((t) => dayOf(t) === day).length, `${instance} day ${day}`).toBeLessThanOrEqual(
              caps[day - 1]!,
            );
          // …and in any rolling day, hour and minute window, at most their budgets (less 5 ms of
          // delivery jitter at the windows' edges).
          const densest = (windowMs: number) =>
            Math.max(...sent.map((t) => sent.filter((o) => o >= t && o < t + windowMs - 5).length));
          expect(densest(units.dayMs), `${instance} rolling day`).toBeLessThanOrEqual(caps[dayOf(sent.at(-1)!) - 1]!);
          expect(densest(units.hourMs), `${instance} hour`).toBeLessThanOrEqual(200);
          expect(densest(units.minuteMs), `${instance} minute`).toBeLessThanOrEqual(8);
        }
        // Day 1 of the burst could not take it all: some confirmations waited for the next day.
        const firstDay = (instance: string) => times(instance).filter((t) => t < warmSince.novo! + units.dayMs).length;
        expect(firstDay('novo') + firstDay('segundo-dia')).toBeLessThanOrEqual(20 + 36);
        const rows = await env.db.sql<
          { status: string; attempts: number }[]
        >`select status, attempts from notifications where id = any(${ids})`;
        expect(rows.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
      } finally {
        await dispatcher.close();
        await sim.close();
      }
    },
  );
});
