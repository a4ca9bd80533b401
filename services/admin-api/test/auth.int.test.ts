import { describe, expect } from 'vitest';
import { test } from '@bora/testing';
import { ADMIN_TOKEN, auth, startAdminApi } from './helpers.ts';

const SAMPLE_ID = '00000000-0000-4000-8000-000000000000';

describe('admin-api authentication', () => {
  test('every documented /v1 and /admin route answers 401 without credentials, and not 401 with the token', async ({
    env,
  }) => {
    const { app, close } = await startAdminApi(env);
    const spec = (await app.inject({ url: '/openapi.json', headers: auth })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    const routes = Object.entries(spec.paths)
      .filter(([path]) => path.startsWith('/v1') || path.startsWith('/admin'))
      .flatMap(([path, methods]) =>
        Object.keys(methods).map((method) => ({
          method: method.toUpperCase(),
          url: path.replace(/\{[^}]+\}/g, SAMPLE_ID),
        })),
      )
      .filter((r) => r.url !== '/admin/login' && r.url !== '/admin/logout');
    expect(routes.length).toBeGreaterThan(15);
    for (const route of [
      ...routes,
      { method: 'GET', url: '/admin/queues' },
      { method: 'GET', url: '/admin/queues/api/queues' },
      { method: 'GET', url: '/docs' },
    ]) {
      const anonymous = await app.inject({
        method: route.method as 'GET',
        url: route.url,
        payload: route.method === 'GET' ? undefined : {},
      });
      expect(anonymous.statusCode, `${route.method} ${route.url}`).toBe(401);
      expect(anonymous.json().error.code).toBe('UNAUTHENTICATED');
      const authorized = await app.inject({
        method: route.method as 'GET',
        url: route.url,
        headers: auth,
        payload: route.method === 'GET' ? undefined : {},
      });
      expect(authorized.statusCode, `${route.method} ${route.url} with token`).not.toBe(401);
    }
    await close();
  });

  test('a wrong bearer token is 401 INVALID_TOKEN; health probes and webhooks need no token', async ({ env }) => {
    const { app, close } = await startAdminApi(env);
    const wrong = await app.inject({ url: '/v1/stats/usage', headers: { authorization: 'Bearer nope' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toEqual({ error: { code: 'INVALID_TOKEN', message: 'Token de administrador inválido' } });
    expect((await app.inject('/healthz')).statusCode).toBe(200);
    expect((await app.inject('/readyz')).statusCode).toBe(200);
    expect((await app.inject('/metrics')).statusCode).toBe(200);
    const webhook = await app.inject({
      method: 'POST',
      url: `/webhooks/evolution/${SAMPLE_ID}`,
      payload: { event: 'send.message' },
    });
    expect(webhook.statusCode).toBe(401);
    expect(webhook.json().error.code).toBe('INVALID_WEBHOOK_SECRET');
    await close();
  });

  test('browser page GETs without a session are redirected to the pt-BR login form', async ({ env }) => {
    const { app, close } = await startAdminApi(env);
    for (const url of ['/admin', '/admin/queues', '/docs']) {
      const res = await app.inject({ url, headers: { accept: 'text/html,application/xhtml+xml' } });
      expect(res.statusCode, url).toBe(303);
      expect(res.headers.location).toBe(`/admin/login?next=${encodeURIComponent(url)}`);
    }
    const form = await app.inject({ url: '/admin/login?next=/admin/queues' });
    expect(form.statusCode).toBe(200);
    expect(form.headers['content-type']).toContain('text/html');
    expect(form.body).toContain('lang="pt-BR"');
    expect(form.body).toContain('Token de administrador');
    expect(form.body).toContain('value="/admin/queues"');
    await close();
  });

  test('login sets an HttpOnly SameSite=Strict session cookie that opens /v1 and /admin; the token itself never reaches the browser', async ({
    env,
  }) => {
    const { app, close } = await startAdminApi(env);
    const login = await app.inject({
      method: 'POST',
      url: '/admin/login',
      payload: `token=${ADMIN_TOKEN}&next=%2Fadmin%2Fqueues`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(login.statusCode).toBe(303);
    expect(login.headers.location).toBe('/admin/queues');
    const setCookie = String(login.headers['set-cookie']);
    expect(setCookie).toMatch(/^bora_admin=/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).not.toContain(ADMIN_TOKEN);
    const cookie = setCookie.split(';')[0]!;

    expect((await app.inject({ url: '/v1/stats/usage', headers: { cookie } })).statusCode).toBe(200);
    const page = await app.inject({ url: '/admin', headers: { cookie, accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Evolution APIs');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");

    // A forged cookie, or a state-changing request from another origin, is refused.
    expect(
      (await app.inject({ url: '/v1/stats/usage', headers: { cookie: `bora_admin=${Date.now() + 60_000}.forged` } }))
        .statusCode,
    ).toBe(401);
    const crossSite = await app.inject({
      method: 'POST',
      url: '/v1/tenants',
      headers: { cookie, origin: 'https://evil.example' },
      payload: { slug: 'x', name: 'x' },
    });
    expect(crossSite.statusCode).toBe(403);
    const fromPublicUrl = await app.inject({
      method: 'POST',
      url: '/v1/tenants',
      headers: { cookie, origin: 'http://127.0.0.1:3001' },
      payload: { slug: 'de-casa', name: 'De casa' },
    });
    expect(fromPublicUrl.statusCode).toBe(201);

    // An open redirect through `next` is not possible.
    const evil = await app.inject({
      method: 'POST',
      url: '/admin/login',
      payload: { token: ADMIN_TOKEN, next: '//evil.example' },
    });
    expect(evil.headers.location).toBe('/admin');

    const logout = await app.inject({ method: 'POST', url: '/admin/logout', headers: { cookie } });
    expect(logout.statusCode).toBe(303);
    expect(String(logout.headers['set-cookie'])).toContain('bora_admin=;');
    await close();
  });

  test('the session cookie is Secure in production even over the plain HTTP a TLS proxy forwards (TRUST_PROXY_HOPS=0), and not in plain-HTTP development', async ({
    env,
  }) => {
    const cookieOf = async (vars: Record<string, string>) => {
      const { app, close } = await startAdminApi(env, vars);
      const res = await app.inject({
        method: 'POST',
        url: '/admin/login',
        payload: { token: ADMIN_TOKEN },
        headers: { 'x-forwarded-proto': 'https' },
      });
      await close();
      expect(res.statusCode).toBe(303);
      return String(res.headers['set-cookie']);
    };
    expect(await cookieOf({ NODE_ENV: 'production' })).toMatch(/;\s*Secure/i);
    expect(await cookieOf({ NODE_ENV: 'production', COOKIE_SECURE: 'false' })).not.toMatch(/;\s*Secure/i);
    expect(await cookieOf({})).not.toMatch(/;\s*Secure/i);
    expect(await cookieOf({ COOKIE_SECURE: 'true' })).toMatch(/;\s*Secure/i);
  });

  test('login `next` is parsed against the admin origin: other hosts, tricks and control characters fall back to /admin, never a 500', async ({
    env,
  }) => {
    const { app, close } = await startAdminApi(env);
    const login = (next: string) =>
      app.inject({ method: 'POST', url: '/admin/login', payload: { token: ADMIN_TOKEN, next } });
    const refused = [
      '/\t/evil.example',
      '/\n/evil.example',
      '/admin\r\nSet-Cookie: x=1',
      '/admin\u0000',
      '//evil.example',
      '/\\evil.example',
      '/.//evil.example',
      'https://evil.example/admin',
      'javascript:alert(1)',
      'http://127.0.0.1:3002/admin',
    ];
    for (const next of refused) {
      const res = await login(next);
      expect(res.statusCode, JSON.stringify(next)).toBe(303);
      expect(res.headers.location, JSON.stringify(next)).toBe('/admin');
    }
    const kept: Array<[string, string]> = [
      ['/admin/queues?tab=failed', '/admin/queues?tab=failed'],
      ['http://127.0.0.1:3001/docs', '/docs'],
      ['/admin/../docs', '/docs'],
    ];
    for (const [next, location] of kept) expect((await login(next)).headers.location, next).toBe(location);
    const form = await app.inject({ url: `/admin/login?next=${encodeURIComponent('/\t/evil.example')}` });
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('name="next" value="/admin"');
    await close();
  });

  test('10 bad tokens from a shared address do not lock the operator out: the right token always gets in, on the API and the form', async ({
    env,
  }) => {
    const { app, close } = await startAdminApi(env);
    const ip = '10.0.0.20';
    for (let i = 0; i < 12; i++) {
      const res = await app.inject({
        url: '/v1/stats/usage',
        headers: { authorization: `Bearer guess-${i}` },
        remoteAddress: ip,
      });
      expect(res.statusCode, `guess ${i}`).toBe(i < 10 ? 401 : 429);
    }
    expect((await app.inject({ url: '/v1/stats/usage', headers: auth, remoteAddress: ip })).statusCode).toBe(200);
    const form = await app.inject({
      method: 'POST',
      url: '/admin/login',
      payload: { token: ADMIN_TOKEN },
      remoteAddress: ip,
    });
    expect(form.statusCode).toBe(303);
    await close();
  });

  test('failed logins are throttled per IP (LOGIN_ATTEMPTS_PER_MINUTE): past the budget a failure is 429 with Retry-After', async ({
    env,
  }) => {
    const { app, close } = await startAdminApi(env, { LOGIN_ATTEMPTS_PER_MINUTE: '3' });
    const attempt = (token: string, ip: string) =>
      app.inject({ method: 'POST', url: '/admin/login', payload: { token }, remoteAddress: ip });
    for (let i = 0; i < 3; i++) {
      const res = await attempt('wrong', '10.0.0.7');
      expect(res.statusCode).toBe(401);
      expect(res.body).toContain('Token inválido.');
    }
    const blocked = await attempt('wrong', '10.0.0.7');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.body).toContain('Muitas tentativas');
    const retryAfter = Number(blocked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const viaApi = await app.inject({
      url: '/v1/stats/usage',
      headers: { authorization: 'Bearer still-wrong' },
      remoteAddress: '10.0.0.7',
    });
    expect(viaApi.statusCode).toBe(429);
    expect(viaApi.json().error.code).toBe('TOO_MANY_ATTEMPTS');
    expect(Number(viaApi.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // The throttle costs the guesser, never the operator.
    expect((await attempt(ADMIN_TOKEN, '10.0.0.7')).statusCode).toBe(303);
    // Another IP is unaffected.
    expect((await attempt('wrong', '10.0.0.8')).statusCode).toBe(401);
    await close();
  });

  test('a failure counter left without expiry (a crash between INCR and PEXPIRE) still expires: one script sets both', async ({
    env,
  }) => {
    const { app, config, close } = await startAdminApi(env, { LOGIN_ATTEMPTS_PER_MINUTE: '3' });
    const key = `${config.queuePrefix}:admin-login-failures:10.0.0.30`;
    await env.redis.set(key, '5');
    const res = await app.inject({
      url: '/v1/stats/usage',
      headers: { authorization: 'Bearer wrong' },
      remoteAddress: '10.0.0.30',
    });
    expect(res.statusCode).toBe(429);
    const ttl = await env.redis.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    await close();
  });

  test('by default X-Forwarded-For is not believed: rotating it does not escape the login throttle', async ({
    env,
  }) => {
    const { app, close } = await startAdminApi(env, { LOGIN_ATTEMPTS_PER_MINUTE: '3' });
    const attempt = (token: string, forwardedFor: string) =>
      app.inject({
        method: 'POST',
        url: '/admin/login',
        payload: { token },
        remoteAddress: '10.0.0.9',
        headers: { 'x-forwarded-for': forwardedFor },
      });
    for (let i = 0; i < 3; i++) expect((await attempt('wrong', `203.0.113.${i}`)).statusCode).toBe(401);
    expect((await attempt('wrong', '203.0.113.50')).statusCode).toBe(429);
    const viaApi = await app.inject({
      url: '/v1/stats/usage',
      headers: { authorization: 'Bearer wrong', 'x-forwarded-for': '198.51.100.1' },
      remoteAddress: '10.0.0.9',
    });
    expect(viaApi.statusCode).toBe(429);
    await close();
  });

  test('with TRUST_PROXY_HOPS=1, clients behind the proxy are told apart by X-Forwarded-For', async ({ env }) => {
    const { app, close } = await startAdminApi(env, { LOGIN_ATTEMPTS_PER_MINUTE: '3', TRUST_PROXY_HOPS: '1' });
    // The proxy appends the address it saw last; anything a client put before it is not believed.
    const attempt = (token: string, forwardedFor: string) =>
      app.inject({
        method: 'POST',
        url: '/admin/login',
        payload: { token },
        remoteAddress: '10.0.0.1',
        headers: { 'x-forwarded-for': forwardedFor },
      });
    for (let i = 0; i < 3; i++) expect((await attempt('wrong', `198.51.100.${i}, 203.0.113.7`)).statusCode).toBe(401);
    expect((await attempt('wrong', '203.0.113.7')).statusCode).toBe(429);
    expect((await attempt('wrong', '203.0.113.8')).statusCode).toBe(401);
    await close();
  });
});
