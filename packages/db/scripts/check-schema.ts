// `pnpm db:check`, second half (after `drizzle-kit check`, which only looks for collisions in the
// migration history): proves the schema in src/schema and the committed migrations agree by running
// `drizzle-kit generate` against a throwaway copy of the migrations folder. Any migration it writes
// there is a schema change nobody generated. The real folder is only ever read.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import config from '../drizzle.config.ts';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const drizzleKit = join(packageDir, 'node_modules', '.bin', 'drizzle-kit');
// A rename or drop makes drizzle-kit ask questions; without a terminal 0.31 throws at once, and
// the timeout covers a version that would wait for an answer instead.
const GENERATE_TIMEOUT_MS = 120_000;

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

function generateArgs(out: string): string[] {
  if (typeof config.schema !== 'string') throw new Error('drizzle.config.ts must name one schema entry');
  const args = ['generate', '--dialect', config.dialect, '--schema', config.schema, '--out', out];
  if (config.casing) args.push('--casing', config.casing);
  return args;
}

function main(): number {
  const migrations = join(packageDir, config.out ?? 'drizzle');
  const scratch = mkdtempSync(join(tmpdir(), 'bora-db-check-'));
  try {
    const copy = join(scratch, 'migrations');
    cpSync(migrations, copy, { recursive: true });
    const before = new Set(listFiles(copy));
    // drizzle-kit prefixes `--out` with './', so it must be relative to the package directory.
    const run = spawnSync(drizzleKit, generateArgs(relative(packageDir, copy)), {
      cwd: packageDir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: GENERATE_TIMEOUT_MS,
    });
    const output = `${run.stdout ?? ''}${run.stderr ?? ''}`;
    const added = listFiles(copy).filter((file) => !before.has(file) && file.endsWith('.sql'));

    if (added.length > 0) {
      console.error('Schema and migrations disagree: src/schema has changes no committed migration makes.');
      for (const file of added) {
        console.error(
          `\n-- drizzle-kit generate would write ${file}:\n${readFileSync(join(copy, file), 'utf8').trim()}`,
        );
      }
      console.error('\nRun `pnpm db:generate`, review the new migration and commit it.');
      return 1;
    }
    // drizzle-kit exits 0 even when it crashes, so success is only its own "nothing to do" line.
    if (run.error || run.status !== 0 || !output.includes('No schema changes')) {
      const reason = run.error ? run.error.message : `exit ${run.status}`;
      console.error(`drizzle-kit generate did not confirm the schema matches the migrations (${reason}):\n${output}`);
      if (output.includes('Interactive prompts')) {
        console.error(
          'The schema renames or drops something: run `pnpm db:generate` in a terminal to answer its questions.',
        );
      }
      return 1;
    }
    console.log('Schema and migrations agree (drizzle-kit generate has nothing to write).');
    return 0;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

process.exit(main());
