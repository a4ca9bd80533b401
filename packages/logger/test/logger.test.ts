import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/index.ts';

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
