import { test, waitFor } from '@bora/testing';
import { describe, expect } from 'vitest';
import { createCircuitBreaker } from '../src/circuit.ts';

describe('the circuit of a sick server, shared through Redis', () => {
  test('opens at the threshold; once its open period ends, exactly one probe may go; a failed probe reopens it, a good one closes it', async ({
    env,
  }) => {
    const circuit = createCircuitBreaker(
      env.redis,
      env.queuePrefix,
      { failureThreshold: 2, openMs: 300, probeMs: 10_000 },
      0,
    );
    const other = createCircuitBreaker(
      env.redis,
      env.queuePrefix,
      { failureThreshold: 2, openMs: 300, probeMs: 10_000 },
      0,
    );
    expect(await circuit.recordFailure('s1')).toBe(false);
    expect(await circuit.recordFailure('s1')).toBe(true);
    expect((await other.state()).open.has('s1')).toBe(true);
    await waitFor(async () => (await other.state()).halfOpen.has('s1'), { what: 'half-open' });
    // Two replicas, many jobs: one probe between them.
    const probes = await Promise.all([
      circuit.tryProbe('s1'),
      other.tryProbe('s1'),
      other.tryProbe('s1'),
      circuit.tryProbe('s1'),
    ]);
    expect(probes.filter(Boolean)).toHaveLength(1);
    // The probe failed: open again at once (one failure is enough after an open period).
    expect(await circuit.recordFailure('s1')).toBe(true);
    expect((await other.state()).open.has('s1')).toBe(true);
    await waitFor(async () => (await other.state()).halfOpen.has('s1'), { what: 'half-open again' });
    expect(await other.tryProbe('s1')).toBe(true);
    expect(await other.recordSuccess('s1')).toBe(true);
    const closed = await circuit.state();
    expect([closed.open.has('s1'), closed.halfOpen.has('s1')]).toEqual([false, false]);
  });
});
