import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, lazyChild } from '../src/index.ts';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  });
  return { lines, destination };
}

describe('createLogger', () => {
  it('redacts keys, tokens and phone numbers at the top level and one level down', () => {
    const { lines, destination } = capture();
    const log = createLogger({ name: 't', destination });
    log.info(
      {
        apikey: 'KEY-123',
        customerPhone: '5511987654321',
        req: { headers: { authorization: 'Bearer tok-999', apikey: 'KEY-456' } },
        job: { to: '5511912345678', number: '5511900000000', notificationId: 'n1' },
      },
      'sending',
    );
    const line = lines.join('');
    for (const secret of ['KEY-123', 'KEY-456', 'tok-999', '5511987654321', '5511912345678', '5511900000000']) {
      expect(line).not.toContain(secret);
    }
    expect(JSON.parse(line).job.notificationId).toBe('n1');
  });
});

describe('lazyChild', () => {
  it('writes what a child would, with its bindings and redaction, and builds nothing for a disabled level', async () => {
    const lines: string[] = [];
    const logger = createLogger({
      name: 't',
      level: 'warn',
      destination: { write: (line: string) => lines.push(line) },
    });
    let made = 0;
    const original = logger.child.bind(logger);
    logger.child = ((...args: Parameters<typeof logger.child>) => {
      made += 1;
      return original(...args);
    }) as typeof logger.child;
    const log = lazyChild(logger, { notificationId: 'n1' }).child({ instance: 'i1' });
    log.info({ customerPhone: '5511987654321' }, 'not written');
    expect(made).toBe(0);
    log.warn({ customerPhone: '5511987654321' }, 'written');
    expect(made).toBe(1);
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({ notificationId: 'n1', instance: 'i1', msg: 'written', customerPhone: '[redacted]' });
  });
});
