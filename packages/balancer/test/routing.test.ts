import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildFleetIndex, routeMessage, type FleetInstance, type FleetServer } from '../src/index.ts';

const servers: FleetServer[] = [
  { id: 's1', name: 'Evolution API 1', capacity: 20, priority: 10, isActive: true },
  { id: 's2', name: 'Evolution API 2', capacity: 20, priority: 5, isActive: true },
  { id: 's3', name: 'Evolution API 3', capacity: 20, priority: 1, isActive: false },
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
const instances: FleetInstance[] = [
  inst('acme-2', 's2', 'acme'),
  inst('acme-1', 's1', 'acme', { isPrimary: true }),
  inst('acme-3', 's3', 'acme'),
  inst('acme-4', 's1', 'acme', { status: 'disconnected' }),
  inst('shared-low', 's2', null),
  inst('shared-high', 's1', null, { isPrimary: true }),
  inst('shared-off', 's3', null),
  inst('other-1', 's1', 'other', { isPrimary: true }),
];
const index = buildFleetIndex(servers, instances);
const names = (d: ReturnType<typeof routeMessage>) => d.candidates.map((c) => c.instanceName);

describe('routeMessage', () => {
  it("tries the tenant's primary first, then its other connected instances, then shared senders by priority", () => {
    const decision = routeMessage(index, { tenantId: 'acme', allowSharedSender: true });
    expect(names(decision)).toEqual(['acme-1', 'acme-2', 'shared-high', 'shared-low']);
    expect(decision.candidates.map((c) => c.reason)).toEqual([
      'tenant-primary',
      'tenant-instance',
      'shared-sender',
      'shared-sender',
    ]);
    expect(decision.skipped).toEqual(
      expect.arrayContaining([
        { instanceId: 'acme-3', instanceName: 'acme-3', reason: 'server-inactive' },
        { instanceId: 'acme-4', instanceName: 'acme-4', reason: 'instance-not-connected' },
        { instanceId: 'shared-off', instanceName: 'shared-off', reason: 'server-inactive' },
      ]),
    );
  });

  it('never uses another tenant’s number, and no shared sender when the tenant forbids it', () => {
    const decision = routeMessage(index, { tenantId: 'acme', allowSharedSender: false });
    expect(names(decision)).toEqual(['acme-1', 'acme-2']);
  });

  it('skips servers with an open circuit and instances already tried', () => {
    const decision = routeMessage(
      index,
      { tenantId: 'acme', allowSharedSender: true },
      { openCircuits: new Set(['s1']), excludedInstances: new Set(['acme-2']) },
    );
    expect(names(decision)).toEqual(['shared-low']);
    expect(decision.skipped.find((s) => s.instanceId === 'acme-1')?.reason).toBe('circuit-open');
    expect(decision.skipped.find((s) => s.instanceId === 'acme-2')?.reason).toBe('already-tried');
  });

  it('a reply goes only from the number the customer wrote to, or waits for it', () => {
    expect(
      names(routeMessage(index, { tenantId: 'acme', allowSharedSender: true, forcedInstanceId: 'acme-2' })),
    ).toEqual(['acme-2']);
    const down = routeMessage(index, { tenantId: 'acme', allowSharedSender: true, forcedInstanceId: 'acme-4' });
    expect(down.candidates).toEqual([]);
    expect(down.problem).toMatch(/acme-4/);
    expect(
      routeMessage(index, { tenantId: 'acme', allowSharedSender: true, forcedInstanceId: 'nope' }).problem,
    ).toMatch(/não existe/);
  });

  it('a forced server sends only through that server', () => {
    const decision = routeMessage(index, { tenantId: 'acme', allowSharedSender: false, forcedServerId: 's2' });
    expect(names(decision)).toEqual(['acme-2', 'shared-low']);
    expect(decision.candidates.every((c) => c.reason === 'forced-server' && c.serverId === 's2')).toBe(true);
  });

  it('explains when nothing can send', () => {
    const tenantOnly = routeMessage(index, { tenantId: 'nobody', allowSharedSender: false });
    expect(tenantOnly.candidates).toEqual([]);
    expect(tenantOnly.problem).toBe('Nenhum WhatsApp conectado disponível para este negócio');
    const inactive = routeMessage(index, { tenantId: 'acme', allowSharedSender: false, forcedServerId: 's3' });
    expect(inactive.problem).toMatch(/Evolution API 3/);
    expect(routeMessage(index, { tenantId: 'acme', allowSharedSender: false, forcedServerId: 'nope' }).problem).toMatch(
      /não existe/,
    );
  });

  it('rotates among equally ranked shared senders', () => {
    const many = buildFleetIndex(
      [servers[0]!],
      ['a', 'b', 'c'].map((n) => inst(`shared-${n}`, 's1', null)),
    );
    const first = (rotation: number) =>
      routeMessage(many, { tenantId: 't', allowSharedSender: true }, { rotation, limit: 1 }).candidates[0]
        ?.instanceName;
    expect([first(0), first(1), first(2), first(3)]).toEqual(['shared-a', 'shared-b', 'shared-c', 'shared-a']);
  });

  it('respects the candidate limit', () => {
    expect(routeMessage(index, { tenantId: 'acme', allowSharedSender: true }, { limit: 2 }).candidates).toHaveLength(2);
  });
});

describe('routeMessage (properties)', () => {
  const fleetArb = fc
    .record({
      servers: fc.uniqueArray(
        fc.record({
          id: fc.constantFrom('s1', 's2', 's3', 's4'),
          name: fc.string(),
          capacity: fc.constant(20),
          priority: fc.integer({ min: 0, max: 5 }),
          isActive: fc.boolean(),
        }),
        { selector: (s) => s.id, minLength: 1 },
      ),
      instances: fc.uniqueArray(
        fc.record({
          id: fc.string({ minLength: 1, maxLength: 6 }),
          serverId: fc.constantFrom('s1', 's2', 's3', 's4'),
          tenantId: fc.constantFrom('t1', 't2', null),
          status: fc.constantFrom('connected', 'connecting', 'disconnected') as fc.Arbitrary<FleetInstance['status']>,
          isPrimary: fc.boolean(),
        }),
        { selector: (i) => i.id, maxLength: 40 },
      ),
      circuits: fc.subarray(['s1', 's2', 's3', 's4']),
      allowShared: fc.boolean(),
    })
    .map((f) => ({ ...f, instances: f.instances.map((i) => ({ ...i, instanceName: i.id })) }));

  it('every candidate is connected, on an active server with a closed circuit, and belongs to the tenant or is shared', () => {
    fc.assert(
      fc.property(fleetArb, ({ servers: ss, instances: is, circuits, allowShared }) => {
        const idx = buildFleetIndex(ss, is);
        const decision = routeMessage(
          idx,
          { tenantId: 't1', allowSharedSender: allowShared },
          { openCircuits: new Set(circuits), limit: 100 },
        );
        const seen = new Set<string>();
        for (const c of decision.candidates) {
          const instance = idx.instances.get(c.instanceId)!;
          const server = idx.servers.get(c.serverId)!;
          expect(instance.status).toBe('connected');
          expect(server.isActive).toBe(true);
          expect(circuits).not.toContain(server.id);
          expect(instance.tenantId === 't1' || (allowShared && instance.tenantId === null)).toBe(true);
          expect(seen.has(c.instanceId)).toBe(false);
          seen.add(c.instanceId);
        }
        // Nothing eligible is left out when the limit is generous.
        const eligible = is.filter((i) => {
          const s = idx.servers.get(i.serverId);
          return (
            s?.isActive &&
            !circuits.includes(s.id) &&
            i.status === 'connected' &&
            (i.tenantId === 't1' || (allowShared && i.tenantId === null))
          );
        });
        expect(decision.candidates).toHaveLength(eligible.length);
      }),
    );
  });
});
