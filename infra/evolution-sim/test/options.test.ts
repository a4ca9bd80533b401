import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSimulatorOptions } from '../src/index.ts';

describe('loadSimulatorOptions', () => {
  it('defaults to port 3010 and one server evo1 (sim-key) with demo-01 open', () => {
    const options = loadSimulatorOptions({});
    expect(options.port).toBe(3010);
    expect(options.host).toBe('0.0.0.0');
    expect(options.servers).toEqual([
      expect.objectContaining({
        name: 'evo1',
        apiKey: 'sim-key',
        instances: [expect.objectContaining({ name: 'demo-01', state: 'open' })],
      }),
    ]);
  });

  it('reads SIM_PORT, SIM_HOST and a SIM_CONFIG file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-'));
    const file = join(dir, 'sim.json');
    writeFileSync(
      file,
      JSON.stringify({ servers: [{ name: 'a', apiKey: 'k', version: 'v1' }], webhook: { duplicateRate: 0.1 } }),
    );
    const options = loadSimulatorOptions({ SIM_PORT: '4000', SIM_HOST: '127.0.0.1', SIM_CONFIG: file });
    expect(options).toMatchObject({
      port: 4000,
      host: '127.0.0.1',
      servers: [{ name: 'a', version: 'v1' }],
      webhook: { duplicateRate: 0.1 },
    });
  });

  it('takes the servers from SIM_SERVERS, over the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-'));
    const file = join(dir, 'sim.json');
    writeFileSync(file, JSON.stringify({ servers: [{ name: 'a', apiKey: 'k' }], webhook: { duplicateRate: 0.1 } }));
    const servers = [
      { name: 'evo9', apiKey: 'env-key', instances: [{ name: 'loja-01', ownerNumber: '5511988887777' }] },
    ];
    const options = loadSimulatorOptions({ SIM_CONFIG: file, SIM_SERVERS: JSON.stringify(servers) });
    expect(options).toMatchObject({ servers, webhook: { duplicateRate: 0.1 } });
  });

  it('lists every problem at once', () => {
    expect(() =>
      loadSimulatorOptions({ SIM_PORT: 'abc', SIM_CONFIG: '/nonexistent/sim.json', SIM_SERVERS: '[{"name":"x"}]' }),
    ).toThrow(/SIM_PORT[\s\S]*SIM_CONFIG[\s\S]*SIM_SERVERS/);
  });
});
