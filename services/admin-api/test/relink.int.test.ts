import { createNotificationQueues } from '@bora/queue';
import { test, waitFor } from '@bora/testing';
import { describe, expect } from 'vitest';
import { OWNER_PHONE, relinkWorld } from './relink-helpers.ts';

type State = { state: string; qr: { base64: string; pairingCode: string | null } | null };

describe('re-linking without support', () => {
  test('the owner’s number is unlinked on the phone: the owner is told once on WhatsApp with a signed link; the page shows a rotating QR and a pairing code; the scan closes the case', async ({
    env,
  }) => {
    const w = await relinkWorld(env);
    const queue = createNotificationQueues({ connection: env.redis, prefix: env.queuePrefix });
    try {
      w.sim.control.unlinkFromPhone('evo1', w.instance.instanceName);
      await waitFor(async () => (await w.alert()) !== undefined, { what: 'the owner alert' });
      const alert = (await w.alert())!;
      expect(alert).toMatchObject({ kind: 'owner_alert', recipient: OWNER_PHONE });
      expect(alert.text).toContain(
        'O WhatsApp "WhatsApp do Zé" (final 0001) de Barbearia do Zé foi desconectado pelo celular (sessão encerrada).',
      );
      expect(alert.text).toContain('saem pelo número da plataforma');
      expect(alert.link.startsWith(`${w.base}/relink/`)).toBe(true);
      expect((await queue.shards[0]!.getJob(alert.id))?.id).toBe(alert.id);
      // The next event of the same outage tells nobody again.
      w.sim.control.emitConnectionUpdates('evo1', w.instance.instanceName, 3, 'close');
      const listed = (await w.inject('GET', `/v1/whatsapp-instances/${w.instance.id}`)).json();
      expect(listed.safety.relink).toMatchObject({ reason: 'logged-out', alertStatus: 'pending' });
      expect(listed.safety.relink.link).toMatch(/\/relink\/.+\?exp=\d+&sig=/);

      // The owner opens the link: the page asks Evolution for a QR with a pairing code for the number.
      const path = alert.link.slice(w.base.length);
      const page = await w.t.app.inject({ url: path });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toContain('text/html');
      expect(page.body).toContain('Reconectar o WhatsApp');
      expect(page.body).toContain('chave de acesso (passkey)');
      expect(page.body).not.toContain('11988880001');
      const statePath = path.replace('?', '/state?');
      const state = async () => (await w.t.app.inject({ url: statePath })).json() as State;
      const first = await waitFor(
        async () => {
          const s = await state();
          return s.state === 'qr' && s.qr?.pairingCode ? s : undefined;
        },
        { what: 'a QR with a pairing code' },
      );
      expect(first.qr!.base64).toMatch(/^data:image\/png;base64,/);
      expect(first.qr!.pairingCode).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
      // qrcode.updated rotates it (the simulator's images are all one blank PNG: its code changes).
      const codeNow = async () =>
        (await env.db.sql<{ qr_code: string }[]>`select qr_code from relink_requests`)[0]!.qr_code;
      const firstCode = await codeNow();
      await waitFor(async () => (await codeNow()) !== firstCode && (await state()).state === 'qr', {
        what: 'the next QR',
      });

      // The owner scans it: connected, the case closed, the page says so.
      w.sim.control.setInstanceState('evo1', w.instance.instanceName, 'open');
      await waitFor(async () => (await state()).state === 'connected', { what: 'connected' });
      expect((await w.inject('GET', `/v1/whatsapp-instances/${w.instance.id}`)).json().safety.relink).toBeNull();
      const [closed] = await env.db.sql`select resolved_at from relink_requests`;
      expect(closed!.resolved_at).not.toBeNull();
    } finally {
      await queue.close();
      await w.close();
    }
  });

  test('the link is signed and expires: a forged or changed one is refused; an expired one of an open case sends a new link, once an hour', async ({
    env,
  }) => {
    const w = await relinkWorld(env);
    try {
      w.sim.control.unlinkFromPhone('evo1', w.instance.instanceName);
      await waitFor(async () => (await w.alert()) !== undefined, { what: 'the owner alert' });
      const path = (await w.alert())!.link.slice(w.base.length);
      const [id, query] = path.slice('/relink/'.length).split('?') as [string, string];
      const params = new URLSearchParams(query);
      const forged = await w.t.app.inject({
        url: `/relink/${id}?exp=${Number(params.get('exp')) + 1}&sig=${params.get('sig')}`,
      });
      expect(forged.statusCode).toBe(403);
      expect(forged.body).toContain('Link inválido');
      expect((await w.t.app.inject({ url: `/relink/${id}/state?exp=${params.get('exp')}&sig=x` })).json()).toEqual({
        error: { code: 'RELINK_LINK_INVALID', message: 'Link de reconexão inválido' },
      });

      // An expired link (signed for a moment already past).
      const { signRelink } = await import('../src/relink/link.ts');
      const old = signRelink(w.t.config.secretKey, id, Date.now() - 1_000);
      const expired = `/relink/${id}?exp=${old.exp}&sig=${encodeURIComponent(old.sig)}`;
      const soon = await w.t.app.inject({ url: expired });
      expect(soon.statusCode).toBe(410);
      expect(soon.body).toContain('um novo link chega pelo WhatsApp');
      await env.db.sql`update relink_requests set alerted_at = now() - interval '2 hours'`;
      const resent = await w.t.app.inject({ url: expired });
      expect(resent.body).toContain('Enviamos um novo link');
      const alerts = await env.db.sql`select id from notifications where kind = 'owner_alert'`;
      expect(alerts).toHaveLength(2);
      expect((await w.t.app.inject({ url: expired })).body).not.toContain('Enviamos um novo link');
    } finally {
      await w.close();
    }
  });

  test('no owner phone: the case is open on the fleet page and nobody is messaged; a shared sender never opens a case', async ({
    env,
  }) => {
    const w = await relinkWorld(env, { ownerPhone: null });
    try {
      w.sim.control.unlinkFromPhone('evo1', w.instance.instanceName);
      await waitFor(
        async () => (await w.inject('GET', `/v1/whatsapp-instances/${w.instance.id}`)).json().safety.relink !== null,
        { what: 'a case' },
      );
      const relink = (await w.inject('GET', `/v1/whatsapp-instances/${w.instance.id}`)).json().safety.relink;
      expect(relink).toMatchObject({ reason: 'logged-out', alertedAt: null, alertStatus: null });
      expect(await w.alert()).toBeUndefined();
      // The same on a shared platform sender: no case (operators see it disconnected).
      await w.inject('PATCH', `/v1/whatsapp-instances/${w.instance.id}`, { tenantSlug: null });
      await env.db.sql`delete from relink_requests`;
      w.sim.control.setInstanceState('evo1', w.instance.instanceName, 'open');
      await waitFor(
        async () => (await w.inject('GET', `/v1/whatsapp-instances/${w.instance.id}`)).json().status === 'connected',
      );
      w.sim.control.unlinkFromPhone('evo1', w.instance.instanceName);
      await waitFor(
        async () => (await w.inject('GET', `/v1/whatsapp-instances/${w.instance.id}`)).json().status === 'disconnected',
      );
      expect(await env.db.sql`select id from relink_requests`).toEqual([]);
    } finally {
      await w.close();
    }
  });

  test('a plain close that lasts opens a case only after RELINK_ALERT_AFTER_MS (the poll’s sweep); back online closes it', async ({
    env,
  }) => {
    const w = await relinkWorld(env, { adminEnv: { RELINK_ALERT_AFTER_MS: '300' } });
    try {
      const { createRelinkAlerts } = await import('../src/relink/alert.ts');
      const queue = createNotificationQueues({ connection: env.redis, prefix: env.queuePrefix });
      const relink = createRelinkAlerts({
        sql: env.db.sql,
        config: w.t.config,
        queues: queue,
        logger: (await import('@bora/logger')).createLogger({ name: 't', level: 'silent' }),
      });
      w.sim.control.setInstanceState('evo1', w.instance.instanceName, 'close');
      await waitFor(
        async () => (await w.inject('GET', `/v1/whatsapp-instances/${w.instance.id}`)).json().status === 'disconnected',
      );
      expect(await relink.sweep()).toEqual({ opened: 0, resolved: 0 });
      await waitFor(async () => (await relink.sweep()).opened === 1, { what: 'the case after 300 ms' });
      expect((await w.alert())!.text).toContain('foi desconectado.');
      await env.db.sql`update whatsapp_instances set status = 'connected'`;
      expect(await relink.sweep()).toEqual({ opened: 0, resolved: 1 });
      await queue.close();
    } finally {
      await w.close();
    }
  });
});
