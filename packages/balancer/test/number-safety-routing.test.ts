import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildFleetIndex,
  pickSender,
  routeMessage,
  type FleetInstance,
  type FleetServer,
  type RouteCandidate,
  type SlotOffer,
} from '../src/index.ts';

const servers: FleetServer[] = [
  { id: 's1', name: 'Evolution API 1', capacity: 20, priority: 10, isActive: true },
  { id: 's2', name: 'Evolution API 2', capacity: 20, priority: 5, isActive: true },
];
const inst = (
  id: string,
  serverId: string,
  tenantId: string | null,
  over: Partial<FleetInstance> = {},
): FleetInstance => ({
  id,
  serverId,
  instanceName: id,
  tenantId,
  status: 'connected',
  isPrimary: false,
  ...over,
});
const names = (d: ReturnType<typeof routeMessage>) => d.candidates.map((c) => c.instanceName);

describe('routeMessage: sticky sender, health and the platform’s own messages', () => {
  const index = buildFleetIndex(servers, [
    inst('acme-1', 's1', 'acme', { isPrimary: true }),
    inst('acme-2', 's2', 'acme'),
    inst('acme-sick', 's1', 'acme', { health: 'failing' }),
    inst('acme-slow', 's1', 'acme', { health: 'degraded' }),
    inst('shared-1', 's1', null, { isPrimary: true }),
    inst('other-1', 's1', 'other'),
  ]);

  it('puts the number that last talked with the customer first, as sticky-sender', () => {
    const d = routeMessage(
      index,
      { tenantId: 'acme', allowSharedSender: true },
      { preferredInstances: ['acme-2', 'acme-1'] },
    );
    expect(names(d)).toEqual(['acme-2', 'acme-1', 'acme-slow', 'shared-1']);
    expect(d.candidates[0]!.reason).toBe('sticky-sender');
    expect(d.candidates.map((c) => c.own)).toEqual([true, true, true, false]);
  });

  it('never makes another business’s number, a forbidden shared sender or a failing number sticky', () => {
    const d = routeMessage(
      index,
      { tenantId: 'acme', allowSharedSender: false },
      { preferredInstances: ['other-1', 'shared-1', 'acme-sick', 'acme-2'] },
    );
    expect(names(d)).toEqual(['acme-2', 'acme-1', 'acme-slow']);
    expect(d.candidates[0]!.reason).toBe('sticky-sender');
  });

  it('skips a number whose sends vanish, and ranks a degraded one after the healthy ones (even after a non-primary)', () => {
    const d = routeMessage(index, { tenantId: 'acme', allowSharedSender: false });
    expect(names(d)).toEqual(['acme-1', 'acme-2', 'acme-slow']);
    expect(d.skipped).toContainEqual({
      instanceId: 'acme-sick',
      instanceName: 'acme-sick',
      reason: 'instance-failing',
    });
    expect(d.candidates.find((c) => c.instanceId === 'acme-slow')!.health).toBe('degraded');
  });

  it('sharedOnly routes only through shared senders, even for a business that forbids them', () => {
    const d = routeMessage(
      index,
      { tenantId: 'acme', allowSharedSender: false, sharedOnly: true },
      { preferredInstances: ['acme-1'] },
    );
    expect(names(d)).toEqual(['shared-1']);
    const none = routeMessage(buildFleetIndex(servers, [inst('acme-1', 's1', 'acme')]), {
      tenantId: 'acme',
      allowSharedSender: true,
      sharedOnly: true,
    });
    expect(none.problem).toBe('Nenhum remetente compartilhado da plataforma conectado');
  });
});

const candidate = (id: string, over: Partial<RouteCandidate> = {}): RouteCandidate => ({
  serverId: 's1',
  instanceId: id,
  instanceName: id,
  reason: 'tenant-instance',
  own: true,
  ...over,
});
const now = 1_000_000;
const options = { now, stickyWaitMs: 600_000, sharedWaitMs: 600_000, degradedWaitMs: 300_000 };
const offer = (c: RouteCandidate, waitMs: number): SlotOffer => ({ candidate: c, at: now + waitMs });

