import type { StoredMessage } from '@bora/evolution-client';
import type { Ledger, UnconfirmedRow } from '@bora/ledger';
import { lazyChild, type Logger } from '@bora/logger';
import type { ClientPool } from './clients.ts';
import type { Fleet } from './fleet-snapshot.ts';
import type { DispatcherMetrics } from './metrics.ts';

export interface ReconcilerDeps {
  ledger: Ledger;
  fleet: Fleet;
  /** Clients with a short timeout: a lookup must not hold up the sweep behind a hung server. */
  clients: ClientPool;
  metrics: DispatcherMetrics;
  logger: Logger;
  /**
   * The bounded window of an unknown outcome. Past half of it, a message the server's store does
   * not have (and the store provably keeps our sends) was not sent; past all of it with no
   * evidence either way, it is sent again as a possible duplicate.
   */
  windowMs: number;
  /** Puts a row that goes out again back on the queue. */
  requeue(row: { id: string; tenantId: string; dueAt: Date }): Promise<unknown>;
  /**
   * Servers not worth asking now (their circuit is open or waiting for its probe): a lookup there
   * would hang the pass for its timeout and prove nothing, so their rows wait for a webhook or the
   * window's end.
   */
  unreachable?(): Promise<ReadonlySet<string>>;
}

type Verdict = { kind: 'found'; message: StoredMessage } | { kind: 'absent' } | { kind: 'unknown' };

/** A pass stops asking a server after its first failed lookup: one hung server costs one timeout. */
type Pass = { failedServers: Set<string> };

/** The JIDs a Brazilian mobile may have on WhatsApp: with and without the 9th digit. */
export function jidsFor(recipient: string): string[] {
  const digits = recipient.replace(/\D/g, '');
  const forms = [digits];
  if (digits.length === 13 && digits.startsWith('55') && digits[4] === '9')
    forms.push(digits.slice(0, 4) + digits.slice(5));
  return forms.map((d) => `${d}@s.whatsapp.net`);
}

/**
 * Settles `unconfirmed` sends (request written, no readable answer). Evidence comes first from the
 * webhooks (admin-api applies `send.message` and receipts through the ledger); this loop asks the
 * server that took the send (`POST /chat/findMessages`) and decides only on what it can prove:
 * found → sent; provably absent after half the window → sent again (not a duplicate); nothing
 * known after the window → sent again, counted and marked as a possible duplicate. Never after the
 * appointment started: then the row stays unconfirmed, honestly.
 */
export function createReconciler(deps: ReconcilerDeps) {
  async function look(row: UnconfirmedRow, pass: Pass): Promise<Verdict> {
    const view = deps.fleet.view();
    const server = row.serverId ? view.servers.get(row.serverId) : undefined;
    const instance = row.instanceId ? view.index.instances.get(row.instanceId) : undefined;
    if (!server || !instance || !server.apiKey || pass.failedServers.has(server.id)) return { kind: 'unknown' };
    const client = deps.clients.get(server);
    // Some seconds of slack both ways: the server stamps the message with its own clock.
    const between = { from: new Date(row.unconfirmedAt.getTime() - 10 * 60_000), to: new Date(Date.now() + 60_000) };
    try {
      for (const remoteJid of jidsFor(row.recipient)) {
        const records = await client.findMessages(instance.instanceName, {
          remoteJid,
          fromMe: true,
          between,
          pageSize: 20,
        });
        const match = records.find((m) => m.fromMe && m.text === row.text);
        if (match) return { kind: 'found', message: match };
      }
      // Absent proves nothing unless this server's store holds the sends we know we made.
      const recent = await client.findMessages(instance.instanceName, { fromMe: true, pageSize: 20 });
      const known = await deps.ledger.reconcile.knownKeys(recent.map((m) => m.keyId));
      return known.size > 0 ? { kind: 'absent' } : { kind: 'unknown' };
    } catch (err) {
      pass.failedServers.add(server.id);
      deps.logger.warn(
        { err, notificationId: row.id, evolutionApiId: server.id },
        'reconciliation lookup failed; will look again',
      );
      return { kind: 'unknown' };
    }
  }

  function nextLook(row: UnconfirmedRow, now: number): Date {
    const age = now - row.unconfirmedAt.getTime();
    // Sooner at first (webhooks and stores settle within seconds), then every few seconds, never
    // past the window's end.
    const step = Math.min(60_000, Math.max(2_000, age / 4));
    return new Date(Math.min(now + step, row.unconfirmedAt.getTime() + deps.windowMs));
  }

  async function settle(row: UnconfirmedRow, now: number, pass: Pass): Promise<void> {
    const verdict = await look(row, pass);
    const log = lazyChild(deps.logger, { notificationId: row.id });
    if (verdict.kind === 'found') {
      if (
        await deps.ledger.reconcile.settleSent(row.id, {
          keyId: verdict.message.keyId,
          remoteJid: verdict.message.remoteJid,
        })
      ) {
        deps.metrics.reconciled.inc({ how: 'found' });
        log.info({ messageId: verdict.message.keyId }, 'unconfirmed send found on the server: recorded as sent');
      }
      return;
    }
    if (row.startsAt && row.startsAt.getTime() <= now) {
      await deps.ledger.reconcile.defer(row.id, null);
      deps.metrics.reconciled.inc({ how: 'abandoned' });
      log.warn('appointment started while the send was unconfirmed: not sent again; stays unconfirmed');
      return;
    }
    const age = now - row.unconfirmedAt.getTime();
    const reason =
      verdict.kind === 'absent' && age >= deps.windowMs / 2
        ? 'not-sent'
        : age >= deps.windowMs
          ? 'no-evidence'
          : undefined;
    if (!reason) {
      await deps.ledger.reconcile.defer(row.id, nextLook(row, now));
      return;
    }
    const resent = await deps.ledger.reconcile.resend(row.id, reason);
    if (!resent) return;
    deps.metrics.reconciled.inc({ how: reason === 'not-sent' ? 'resent-not-sent' : 'resent-no-evidence' });
    log.warn(
      { reason },
      reason === 'not-sent'
        ? 'unconfirmed send not on the server: sending again'
        : 'no evidence within the window: sending again (possible duplicate)',
    );
    await deps.requeue({ id: row.id, tenantId: resent.tenantId, dueAt: resent.dueAt });
  }

  return {
    /** One pass over the unconfirmed rows due for a look; returns how many were looked at. */
    async runOnce(limit = 50): Promise<number> {
      const rows = await deps.ledger.reconcile.due(limit);
      const now = Date.now();
      const skipped = await (deps.unreachable?.() ?? Promise.resolve(new Set<string>())).catch(() => new Set<string>());
      const pass: Pass = { failedServers: new Set(skipped) };
      for (const row of rows) await settle(row, now, pass);
      return rows.length;
    },
  };
}
