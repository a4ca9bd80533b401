import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { waitFor, type TestEnv } from '@bora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../src/stack.ts';
import { ADMIN_TOKEN, startTestStack } from './support.ts';

// The README's walkthrough, run as written: every command of its ```bash blocks, in order, against
// the whole system on free ports (the README's local URLs are rewritten to this stack's, `$T` is
// this stack's token, and `<id>` is the id the previous command answered). A newcomer runs these
// commands on any day; so does this test.
const run = promisify(execFile);
const README = fileURLToPath(new URL('../../../README.md', import.meta.url));

/** The walkthrough section's shell commands, continuation lines joined, in order. */
function walkthroughCommands(): string[] {
  const text = readFileSync(README, 'utf8');
  const start = text.indexOf('## Walkthrough');
  const section = text.slice(start, text.indexOf('\n## ', start + 1));
  const commands: string[] = [];
  for (const [, block] of section.matchAll(/```bash\n([\s\S]*?)```/g)) {
    let pending = '';
    for (const raw of block!.split('\n')) {
      const line = raw.trim();
      if (!line) continue;
      pending += line.endsWith('\\') ? `${line.slice(0, -1)} ` : line;
      if (line.endsWith('\\')) continue;
      commands.push(pending);
      pending = '';
    }
  }
  return commands;
}

let env: TestEnv;
let stack: Stack;

beforeAll(async () => {
  ({ testEnv: env, stack } = await startTestStack());
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await env?.cleanup();
});

describe("the README's walkthrough", () => {
  it('every command works as written: servers and a number registered, a booking on a computed day sent, the customer cancels by answering', async () => {
    const commands = walkthroughCommands();
    expect(commands.length).toBeGreaterThanOrEqual(8);
    const local = (url: string) =>
      url
        .replaceAll('http://127.0.0.1:3000', stack.urls.booking)
        .replaceAll('http://127.0.0.1:3001', stack.urls.admin)
        .replaceAll('http://127.0.0.1:3010', stack.urls.sim);
    const vars: Record<string, string> = { T: ADMIN_TOKEN, A: stack.urls.admin };
    let lastId: string | undefined;
    for (const written of commands) {
      const command = local(written).replaceAll('<id>', lastId ?? '<id>');
      const assignment = /^([A-Z])=/.exec(command)?.[1];
      const script = assignment ? `${command}\nprintf %s "$${assignment}"` : command;
      const { stdout } = await run('bash', ['-c', `set -euo pipefail\n${script}`], {
        env: { ...process.env, ...vars },
        timeout: 30_000,
      });
      if (assignment) {
        expect(stdout, written).not.toBe('');
        vars[assignment] = stdout;
        continue;
      }
      // Every answer is JSON without the error envelope.
      const answer = JSON.parse(stdout) as { id?: string; error?: unknown };
      expect(answer.error, `${written}\n→ ${stdout}`).toBeUndefined();
      if (typeof answer.id === 'string') lastId = answer.id;
    }

    // The booking of step 3 reached Ana on the business's number, and her "2" of step 6 cancelled it.
    const sent = await waitFor(
      async () => {
        type Sent = { number: string; text: string };
        const list = (await (await fetch(`${stack.urls.sim}/__sim/messages`)).json()) as Sent[] | { messages: Sent[] };
        const texts = (Array.isArray(list) ? list : list.messages)
          .filter((m) => m.number === '5511987654321')
          .map((m) => m.text);
        return texts.some((t) => t.includes('cancelado')) ? texts : undefined;
      },
      { timeoutMs: 30_000, what: "Ana's confirmation and the cancellation's acknowledgement" },
    );
    expect(sent.some((t) => t.includes('Ana') && t.includes('Corte de cabelo'))).toBe(true);
    const bookings = await env.db.sql<{ status: string; starts_at: string }[]>`
      select status, starts_at from bookings where customer_name = 'Ana'`;
    expect(bookings).toHaveLength(1);
    expect(bookings[0]!.status).toBe('cancelled');
    expect(Date.parse(bookings[0]!.starts_at)).toBeGreaterThan(Date.now());
  });
});