describe('pickSender', () => {
  it('spreads a burst: the business number free first wins (ties keep the route order)', () => {
    const a = candidate('a', { reason: 'tenant-primary' });
    const b = candidate('b');
    expect(pickSender([offer(a, 30_000), offer(b, 0)], options)).toMatchObject({
      chosen: { offer: { candidate: b } },
      reason: 'earliest',
    });
    expect(pickSender([offer(a, 0), offer(b, 0)], options).chosen!.offer.candidate).toBe(a);
  });

  it('keeps the sticky number unless another is more than stickyWaitMs sooner', () => {
    const sticky = candidate('s', { reason: 'sticky-sender' });
    const other = candidate('o');
    expect(pickSender([offer(sticky, 500_000), offer(other, 0)], options)).toMatchObject({
      chosen: { offer: { candidate: sticky } },
      reason: 'sticky-kept',
    });
    expect(pickSender([offer(sticky, 700_000), offer(other, 0)], options).chosen!.offer.candidate).toBe(other);
  });

  it('uses a shared sender only when the business’s numbers are more than sharedWaitMs later (over budget, locked)', () => {
    const own = candidate('own');
    const shared = candidate('shared', { reason: 'shared-sender', own: false });
    expect(pickSender([offer(own, 120_000), offer(shared, 0)], options)).toMatchObject({
      chosen: { offer: { candidate: own } },
      reason: 'own-number-kept',
    });
    expect(pickSender([offer(own, 3_600_000), offer(shared, 0)], options).chosen!.offer.candidate).toBe(shared);
    // No number of the business can take it at all (a first contact while every one is locked): shared.
    expect(pickSender([{ candidate: own, at: Infinity }, offer(shared, 5_000)], options).chosen!.offer.candidate).toBe(
      shared,
    );
  });

  it('prefers a healthy number to a degraded one within degradedWaitMs', () => {
    const slow = candidate('slow', { health: 'degraded', reason: 'tenant-primary' });
    const fine = candidate('fine');
    expect(pickSender([offer(slow, 0), offer(fine, 60_000)], options)).toMatchObject({
      chosen: { offer: { candidate: fine } },
      reason: 'healthy-kept',
    });
  });

  it('takes nothing beyond maxWaitMs (a failover sends now or not at all), and says so', () => {
    const a = candidate('a');
    const late = pickSender([offer(a, 5_000)], { ...options, maxWaitMs: 1_000 });
    expect([late.chosen, late.reason]).toEqual([undefined, 'nothing-in-time']);
    const never = pickSender([{ candidate: a, at: Infinity }], options);
    expect([never.chosen, never.reason]).toEqual([undefined, 'no-offer']);
  });

  it('always chooses an offer of least cost within maxWaitMs (property)', () => {
    const offerArb = fc.record({
      waitMs: fc.integer({ min: 0, max: 7_200_000 }),
      reason: fc.constantFrom('sticky-sender', 'tenant-primary', 'tenant-instance', 'shared-sender') as fc.Arbitrary<
        RouteCandidate['reason']
      >,
      degraded: fc.boolean(),
      never: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(offerArb, { maxLength: 6 }),
        fc.option(fc.integer({ min: 0, max: 3_600_000 }), { nil: undefined }),
        (specs, maxWaitMs) => {
          const offers = specs.map((s, i) => ({
            candidate: candidate(`c${i}`, {
              reason: s.reason,
              own: s.reason !== 'shared-sender',
              ...(s.degraded ? { health: 'degraded' as const } : {}),
            }),
            at: s.never ? Infinity : now + s.waitMs,
          }));
          const d = pickSender(offers, { ...options, maxWaitMs });
          const cost = (r: { waitMs: number; penaltyMs: number }) => r.waitMs + r.penaltyMs;
          const eligible = d.ranked.filter((r) => maxWaitMs === undefined || r.waitMs <= maxWaitMs);
          if (!d.chosen) {
            expect(eligible).toHaveLength(0);
            return;
          }
          expect(Number.isFinite(d.chosen.offer.at)).toBe(true);
          if (maxWaitMs !== undefined) expect(d.chosen.waitMs).toBeLessThanOrEqual(maxWaitMs);
          for (const r of eligible) expect(cost(d.chosen)).toBeLessThanOrEqual(cost(r));
        },
      ),
    );
  });
});
