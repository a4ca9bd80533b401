import type { AdminApiConfig } from '@bora/config';
import { contactHistory, type Sql } from '@bora/db';
import { createLedger } from '@bora/ledger';
import type { Logger } from '@bora/logger';
import { requeueNotification, type NotificationQueues } from '@bora/queue';
import type { StatusChange, WebhookEffects } from '../webhooks/events.ts';
import { createRelinkAlerts } from '../relink/alert.ts';
import { createNumberSafetyStore } from './store.ts';

export interface EffectsDeps {
  sql: Sql;
  config: Pick<AdminApiConfig, 'secretKey' | 'publicUrl' | 'relink' | 'reachoutLockMs'>;
  queues: NotificationQueues;
  logger: Logger;
}

const EVENT_OF = {
  'logged-out': 'logged-out',
  'session-ended': 'session-refused',
  'qr-expired': 'disconnected',
  connection: 'disconnected',
} as const;
const RELINK_OF = {
  'logged-out': 'logged-out',
  'session-ended': 'logged-out',
  'qr-expired': 'qr-expired',
  connection: 'disconnected',
} as const;

/**
 * What Evolution's webhooks mean for number safety and re-linking:
 * - a number going down is an event for its health; a logout, an ended session or an expired QR
 *   opens a re-link case at once (a plain close only after RELINK_ALERT_AFTER_MS, by the poll);
 *   connected again closes it;
 * - an ERROR receipt puts the message back in line; for a first contact it is WhatsApp's reach-out
 *   lock (463: Evolution drops the code, a first contact's ERROR is what it looks like), so first
 *   contacts from that number pause while its warm chats go on;
 * - a new QR code is kept for the re-link page.
 */
export function createWebhookEffects(deps: EffectsDeps): WebhookEffects {
  const store = createNumberSafetyStore(deps.sql);
  const relink = createRelinkAlerts(deps);
  const ledger = createLedger({ sql: deps.sql });

  return {
    async statusChanged(change: StatusChange) {
      if (change.status === 'connected') {
        await relink.store.resolve(change.instanceId);
        return;
      }
      if (change.status !== 'disconnected') return;
      await store.recordEvent(change.instanceId, EVENT_OF[change.cause], change.code);
      if (change.cause !== 'connection' || deps.config.relink.alertAfterMs === 0)
        await relink.open(change.instanceId, RELINK_OF[change.cause]);
    },

    async refused(serverId, keyId) {
      const refusal = await ledger.receipts.applyRefusal(serverId, keyId);
      if (!refusal) return 'unmatched';
      const log = deps.logger.child({ notificationId: refusal.id });
      if (refusal.instanceId) {
        const talked = await contactHistory(deps.sql, [refusal.recipient]);
        if (talked.has(refusal.instanceId)) {
          await store.recordEvent(refusal.instanceId, 'send-refused');
          log.warn('WhatsApp refused a message in a warm chat; sending it again');
        } else {
          await store.recordEvent(refusal.instanceId, 'reachout-refused', 463);
          const lock = await store.lockReachout(refusal.instanceId, deps.config.reachoutLockMs);
          log.warn(
            { lockedUntil: lock?.until.toISOString(), locks: lock?.locks },
            'WhatsApp refused a first contact (reach-out lock): first contacts from this number paused; sending it again',
          );
        }
      }
      await requeueNotification(deps.queues, refusal);
      return 'updated';
    },

    async qrUpdated(serverId, instanceName, qr) {
      return (await relink.store.setQr(serverId, instanceName, qr)) ? 'updated' : 'ignored';
    },
  };
}
