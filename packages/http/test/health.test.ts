import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { boundServer, registerHealthRoutes, SERVER_TIMEOUTS } from '../src/index.ts';

describe('registerHealthRoutes', () => {
  it('names the failing check with a generic word only; the error text stays out of the public answer', async () => {
    const app = Fastify({ logger: false });
    registerHealthRoutes(
      app,
      {
        ok: async () => 'fine',
        broken: async () => {
          throw new Error('password authentication failed for user "bora" at db.internal:5432');
        },
        slow: () => new Promise(() => {}),
      },
      { timeoutMs: 50 },
    );
    const res = await app.inject('/readyz');
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({
      status: 'unavailable',
      checks: { ok: { ok: true }, broken: { ok: false, error: 'unavailable' }, slow: { ok: false, error: 'timeout' } },
    });
    expect(res.body).not.toMatch(/password|bora|db\.internal|5432|timed out/);
    await app.close();
  });
});

describe('boundServer', () => {
  it('gives an app built without the options the same bounds the services are built with', async () => {
    const app = Fastify();
    boundServer(app.server);
    expect(app.server.requestTimeout).toBe(SERVER_TIMEOUTS.requestTimeout);
    expect(app.server.keepAliveTimeout).toBe(SERVER_TIMEOUTS.keepAliveTimeout);
    expect(app.server.timeout).toBe(SERVER_TIMEOUTS.connectionTimeout);
    await app.close();
  });
});
