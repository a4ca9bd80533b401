import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const ledgerSrc = join(root, 'packages', 'ledger', 'src');

/** What only the ledger may write: a notification's status (any update) and delivery attempts. */
const WRITES = [
  /update\s+notifications\b/i,
  /\.update\(\s*notifications\b/,
  /insert\s+into\s+delivery_attempts\b/i,
  /\.insert\(\s*deliveryAttempts\b/,
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'test' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('the ledger is the only writer of notification transitions', () => {
  it('no production source outside packages/ledger updates notifications or writes delivery attempts', () => {
    const offenders: string[] = [];
    for (const top of ['services', 'packages', 'infra']) {
      for (const file of sourceFiles(join(root, top))) {
        if (file.startsWith(ledgerSrc)) continue;
        const text = readFileSync(file, 'utf8');
        for (const pattern of WRITES) if (pattern.test(text)) offenders.push(`${relative(root, file)}: ${pattern}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('the check would see a write if there were one', () => {
    expect(WRITES.some((p) => p.test('await sql`update notifications set status = ...`'))).toBe(true);
  });
});
