import { execFile } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@bora/testing';

const run = promisify(execFile);
const BIN = '/usr/lib/postgresql/15/bin';

export interface OwnPostgres {
  port: number;
  /** A URL on database `name` of this server. */
  url(name: string): string;
  /** `fast` disconnects every client and stops; `immediate` is a crash (recovery on start). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and deletes its data directory. */
  destroy(): Promise<void>;
}

/** Runs a Postgres binary as the `postgres` user when we are root (initdb refuses root). */
function pgCommand(binary: string, args: string[]): [string, string[]] {
  const path = join(BIN, binary);
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', path, ...args]] : [path, args];
}

/**
 * A throwaway Postgres cluster the test may stop and restart: the shared server on 5432 belongs
 * to everyone. fsync off (crash safety of a test cluster is irrelevant, speed is not).
 */
export async function startOwnPostgres(): Promise<OwnPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'bora-chaos-pg-'));
  if (process.getuid?.() === 0)
    chownSync(
      dir,
      Number((await run('id', ['-u', 'postgres'])).stdout.trim()),
      Number((await run('id', ['-g', 'postgres'])).stdout.trim()),
    );
  const data = join(dir, 'data');
  const port = await freePort();
  await run(...pgCommand('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']));
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=300`;
  const pgCtl = (...args: string[]) => run(...pgCommand('pg_ctl', ['-D', data, ...args]));
  const start = async () => {
    await pgCtl('-o', options, '-l', join(dir, 'server.log'), '-w', '-t', '30', 'start');
  };
  const stop = async (mode: 'fast' | 'immediate' = 'fast') => {
    await pgCtl('-m', mode, '-w', '-t', '30', 'stop');
  };
  await start();
  return {
    port,
    url: (name) => `postgres://postgres@127.0.0.1:${port}/${name}`,
    start,
    stop,
    async destroy() {
      await stop('immediate').catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
