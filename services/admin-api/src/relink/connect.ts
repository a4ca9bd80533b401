import type { AdminApiConfig } from '@bora/config';
import { type DbHandle, evolutionApis, notifyFleetChanged } from '@bora/db';
import { eq } from 'drizzle-orm';
import type { Logger } from '@bora/logger';
import { errorFields, withServerClient } from '../evolution-apis/server-client.ts';
import { createRelinkStore, type RelinkCase } from './store.ts';

/** A QR younger than this is still on screen (Evolution rotates them every ~45 s). */
export const QR_FRESH_MS = 60_000;

export type RelinkState = 'connected' | 'qr' | 'waiting' | 'expired';

export function stateOf(c: RelinkCase, now = Date.now()): RelinkState {
  if (c.resolvedAt || c.instance.status === 'connected') return 'connected';
  if (c.qr.base64 && c.qr.updatedAt && now - c.qr.updatedAt.getTime() < QR_FRESH_MS) return 'qr';
  return c.qr.updatedAt ? 'expired' : 'waiting';
}

/**
 * Talks to the number's Evolution server for the re-link page: starts a QR series with a pairing
 * code for the number (`GET /instance/connect/{i}?number=`) unless a fresh QR is already showing.
 * Later codes arrive by `qrcode.updated`. (A series someone started without the number — the fleet
 * page's QR button — has no pairing code; Evolution ignores `number` until it ends.) An instance
 * that turns out open is recorded connected.
 */
export function createRelinkConnector(deps: {
  db: DbHandle;
  config: Pick<AdminApiConfig, 'secretKey' | 'evolutionTimeoutMs'>;
  logger: Logger;
}) {
  const store = createRelinkStore(deps.db.sql);

  async function connect(c: RelinkCase): Promise<RelinkCase> {
    const [server] = await deps.db.db.select().from(evolutionApis).where(eq(evolutionApis.id, c.instance.serverId));
    if (!server) return c;
    try {
      const result = await withServerClient(deps.config, server, (client) =>
        client.connect(c.instance.name, { number: c.instance.phoneNumber }),
      );
      if (result.kind === 'qr' && (result.base64 || result.code)) {
        await store.setQr(server.id, c.instance.name, {
          base64: result.base64 ?? undefined,
          code: result.code ?? undefined,
          pairingCode: result.pairingCode ?? undefined,
        });
      } else if (result.kind === 'state' && result.state === 'open') {
        await deps.db
          .sql`update whatsapp_instances set status = 'connected', status_changed_at = now(), updated_at = now() where id = ${c.instanceId} and status <> 'connected'`;
        await notifyFleetChanged(deps.db.sql);
        await store.resolve(c.instanceId);
      }
    } catch (error) {
      deps.logger.warn(
        { ...errorFields(error), instance: c.instance.name },
        're-link connect failed; the page will ask again',
      );
    }
    return (await store.find(c.id)) ?? c;
  }

  return {
    /** The page was opened (or asked for a new QR): make sure a QR is on its way. */
    async ensureQr(c: RelinkCase): Promise<RelinkCase> {
      const state = stateOf(c);
      if (state === 'connected' || state === 'qr') return c;
      return connect(c);
    },
  };
}
