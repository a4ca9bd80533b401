import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@bora/testing';
import { expect, it } from 'vitest';
import { until } from './helpers.ts';

const ENTRY = fileURLToPath(new URL('../src/server.ts', import.meta.url));
const TSX = createRequire(import.meta.url).resolve('tsx');

it('starts from the environment, serves the configured fleet, never logs keys, and exits cleanly on SIGTERM', async () => {
  const port = await freePort();
  const config = join(mkdtempSync(join(tmpdir(), 'sim-entry-')), 'sim.json');
  writeFileSync(
    config,
    JSON.stringify({
      servers: [
        { name: 'evoA', apiKey: 'super-secret-key', instances: [{ name: 'shop-01', token: 'instance-secret' }] },
      ],
    }),
  );
  const child = spawn(process.execPath, ['--import', TSX, ENTRY], {
    env: { ...process.env, SIM_PORT: String(port), SIM_HOST: '127.0.0.1', SIM_CONFIG: config, LOG_LEVEL: 'debug' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    await until(() => output.includes('evolution simulator listening'), 10_000);
    const base = `http://127.0.0.1:${port}/evoA`;
    const res = await fetch(`${base}/message/sendText/shop-01`, {
      method: 'POST',
      headers: { apikey: 'instance-secret', 'content-type': 'application/json' },
      body: JSON.stringify({ number: '5511987654321', text: 'oi' }),
    });
    expect(res.status).toBe(201);
    expect((await fetch(`${base}/instance/connectionState/shop-01`, { headers: { apikey: 'wrong' } })).status).toBe(
      401,
    );
  } finally {
    child.kill('SIGTERM');
  }
  expect(await exited).toBe(0);
  expect(output).not.toContain('super-secret-key');
  expect(output).not.toContain('instance-secret');
}, 20_000);
