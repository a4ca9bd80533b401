import { bookings } from '@bora/db';
import type { AnyFastify } from '@bora/http';
import { eq } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { createTenant } from './support/app.ts';
import { test } from './support/fixtures.ts';

/** A date `days` from now in São Paulo, as the date input sends it. */
function localDate(days: number): string {
  return new Date(Date.now() - 3 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

function submit(app: AnyFastify, slug: string, fields: Record<string, string>) {
  return app.inject({
    method: 'POST',
    url: `/${slug}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(fields).toString(),
  });
}

const valid = (overrides: Record<string, string> = {}) => ({
  customerName: 'João da Silva',
  customerPhone: '(11) 98765-4321',
  service: 'Barba',
  date: localDate(3),
  time: '14:30',
  ...overrides,
});

describe('mini-site', () => {
  test('GET /:slug is an accessible pt-BR page with the form, escaped, under a strict CSP', async ({ env, app }) => {
    const tenant = await createTenant(env, { name: `<script>alert("x")</script> & Zé's` });
    const res = await app.inject(`/${tenant.slug}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(res.headers['content-security-policy']).not.toMatch(/unsafe-inline/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const html = res.body;
    expect(html).toMatch(/<html lang="pt-BR">/);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Zé&#39;s');
    expect(html).not.toContain('<script>alert');
    // Only our external script; no inline code for the CSP to allow.
    expect(html.match(/<script[^>]*>/g)).toEqual(['<script src="/assets/site.js" defer>']);
    for (const name of ['customerName', 'customerPhone', 'service', 'professional', 'date', 'time']) {
      expect(html).toContain(`<label for="f-${name}">`);
      expect(html).toMatch(new RegExp(`<input id="f-${name}" name="${name}"`));
    }
    expect(html).toMatch(/<form[^>]+method="post"[^>]+action="\/[a-z0-9-]+"/);
    expect(html).toMatch(/name="idempotencyKey" value="[0-9a-f-]{36}"/);
  });

  test('unknown slug → a pt-BR 404 page', async ({ app }) => {
    const res = await app.inject('/nao-existe');
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('Página não encontrada');
  });

  test('the form posts without JavaScript: 303 to a confirmation page, time taken in the tenant zone', async ({
    env,
    app,
  }) => {
    const tenant = await createTenant(env, { timezone: 'America/Manaus' });
    const res = await submit(app, tenant.slug, valid({ professional: 'Ana' }));
    expect(res.statusCode).toBe(303);
    const location = res.headers.location as string;
    expect(location).toMatch(new RegExp(`^/${tenant.slug}/agendamentos/[0-9a-f-]{36}$`));
    const [row] = await env.db.db.select().from(bookings).where(eq(bookings.tenantId, tenant.id));
    // 14:30 in Manaus (UTC-4) is 18:30 UTC.
    expect(row?.startsAt.toISOString()).toBe(`${localDate(3)}T18:30:00.000Z`);
    expect(row).toMatchObject({ customerPhone: '5511987654321', professional: 'Ana', service: 'Barba' });

    const page = await app.inject(location);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Agendamento confirmado!');
    expect(page.body).toContain('14:30');
    expect(page.body).toContain('Barba');
    expect(page.body).toContain('4321');
    expect(page.body).not.toContain('98765-4321');
  });

  test('a bad phone re-shows the form with the error tied to the field and the values kept', async ({ env, app }) => {
    const tenant = await createTenant(env);
    const res = await submit(
      app,
      tenant.slug,
      valid({ customerPhone: '(11) 3456-7890', customerName: '"><img src=x onerror=alert(1)>' }),
    );
    expect(res.statusCode).toBe(400);
    const html = res.body;
    expect(html).toMatch(
      /<input id="f-customerPhone" name="customerPhone" type="tel" value="\(11\) 3456-7890"[^>]*aria-describedby="customerPhone-hint customerPhone-error" aria-invalid="true">/,
    );
    expect(html).toMatch(
      /<p class="field-error" id="customerPhone-error">Precisa ser um número de celular com WhatsApp\.<\/p>/,
    );
    expect(html).toContain('value="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"');
    expect(html).toContain(`value="${localDate(3)}"`);
    expect(html).toMatch(/class="error-summary" role="alert"/);
    expect(html).toContain('href="#f-customerPhone"');
  });

  test('a NUL byte or another control character in a field re-shows the form (400) with a pt-BR error on that field, nothing written', async ({
    env,
    app,
  }) => {
    const tenant = await createTenant(env);
    const cases: Array<[string, string]> = [
      ['customerName', 'João\u0000 da Silva'],
      ['service', 'Barba\u0007'],
      ['professional', 'Ana\u001b[31m'],
      ['customerPhone', '(11) 98765-4321\u0000'],
      ['date', `${localDate(3)}\u0000`],
    ];
    for (const [field, value] of cases) {
      const res = await submit(app, tenant.slug, valid({ [field]: value, idempotencyKey: crypto.randomUUID() }));
      expect(res.statusCode, field).toBe(400);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.body, field).toMatch(
        new RegExp(`id="${field}-error">Este campo tem caracteres invisíveis ou de controle`),
      );
      // The form comes back without them, so sending it again works.
      expect([...res.body].filter((ch) => ch.charCodeAt(0) < 0x20 && !'\t\n\r'.includes(ch))).toEqual([]);
    }
    expect(await env.db.db.select().from(bookings).where(eq(bookings.tenantId, tenant.id))).toHaveLength(0);
  });

  test('every missing field is flagged at once', async ({ env, app }) => {
    const tenant = await createTenant(env);
    const res = await submit(app, tenant.slug, {});
    expect(res.statusCode).toBe(400);
    for (const name of ['customerName', 'customerPhone', 'service', 'date', 'time']) {
      expect(res.body).toContain(`id="${name}-error"`);
    }
    expect(res.body).not.toContain('id="professional-error"');
  });

  test('a past time and a taken slot are shown on the time field', async ({ env, app }) => {
    const tenant = await createTenant(env);
    const past = await submit(app, tenant.slug, valid({ date: localDate(-1) }));
    expect(past.statusCode).toBe(400);
    expect(past.body).toMatch(/id="time-error">Escolha um dia e horário que ainda não passaram\./);

    expect((await submit(app, tenant.slug, valid())).statusCode).toBe(303);
    const taken = await submit(app, tenant.slug, valid({ customerName: 'Outra pessoa' }));
    expect(taken.statusCode).toBe(409);
    expect(taken.body).toMatch(/id="time-error">Esse horário acabou de ser reservado/);
  });

  test('a double-submitted form (same hidden key) books once', async ({ env, app }) => {
    const tenant = await createTenant(env);
    const key = crypto.randomUUID();
    const fields = valid({ idempotencyKey: key });
    const [a, b] = await Promise.all([submit(app, tenant.slug, fields), submit(app, tenant.slug, fields)]);
    expect([a.statusCode, b.statusCode]).toEqual([303, 303]);
    expect(a.headers.location).toBe(b.headers.location);
    expect(await env.db.db.select().from(bookings).where(eq(bookings.tenantId, tenant.id))).toHaveLength(1);
    // The same form edited afterwards (e.g. after "back") gets a fresh form, not a dead end.
    const edited = await submit(app, tenant.slug, { ...fields, time: '16:00' });
    expect(edited.statusCode).toBe(409);
    expect(edited.body).toContain('Este formulário já tinha sido enviado');
    expect(edited.body).not.toContain(key);
  });

  test('assets are served with their types; a malformed confirmation link is a 404 page', async ({ env, app }) => {
    const tenant = await createTenant(env);
    const js = await app.inject('/assets/site.js');
    expect(js.headers['content-type']).toMatch(/^text\/javascript/);
    expect(js.body).toContain('DOMParser');
    expect((await app.inject('/assets/site.css')).headers['content-type']).toMatch(/^text\/css/);
    const bad = await app.inject(`/${tenant.slug}/agendamentos/nao-e-uuid`);
    expect(bad.statusCode).toBe(404);
    expect(bad.body).toContain('Página não encontrada');
  });
});
