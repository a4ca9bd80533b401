import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  DEV_ADMIN_TOKEN,
  DEV_SECRET_KEY,
  loadAdminApiConfig,
  loadBookingApiConfig,
  loadDispatcherConfig,
} from '../src/index.ts';

function problemsOf(fn: () => unknown): Record<string, string> {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('config loaders', () => {
  it('work with nothing set in development', () => {
    const booking = loadBookingApiConfig({});
    expect(booking.port).toBe(3000);
    expect(booking.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/bora_agendar');
    expect(booking.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(loadAdminApiConfig({}).adminToken).toBe(DEV_ADMIN_TOKEN);
    expect(loadDispatcherConfig({}).secretKey).toBe(DEV_SECRET_KEY);
  });

  it('names every bad variable in one error', () => {
    const problems = problemsOf(() =>
      loadDispatcherConfig({
        DATABASE_URL: 'mysql://x',
        REDIS_URL: 'nope',
        DISPATCHER_PORT: 'eighty',
        DISPATCH_CONCURRENCY: '0',
        LOG_LEVEL: 'loud',
      }),
    );
    expect(Object.keys(problems).sort()).toEqual(
      ['DATABASE_URL', 'DISPATCHER_PORT', 'DISPATCH_CONCURRENCY', 'LOG_LEVEL', 'REDIS_URL'].sort(),
    );
    expect(problems.DISPATCH_CONCURRENCY).toMatch(/positive integer/);
  });

  it('puts every problem in the message', () => {
    try {
      loadBookingApiConfig({ BOOKING_API_PORT: '-1', RATE_LIMIT_PER_MINUTE: 'x' });
      expect.unreachable();
    } catch (error) {
      expect(String((error as Error).message)).toMatch(/BOOKING_API_PORT/);
      expect(String((error as Error).message)).toMatch(/RATE_LIMIT_PER_MINUTE/);
      expect(String((error as Error).message)).toMatch(/2 problems/);
    }
  });

  it('requires secrets and URLs in production', () => {
    const problems = problemsOf(() => loadAdminApiConfig({ NODE_ENV: 'production' }));
    expect(Object.keys(problems).sort()).toEqual([
      'ADMIN_TOKEN',
      'DATABASE_URL',
      'PUBLIC_URL',
      'REDIS_URL',
      'SECRET_KEY',
    ]);
  });

  const ADMIN_PRODUCTION_URLS = {
    NODE_ENV: 'production',
    DATABASE_URL: 'postgres://db/app',
    REDIS_URL: 'redis://cache:6379',
    PUBLIC_URL: 'https://admin.example.com',
  };

  it('refuses the development secrets in production', () => {
    const problems = problemsOf(() =>
      loadAdminApiConfig({
        ...ADMIN_PRODUCTION_URLS,
        ADMIN_TOKEN: DEV_ADMIN_TOKEN,
        SECRET_KEY: DEV_SECRET_KEY,
      }),
    );
    expect(Object.keys(problems).sort()).toEqual(['ADMIN_TOKEN', 'SECRET_KEY']);
  });

  it('lists a default secret alongside other problems, not only once those are fixed', () => {
    const problems = problemsOf(() =>
      loadAdminApiConfig({
        ...ADMIN_PRODUCTION_URLS,
        ADMIN_API_PORT: 'eighty',
        ADMIN_TOKEN: DEV_ADMIN_TOKEN,
        SECRET_KEY: 'short',
      }),
    );
    expect(Object.keys(problems).sort()).toEqual(['ADMIN_API_PORT', 'ADMIN_TOKEN', 'SECRET_KEY']);
    expect(problems.ADMIN_TOKEN).toMatch(/development default/);
    expect(problems.SECRET_KEY).toMatch(/at least 32 characters/);
  });

  it('keeps a failed field’s own problem instead of a secret check’s', () => {
    const problems = problemsOf(() =>
      loadAdminApiConfig({ NODE_ENV: 'production', TRUST_PROXY_HOPS: '-1', SECRET_KEY: DEV_SECRET_KEY }),
    );
    expect(Object.keys(problems).sort()).toEqual([
      'ADMIN_TOKEN',
      'DATABASE_URL',
      'PUBLIC_URL',
      'REDIS_URL',
      'SECRET_KEY',
      'TRUST_PROXY_HOPS',
    ]);
    expect(problems.ADMIN_TOKEN).toBe('is required');
    expect(problems.SECRET_KEY).toMatch(/development default/);
  });

  it('skips the secret checks, without crashing, when NODE_ENV itself is bad', () => {
    const problems = problemsOf(() =>
      loadDispatcherConfig({ NODE_ENV: 'prod', SECRET_KEY: DEV_SECRET_KEY, DISPATCHER_PORT: 'x' }),
    );
    expect(Object.keys(problems).sort()).toEqual(['DISPATCHER_PORT', 'NODE_ENV']);
  });

  it('accepts real secrets in production', () => {
    const config = loadAdminApiConfig({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://db/app',
      REDIS_URL: 'redis://cache:6379',
      PUBLIC_URL: 'https://admin.example.com/',
      ADMIN_TOKEN: 'a'.repeat(32),
      SECRET_KEY: 'b'.repeat(40),
    });
    expect(config.publicUrl).toBe('https://admin.example.com');
  });
});

describe('TRUST_PROXY_HOPS', () => {
  it('defaults to 0 (believe no X-Forwarded-For) in both HTTP services', () => {
    expect(loadBookingApiConfig({}).trustProxyHops).toBe(0);
    expect(loadAdminApiConfig({}).trustProxyHops).toBe(0);
  });

  it('reads a hop count and refuses anything but a whole number ≥ 0', () => {
    expect(loadAdminApiConfig({ TRUST_PROXY_HOPS: '2' }).trustProxyHops).toBe(2);
    for (const bad of ['-1', '1.5', 'all']) {
      expect(problemsOf(() => loadAdminApiConfig({ TRUST_PROXY_HOPS: bad })).TRUST_PROXY_HOPS).toMatch(
        /whole number ≥ 0/,
      );
    }
  });
});

describe('loadMigrateConfig', () => {
  it('needs only DATABASE_URL, even in production', async () => {
    const { loadMigrateConfig } = await import('../src/index.ts');
    expect(loadMigrateConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/app' })).toEqual({
      databaseUrl: 'postgres://db/app',
    });
    expect(() => loadMigrateConfig({ NODE_ENV: 'production' })).toThrow(/DATABASE_URL/);
  });
});

describe('production', () => {
  const base = { NODE_ENV: 'production', DATABASE_URL: 'postgres://db/app', REDIS_URL: 'redis://cache:6379' };

  it('starts every service with real secrets', () => {
    expect(loadBookingApiConfig({ ...base, SECRET_KEY: 'k'.repeat(40) }).env).toBe('production');
    // It signs the customers' manage links: no default key in production.
    expect(Object.keys(problemsOf(() => loadBookingApiConfig(base)))).toEqual(['SECRET_KEY']);
    expect(loadDispatcherConfig({ ...base, SECRET_KEY: 'k'.repeat(40) }).secretKey).toBe('k'.repeat(40));
    expect(
      loadAdminApiConfig({
        ...base,
        PUBLIC_URL: 'https://a.example',
        ADMIN_TOKEN: 't'.repeat(30),
        SECRET_KEY: 'k'.repeat(40),
      }).env,
    ).toBe('production');
  });

  it('refuses the dispatcher on the development key', () => {
    expect(() => loadDispatcherConfig({ ...base, SECRET_KEY: DEV_SECRET_KEY })).toThrow(/SECRET_KEY/);
  });
});

describe('COOKIE_SECURE', () => {
  const production = {
    NODE_ENV: 'production',
    DATABASE_URL: 'postgres://db/app',
    REDIS_URL: 'redis://cache:6379',
    PUBLIC_URL: 'http://admin-api:3001',
    ADMIN_TOKEN: 't'.repeat(30),
    SECRET_KEY: 'k'.repeat(40),
  };

  it('is on in production whatever PUBLIC_URL says (TLS usually ends at a proxy in front)', () => {
    expect(loadAdminApiConfig(production).cookieSecure).toBe(true);
  });

  it('is off only for plain-HTTP development, so `pnpm start` on http://127.0.0.1 can log in', () => {
    expect(loadAdminApiConfig({}).cookieSecure).toBe(false);
    expect(loadAdminApiConfig({ PUBLIC_URL: 'https://bora.test' }).cookieSecure).toBe(true);
  });

  it('can be set either way explicitly, and refuses anything but a boolean', () => {
    expect(loadAdminApiConfig({ ...production, COOKIE_SECURE: 'false' }).cookieSecure).toBe(false);
    expect(loadAdminApiConfig({ COOKIE_SECURE: 'true' }).cookieSecure).toBe(true);
    expect(problemsOf(() => loadAdminApiConfig({ COOKIE_SECURE: 'maybe' })).COOKIE_SECURE).toBeDefined();
  });
});

describe('HOST', () => {
  it('binds loopback by default, in every service, so development is not reachable from the network', () => {
    expect(loadBookingApiConfig({}).host).toBe('127.0.0.1');
    expect(loadAdminApiConfig({}).host).toBe('127.0.0.1');
    expect(loadDispatcherConfig({}).host).toBe('127.0.0.1');
  });

  it('stays overridable (containers bind 0.0.0.0 explicitly)', () => {
    expect(loadBookingApiConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(loadAdminApiConfig({ HOST: '0.0.0.0', ADMIN_TOKEN: 'a-real-token-for-the-lan-0123' }).host).toBe('0.0.0.0');
  });

  it('refuses the publicly known development admin token off loopback', () => {
    const problems = problemsOf(() => loadAdminApiConfig({ HOST: '0.0.0.0' }));
    expect(Object.keys(problems)).toEqual(['ADMIN_TOKEN']);
    expect(problems.ADMIN_TOKEN).toMatch(/development token.*HOST=0\.0\.0\.0/);
    expect(
      problemsOf(() => loadAdminApiConfig({ HOST: '192.168.0.10', ADMIN_TOKEN: DEV_ADMIN_TOKEN })).ADMIN_TOKEN,
    ).toBeDefined();
    for (const host of ['127.0.0.1', '127.0.0.2', 'localhost', '::1'])
      expect(loadAdminApiConfig({ HOST: host }).host).toBe(host);
  });
});

describe('number safety', () => {
  it('is on by default with the practitioners’ safe figures, and can be switched off for benchmarks', () => {
    const config = loadDispatcherConfig({});
    expect(config.pacing).toEqual({ minIntervalMs: 1_500, jitterMs: 3_500 });
    expect(config.safety).toMatchObject({
      enabled: true,
      timeScale: 1,
      budget: { perMinute: 8, perHour: 200, perDay: 1_500, newContactsPerDay: 40 },
      warmup: { firstDay: 20, growth: 1.8, idleHours: 72 },
      typing: { msPerChar: 30, minMs: 1_000, maxMs: 3_000 },
    });
    expect(loadDispatcherConfig({ NUMBER_SAFETY: 'false' }).safety.enabled).toBe(false);
    expect(loadAdminApiConfig({})).toMatchObject({
      reachoutLockMs: 21_600_000,
      relink: { alertAfterMs: 120_000, linkTtlMs: 86_400_000 },
    });
  });

  it('lists bad values at once, and refuses a scaled clock in production', () => {
    expect(
      problemsOf(() =>
        loadDispatcherConfig({
          BUDGET_PER_MINUTE: '0',
          WARMUP_GROWTH: '0.5',
          SAFETY_TIME_SCALE: '-2',
          TYPING_MIN_MS: '5000',
        }),
      ),
    ).toEqual({
      BUDGET_PER_MINUTE: expect.stringContaining('positive integer'),
      WARMUP_GROWTH: expect.stringContaining('≥ 1'),
      SAFETY_TIME_SCALE: expect.stringContaining('> 0'),
      TYPING_MIN_MS: expect.stringContaining('TYPING_MAX_MS'),
    });
    const production = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://db/app',
      REDIS_URL: 'redis://cache:6379',
      SECRET_KEY: 'k'.repeat(40),
    };
    expect(problemsOf(() => loadDispatcherConfig({ ...production, SAFETY_TIME_SCALE: '60' }))).toEqual({
      SAFETY_TIME_SCALE: expect.stringContaining('production'),
    });
  });
});
