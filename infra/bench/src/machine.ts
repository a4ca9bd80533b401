import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus, release, totalmem, type } from 'node:os';
import type { Redis } from 'ioredis';
import { serverVersion, type Sql } from './database.ts';

export interface Machine {
  command: string;
  mode: string;
  date: string;
  commit: string;
  seconds: number;
  nproc: number;
  cpu: string;
  memoryGiB: number;
  node: string;
  postgres: string;
  redis: string;
  os: string;
}

function gitCommit(repoRoot: string): string {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'services', 'packages'], {
      cwd: repoRoot,
      encoding: 'utf8',
    }).trim();
    return dirty ? `${commit}+uncommitted` : commit;
  } catch {
    return 'unknown';
  }
}

export async function describeMachine(options: {
  repoRoot: string;
  sql: Sql;
  redis: Redis;
  command: string;
  mode: string;
}): Promise<Machine> {
  const info = await options.redis.info('server');
  return {
    command: options.command,
    mode: options.mode,
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    commit: gitCommit(options.repoRoot),
    seconds: 0,
    nproc: availableParallelism(),
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    postgres: await serverVersion(options.sql),
    redis: /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown',
    os: `${type()} ${release()}`,
  };
}
