import { AppError } from '@bora/core';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { registerErrorHandling } from '../src/index.ts';

function appThrowing(error: unknown) {
  const app = Fastify();
  registerErrorHandling(app);
  app.get('/boom', async () => {
    throw error;
  });
  return app;
}

const pgError = (code: string) => Object.assign(new Error('postgres said no'), { code });

describe('registerErrorHandling', () => {
  it('keeps an AppError’s code and status', async () => {
    const res = await appThrowing(new AppError('SLOT_UNAVAILABLE', 'Horário ocupado', { statusCode: 409 })).inject(
      '/boom',
    );
    expect(res.statusCode).toBe(409);
    expect(res.json()).toEqual({ error: { code: 'SLOT_UNAVAILABLE', message: 'Horário ocupado' } });
  });

  it('answers 400 when Postgres refuses a value (NUL in text, number out of range), also wrapped by drizzle', async () => {
    for (const error of [
      pgError('22021'),
      pgError('22003'),
      Object.assign(new Error('Failed query'), { cause: pgError('22P05') }),
    ]) {
      const res = await appThrowing(error).inject('/boom');
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
    }
  });

  it('answers 503 with Retry-After when a dependency is unreachable', async () => {
    const res = await appThrowing(pgError('ECONNREFUSED')).inject('/boom');
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.json().error.code).toBe('SERVICE_UNAVAILABLE');
  });

  it('hides anything else behind a generic 500', async () => {
    const res = await appThrowing(new Error('secret internals')).inject('/boom');
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('secret internals');
  });
});
