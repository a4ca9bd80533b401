import type { AdminApiConfig } from '@bora/config';
import type { RelinkReason, Sql } from '@bora/db';
import { createLedger } from '@bora/ledger';
import type { Logger } from '@bora/logger';
import type { NotificationQueues } from '@bora/queue';
import { enqueueCommitted } from '../notifications/enqueue.ts';
import { relinkUrl } from './link.ts';
import { createRelinkStore, type RelinkCase } from './store.ts';

export interface RelinkDeps {
  sql: Sql;
  config: Pick<AdminApiConfig, 'secretKey' | 'publicUrl' | 'relink'>;
  queues: NotificationQueues;
  logger: Logger;
}

const WHY: Record<RelinkReason, string> = {
  disconnected: 'foi desconectado',
  'logged-out': 'foi desconectado pelo celular (sessão encerrada)',
  'qr-expired': 'não foi conectado a tempo (o QR code expirou)',
};

/** The owner's WhatsApp, in pt-BR: what happened, what happens to the messages meanwhile, the link. */
export function alertText(c: RelinkCase, link: string, ttlHours: number): string {
  const meanwhile = c.tenant.allowSharedSender
    ? 'Enquanto isso, as mensagens aos seus clientes saem pelo número da plataforma Bora Agendar.'
    : 'Enquanto isso, as mensagens aos seus clientes ficam aguardando.';
  return [
    `Olá! Aqui é a Bora Agendar. O WhatsApp "${c.instance.displayName}" (final ${c.instance.phoneNumber.slice(-4)}) de ${c.tenant.name} ${WHY[c.reason]}.`,
    meanwhile,
    `Para reconectar, abra o link abaixo e, no celular do WhatsApp do negócio, vá em Aparelhos conectados › Conectar um aparelho e escaneie o QR code — ou use o código de pareamento que a página mostra: ${link}`,
    `O link vale por ${ttlHours} h.`,
  ].join('\n\n');
}

/**
 * Re-linking without support: opening a case for a business's number that dropped tells its owner
 * once, by WhatsApp from a shared platform sender (an `owner_alert`) to their personal phone, with a
 * signed link to the re-link page. No owner phone: the fleet page shows the case, nobody is messaged.
 */
export function createRelinkAlerts(deps: RelinkDeps) {
  const store = createRelinkStore(deps.sql);
  const ledger = createLedger({ sql: deps.sql });
  const ttlHours = Math.max(1, Math.round(deps.config.relink.linkTtlMs / 3_600_000));

  /** Tells the owner (a fresh signed link each time); false without an owner phone. */
  async function alert(c: RelinkCase): Promise<boolean> {
    const log = deps.logger.child({ instance: c.instance.name, relinkId: c.id });
    if (!c.tenant.ownerPhone) {
      log.warn({ reason: c.reason }, 'number needs re-linking; the business has no owner phone to tell');
      return false;
    }
    const link = relinkUrl(
      deps.config.publicUrl,
      deps.config.secretKey,
      c.id,
      Date.now() + deps.config.relink.linkTtlMs,
    );
    const row = await ledger.owed.createOwnerAlert({
      tenantId: c.tenant.id,
      recipient: c.tenant.ownerPhone,
      text: alertText(c, link, ttlHours),
    });
    await store.markAlerted(c.id, row.id);
    await enqueueCommitted({ queues: deps.queues, logger: deps.logger }, { ...row, tenantId: c.tenant.id }, 'new');
    log.info({ reason: c.reason, notificationId: row.id }, 'number needs re-linking; owner alerted');
    return true;
  }

  async function open(instanceId: string, reason: RelinkReason): Promise<RelinkCase | null> {
    const opened = await store.open(instanceId, reason);
    if (opened) await alert(opened);
    return opened;
  }

  return {
    open,
    store,
    /**
     * The owner opened an expired link of a case still open: a new link, at most once an hour
     * (whoever holds an old link can make us message the owner, never more often than that).
     */
    async resend(c: RelinkCase): Promise<boolean> {
      if (c.resolvedAt || (c.alertedAt && Date.now() - c.alertedAt.getTime() < 3_600_000)) return false;
      return alert(c);
    },
    /**
     * For the health poll: opens cases for business numbers down longer than RELINK_ALERT_AFTER_MS
     * (a plain close, which may heal alone), and closes the cases of numbers connected again.
     */
    async sweep(): Promise<{ opened: number; resolved: number }> {
      let opened = 0;
      for (const id of await store.overdue(deps.config.relink.alertAfterMs))
        if (await open(id, 'disconnected')) opened++;
      return { opened, resolved: await store.resolveConnected() };
    },
  };
}

export type RelinkAlerts = ReturnType<typeof createRelinkAlerts>;
