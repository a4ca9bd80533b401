import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { redisAnswers, type RedisTarget } from '@bora/queue';
import { freePort, waitFor } from '@bora/testing';
import { Redis } from 'ioredis';
import { spawnChild, type Child } from '@bora/processes';

const run = promisify(execFile);

export interface OwnCluster {
  /** `REDIS_CLUSTER_NODES` for the services. */
  nodes: string;
  target: Extract<RedisTarget, { kind: 'cluster' }>;
  ports: number[];
  /** The master serving `key`'s slot now, and its replica. */
  ownerOf(key: string): Promise<{ master: number; replica: number }>;
  /**
   * `CLUSTER FAILOVER` on the replica of the master serving `key`: the replica takes over its
   * slots (a coordinated, no-data-loss failover, as an operator or a managed service does for
   * maintenance). Resolves once the cluster serves every slot again; returns the promoted port.
   */
  failover(key: string): Promise<{ from: number; to: number; ms: number }>;
  stop(): Promise<void>;
}

async function cli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 5_000 });
  return stdout;
}

/** Whether nothing listens on `port` at 127.0.0.1 now (a cluster bus port must be free too). */
function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Cluster creation attempts: on a loaded machine the nodes' handshake can stall; fresh ports then. */
const START_ATTEMPTS = 3;

/**
 * A throwaway 6-node Redis Cluster (3 masters, 3 replicas) on free loopback ports, with the
 * machine's redis-server and `redis-cli --cluster create`: a scenario may fail its masters over.
 */
export async function startOwnCluster(): Promise<OwnCluster> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce();
    } catch (error) {
      if (attempt >= START_ATTEMPTS) throw error;
      process.stderr.write(`own Redis Cluster: attempt ${attempt} failed (${String(error)}); trying fresh ports\n`);
    }
  }
}

async function startOnce(): Promise<OwnCluster> {
  const ports: number[] = [];
  // Cluster bus ports are port + 10000: pick ports whose bus port is free too (below 55536).
  while (ports.length < 6) {
    const port = await freePort();
    if (port < 55_536 && !ports.includes(port) && !ports.includes(port + 10_000) && (await isFree(port + 10_000)))
      ports.push(port);
  }
  const dir = mkdtempSync(join(tmpdir(), 'bora-chaos-cluster-'));
  const children: Child[] = ports.map((port) =>
    spawnChild(
      `redis-cluster-${port}`,
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        join(dir, `nodes-${port}.conf`),
        '--cluster-node-timeout',
        '3000',
        '--dir',
        dir,
      ],
      { env: process.env },
    ),
  );
  const stop = async () => {
    await Promise.all(children.map((c) => c.kill9()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports)
      await waitFor(() => redisAnswers(`redis://127.0.0.1:${port}`, 500), {
        timeoutMs: 10_000,
        intervalMs: 100,
        what: `redis-server on ${port}`,
      });
    await run(
      'redis-cli',
      ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '1', '--cluster-yes'],
      { timeout: 30_000 },
    );
    const target: OwnCluster['target'] = {
      kind: 'cluster',
      tls: false,
      nodes: ports.map((port) => ({ host: '127.0.0.1', port })),
    };
    await waitFor(() => redisAnswers(target, 1_000), { timeoutMs: 30_000, intervalMs: 200, what: 'cluster_state:ok' });
    await waitFor(
      async () =>
        (await Promise.all(ports.map((p) => cli(p, 'info', 'replication')))).filter((i) =>
          i.includes('master_link_status:up'),
        ).length === 3,
      {
        timeoutMs: 30_000,
        intervalMs: 200,
        what: 'replicas in sync',
      },
    );

    const ownerOf = async (key: string) => {
      const direct = new Redis(ports[0]!, '127.0.0.1', { maxRetriesPerRequest: 1 });
      try {
        const slot = Number(await direct.cluster('KEYSLOT', key));
        const nodes = String(await direct.cluster('NODES'))
          .trim()
          .split('\n')
          .map((line) => line.split(' '));
        const portOf = (addr: string) => Number(addr.split('@')[0]!.split(':')[1]);
        const master = nodes.find(
          (n) =>
            n[2]!.includes('master') &&
            n.slice(8).some((r) => {
              const [from, to] = r.split('-').map(Number);
              return slot >= from! && slot <= (to ?? from!);
            }),
        )!;
        const replica = nodes.find((n) => n[2]!.includes('slave') && n[3] === master[0])!;
        return { master: portOf(master[1]!), replica: portOf(replica[1]!) };
      } finally {
        direct.disconnect();
      }
    };

    return {
      nodes: ports.map((p) => `127.0.0.1:${p}`).join(','),
      target,
      ports,
      ownerOf,
      async failover(key) {
        const { master, replica } = await ownerOf(key);
        const started = Date.now();
        await cli(replica, 'cluster', 'failover');
        await waitFor(
          async () =>
            (await cli(replica, 'role')).startsWith('master') && (await cli(master, 'role')).startsWith('slave'),
          {
            timeoutMs: 20_000,
            intervalMs: 50,
            what: `replica ${replica} promoted over ${master}`,
          },
        );
        await waitFor(() => redisAnswers(target, 1_000), {
          timeoutMs: 20_000,
          intervalMs: 100,
          what: 'cluster_state:ok after the failover',
        });
        return { from: master, to: replica, ms: Date.now() - started };
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
