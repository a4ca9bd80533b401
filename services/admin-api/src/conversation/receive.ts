import { removeNotificationJob } from '@bora/queue';
import type { AdminApiDeps } from '../deps.ts';
import { enqueueCommitted } from '../notifications/enqueue.ts';
import { handleInbound, type InboundOutcome } from './handle.ts';
import { parseInbound } from './inbound.ts';

export type ReceiveResult = 'updated' | 'unchanged' | 'ignored' | 'unknown-instance';

/**
 * `messages.upsert` from server `serverId`: each customer text is handled in its own transaction,
 * then — after the commit — our answers are queued and the jobs of what it cancelled removed
 * (best effort both: the sweeper queues a row Redis refused, the claim skips a cancelled row).
 */
export async function receiveMessages(
  deps: Pick<AdminApiDeps, 'db' | 'config' | 'queues' | 'logger'>,
  serverId: string,
  instanceName: string | undefined,
  data: unknown,
  via: 'webhook' | 'poll',
): Promise<ReceiveResult> {
  if (!instanceName) return 'unknown-instance';
  // Any messages.upsert (even our own, a group's) proves this number's webhooks flow: the backstop leaves it alone.
  if (via === 'webhook') {
    await deps.db.sql`
      update whatsapp_instances set last_inbound_at = now()
       where evolution_api_id = ${serverId} and instance_name = ${instanceName}
         and (last_inbound_at is null or last_inbound_at < now() - interval '1 minute')`;
  }
  // 2.3.x sends one message per webhook; some builds and the backstop poll hand over several.
  const items = Array.isArray(data) ? data : [data];
  const settings = { secretKey: deps.config.secretKey, bookingPublicUrl: deps.config.bookingPublicUrl };
  let result: ReceiveResult = 'ignored';
  for (const item of items) {
    const parsed = parseInbound(item);
    if (!parsed.ok) continue;
    const outcome = await handleInbound(deps.db.sql, settings, serverId, instanceName, parsed.message);
    await afterCommit(deps, outcome);
    if (outcome.result === 'unknown-instance') return 'unknown-instance';
    result =
      outcome.result === 'unchanged' && result === 'ignored'
        ? 'unchanged'
        : outcome.result === 'unchanged'
          ? result
          : 'updated';
  }
  return result;
}

async function afterCommit(deps: Pick<AdminApiDeps, 'queues' | 'logger'>, outcome: InboundOutcome): Promise<void> {
  const tenantId = outcome.tenantId;
  if (!tenantId) return;
  await Promise.all([
    ...outcome.enqueue.map((item) => enqueueCommitted(deps, { ...item, tenantId }, 'new')),
    ...outcome.removeJobs.map((id) =>
      removeNotificationJob(deps.queues, { id, tenantId }).catch((err: unknown) =>
        deps.logger.warn({ notificationId: id, err }, 'could not remove a cancelled job; its claim will skip it'),
      ),
    ),
  ]);
}
