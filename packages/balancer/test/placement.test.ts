import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { placeInstance, type PlacementServer } from '../src/index.ts';

const server = (over: Partial<PlacementServer> & { name: string }): PlacementServer => ({
  id: over.name.toLowerCase().replace(/\s+/g, '-'),
  capacity: 20,
  priority: 0,
  isActive: true,
  used: 0,
  ...over,
});

describe('placeInstance (table)', () => {
  const cases: Array<{ title: string; servers: PlacementServer[]; expected: string | null }> = [
    {
      title: "the seed's example: 18/20 @ priority 10 beats 8/20 @ priority 5",
      servers: [
        server({ name: 'Evolution API 1', used: 18, priority: 10 }),
        server({ name: 'Evolution API 2', used: 8, priority: 5 }),
      ],
      expected: 'Evolution API 1',
    },
    {
      title: 'a full server is skipped even with the highest priority',
      servers: [
        server({ name: 'Evolution API 1', used: 20, priority: 10 }),
        server({ name: 'Evolution API 2', used: 8, priority: 5 }),
      ],
      expected: 'Evolution API 2',
    },
    {
      title: 'an inactive server is skipped',
      servers: [server({ name: 'A', priority: 10, isActive: false }), server({ name: 'B', priority: 1 })],
      expected: 'B',
    },
    {
      title: 'same priority: the least used wins',
      servers: [server({ name: 'A', used: 12 }), server({ name: 'B', used: 3 }), server({ name: 'C', used: 7 })],
      expected: 'B',
    },
    {
      title: 'least used is by share of capacity',
      servers: [server({ name: 'A', used: 5, capacity: 10 }), server({ name: 'B', used: 6, capacity: 20 })],
      expected: 'B',
    },
    {
      title: 'a full tie is broken by name, whatever the input order',
      servers: [server({ name: 'Zeta', used: 4 }), server({ name: 'Alpha', used: 4 })],
      expected: 'Alpha',
    },
    {
      title: 'all full → none',
      servers: [server({ name: 'A', used: 20 }), server({ name: 'B', used: 25 })],
      expected: null,
    },
    { title: 'all inactive → none', servers: [server({ name: 'A', isActive: false })], expected: null },
    { title: 'no servers → none', servers: [], expected: null },
  ];

  for (const { title, servers, expected } of cases) {
    it(title, () => {
      const decision = placeInstance(servers);
      if (expected === null) {
        expect(decision.ok).toBe(false);
        if (!decision.ok) {
          expect(decision.code).toBe('NO_EVOLUTION_API_AVAILABLE');
          expect(decision.message).toBe('Nenhuma Evolution API disponível');
        }
      } else {
        expect(decision.ok && decision.server.name).toBe(expected);
        expect(placeInstance([...servers].reverse()).ok && placeInstance([...servers].reverse())).toMatchObject({
          server: { name: expected },
        });
      }
      expect(decision.verdicts).toHaveLength(servers.length);
    });
  }

  it('says why each server was or was not eligible', () => {
    const decision = placeInstance([
      server({ name: 'A', isActive: false }),
      server({ name: 'B', used: 20 }),
      server({ name: 'C', used: 3, priority: 2 }),
    ]);
    expect(decision.verdicts.map((v) => [v.name, v.eligible, v.reason])).toEqual([
      ['A', false, 'inativa'],
      ['B', false, 'cheia (20/20)'],
      ['C', true, 'com espaço (3/20), prioridade 2'],
    ]);
  });

  it("explains the choice in pt-BR for the operator (the seed's example)", () => {
    const decision = placeInstance([
      server({ name: 'Evolution API 1', used: 18, priority: 10 }),
      server({ name: 'Evolution API 2', used: 8, priority: 5 }),
    ]);
    expect(decision.ok && decision.reason).toBe(
      'Evolution API 1: ativa, com espaço (18/20), maior prioridade (10), menos usada entre as de mesma prioridade',
    );
  });
});

const serverArb = fc.record({
  id: fc.uuid(),
  name: fc.string({ minLength: 1, maxLength: 8 }),
  capacity: fc.integer({ min: 1, max: 40 }),
  priority: fc.integer({ min: -5, max: 20 }),
  isActive: fc.boolean(),
  used: fc.integer({ min: 0, max: 45 }),
});
const fleetArb = fc.uniqueArray(serverArb, { selector: (s) => s.id, maxLength: 30 });

describe('placeInstance (properties)', () => {
  it('never exceeds capacity and never picks an inactive server', () => {
    fc.assert(
      fc.property(fleetArb, (servers) => {
        const decision = placeInstance(servers);
        if (decision.ok) {
          expect(decision.server.isActive).toBe(true);
          expect(decision.server.used + 1).toBeLessThanOrEqual(decision.server.capacity);
        }
      }),
    );
  });

  it('picks a maximal priority among the servers with room, and fails only when none has room', () => {
    fc.assert(
      fc.property(fleetArb, (servers) => {
        const open = servers.filter((s) => s.isActive && s.used < s.capacity);
        const decision = placeInstance(servers);
        expect(decision.ok).toBe(open.length > 0);
        if (decision.ok) {
          expect(decision.server.priority).toBe(Math.max(...open.map((s) => s.priority)));
        }
      }),
    );
  });

  it('does not depend on input order', () => {
    fc.assert(
      fc.property(fleetArb, fc.integer(), (servers, seed) => {
        const shuffled = [...servers].sort(
          (a, b) => ((a.id.charCodeAt(0) ^ seed) & 7) - ((b.id.charCodeAt(0) ^ seed) & 7),
        );
        const a = placeInstance(servers);
        const b = placeInstance(shuffled);
        expect(a.ok && a.server.id).toBe(b.ok && b.server.id);
      }),
    );
  });

  it('filling servers one by one respects capacity and priority order', () => {
    fc.assert(
      fc.property(fleetArb, (servers) => {
        const fleet = servers.map((s) => ({ ...s }));
        const room = fleet.filter((s) => s.isActive).reduce((n, s) => n + Math.max(0, s.capacity - s.used), 0);
        let placed = 0;
        for (;;) {
          const decision = placeInstance(fleet);
          if (!decision.ok) break;
          const target = fleet.find((s) => s.id === decision.server.id)!;
          target.used += 1;
          placed += 1;
          expect(target.used).toBeLessThanOrEqual(target.capacity);
        }
        expect(placed).toBe(room);
      }),
      { numRuns: 50 },
    );
  });
});
