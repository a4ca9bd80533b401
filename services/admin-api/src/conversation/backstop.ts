import type { Sql } from '@bora/db';
import type { AdminApiDeps } from '../deps.ts';
import { withServerClient } from '../evolution-apis/server-client.ts';
import { receiveMessages } from './receive.ts';

/** An instance that sent something lately and heard nothing back for this long is checked by polling. */
export const QUIET_MS = 10 * 60_000;
/** How far back the first poll of an instance looks (and the most any poll looks back). */
const LOOKBACK_MS = 6 * 3_600_000;
/** Each window overlaps the last by this much: a message stored late is still seen (its key dedupes it). */
const OVERLAP_MS = 2 * 60_000;
const PAGE_SIZE = 50;
const MAX_PAGES = 6;
const INSTANCES_PER_ROUND = 100;

interface QuietInstance {
  id: string;
  instance_name: string;
  evolution_api_id: string;
  url: string;
  api_key_encrypted: string;
  polled_at: Date | null;
}

/** Connected numbers that sent messages in the last two days and got no inbound webhook lately. */
function quietInstances(sql: Sql): Promise<QuietInstance[]> {
  return sql<QuietInstance[]>`
    select w.id, w.instance_name, w.evolution_api_id, e.url, e.api_key_encrypted, w.inbound_polled_at as polled_at
      from whatsapp_instances w
      join evolution_apis e on e.id = w.evolution_api_id and e.is_active
     where w.status = 'connected'
       and (w.last_inbound_at is null or w.last_inbound_at < now() - ${QUIET_MS} * interval '1 millisecond')
       and (w.inbound_polled_at is null or w.inbound_polled_at < now() - ${QUIET_MS} * interval '1 millisecond')
       and exists (
         select 1 from notifications n
          where n.whatsapp_instance_id = w.id and n.sent_at > now() - interval '2 days'
       )
     order by w.inbound_polled_at nulls first
     limit ${INSTANCES_PER_ROUND}`;
}

export interface BackstopReport {
  instances: number;
  /** Customer messages the poll found that no webhook had brought. */
  recovered: number;
  failed: number;
}

/**
 * The backstop for a known Evolution failure: inbound webhooks stop while the session looks fine.
 * For each quiet instance, the server's stored messages since the last poll (`findMessages`, newest
 * first, a few pages) go through the same handling as the webhook — stored once by key, so a
 * message the webhook did bring is not acted on twice, and one it missed is acted on once.
 */
export async function pollQuietInbound(
  deps: Pick<AdminApiDeps, 'db' | 'config' | 'queues' | 'logger'>,
  now: Date = new Date(),
): Promise<BackstopReport> {
  const { sql } = deps.db;
  const report: BackstopReport = { instances: 0, recovered: 0, failed: 0 };
  for (const instance of await quietInstances(sql)) {
    report.instances++;
    const from = new Date(
      Math.max(
        now.getTime() - LOOKBACK_MS,
        (instance.polled_at ? new Date(instance.polled_at).getTime() : 0) - OVERLAP_MS,
      ),
    );
    try {
      const records = await withServerClient(
        deps.config,
        { url: instance.url, apiKeyEncrypted: instance.api_key_encrypted },
        async (client) => {
          const found: Record<string, unknown>[] = [];
          for (let page = 1; page <= MAX_PAGES; page++) {
            const messages = await client.findMessages(instance.instance_name, {
              between: { from, to: now },
              pageSize: PAGE_SIZE,
              page,
            });
            found.push(...messages.filter((m) => !m.fromMe).map((m) => m.record));
            if (messages.length < PAGE_SIZE) break;
          }
          return found;
        },
      );
      const keys = records.map((r) => String((r.key as { id?: unknown } | undefined)?.id ?? ''));
      const stored = async () =>
        (
          await sql<
            { n: number }[]
          >`select count(*)::int as n from inbound_messages where evolution_api_id = ${instance.evolution_api_id} and message_key = any(${keys}::text[])`
        )[0]!.n;
      const before = await stored();
      // Oldest first, as the customer wrote them.
      await receiveMessages(deps, instance.evolution_api_id, instance.instance_name, records.reverse(), 'poll');
      report.recovered += (await stored()) - before;
      await sql`update whatsapp_instances set inbound_polled_at = ${now.toISOString()} where id = ${instance.id}`;
    } catch (err) {
      report.failed++;
      deps.logger.warn(
        { whatsappInstanceId: instance.id, err },
        'inbound backstop poll failed; next round tries again',
      );
    }
  }
  if (report.recovered > 0)
    deps.logger.warn({ recovered: report.recovered }, 'customer messages found by polling that no webhook brought');
  return report;
}
