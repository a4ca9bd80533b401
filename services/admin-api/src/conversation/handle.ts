import {
  cancelBooking,
  confirmAttendance,
  findBookingCode,
  manageLinkExpiry,
  manageUrl,
  signManageToken,
} from '@bora/bookings';
import type { InboundAction, Sql } from '@bora/db';
import { createLedger, numbersOfJid } from '@bora/ledger';
import type { InboundText } from './inbound.ts';
import { readIntent, type Intent } from './intents.ts';
import * as say from './replies.ts';
import { conversationStore, type OpenBooking } from './store.ts';

export interface ConversationSettings {
  secretKey: string;
  bookingPublicUrl: string;
}

/** What one inbound message did; `enqueue` and `removeJobs` are for after the commit. */
export interface InboundOutcome {
  result: 'updated' | 'unchanged' | 'unknown-instance' | 'stored';
  /** Whose messages `enqueue` and `removeJobs` are (their queue shard). */
  tenantId: string | null;
  action?: InboundAction;
  enqueue: { id: string; dueAt: Date }[];
  removeJobs: string[];
}

/** Answers to one customer: a flood of messages gets at most these many, each distinct help once a day. */
const REPLIES_PER_HOUR = 6;
const HELP_WINDOW_MINUTES = 24 * 60;

/** The customer's number as bookings hold it: the 13-digit form of a Brazilian mobile whose JID dropped the 9. */
function canonical(numbers: string[]): string | null {
  return numbers.find((n) => n.length === 13) ?? numbers[0] ?? null;
}

/**
 * One customer message, acted on in one transaction: stored once (by its key — a replayed or
 * polled message never acts twice), read for its intent, applied to the booking it names (the
 * same paths as the API: cancel through the one cancel path, confirm attendance), and answered
 * once, from the number the customer wrote to. Unknown or ambiguous text is never guessed: it
 * goes to the business's inbox, with one short help answer per day.
 */
export async function handleInbound(
  sql: Sql,
  settings: ConversationSettings,
  serverId: string,
  instanceName: string,
  message: InboundText,
): Promise<InboundOutcome> {
  return sql.begin(async (txSql) => {
    const tx = txSql as unknown as Sql;
    const store = conversationStore(tx);
    const ledger = createLedger({ sql: tx });
    const outcome: InboundOutcome = { result: 'updated', tenantId: null, enqueue: [], removeJobs: [] };
    const instance = await store.receivingInstance(serverId, instanceName);
    if (!instance) return { ...outcome, result: 'unknown-instance' };
    const numbers = numbersOfJid(message.phoneJid);
    const phone = canonical(numbers);
    const tenantId =
      instance.tenantId ?? (phone ? await store.tenantOfSharedChat(instance.instanceId, numbers) : undefined) ?? null;
    if (tenantId && phone) await store.lockConversation(tenantId, phone);
    outcome.tenantId = tenantId;
    const intent = readIntent(message.text);
    const stored = await store.store({
      tenantId,
      serverId,
      instanceId: instance.instanceId,
      keyId: message.keyId,
      phone,
      remoteJid: message.remoteJid,
      pushName: message.pushName,
      text: message.text,
      intent,
      sentAt: message.sentAt,
    });
    if (!stored.fresh && stored.action !== 'none') return { ...outcome, result: 'unchanged', action: stored.action };
    if (!tenantId || !phone) return { ...outcome, result: 'stored' };
    const tenant = (await store.tenant(tenantId))!;

    const replies = await store.repliesSince(tenantId, phone, 60);
    const reply = async (text: string, bookingId: string | null = null) => {
      if (replies >= REPLIES_PER_HOUR) return;
      outcome.enqueue.push(
        await ledger.owed.createReply({
          tenantId,
          recipient: phone,
          text,
          bookingId,
          serverId,
          instanceId: instance.instanceId,
        }),
      );
    };
    const help = async () => {
      if ((await store.repliesSince(tenantId, phone, HELP_WINDOW_MINUTES, say.HELP)) === 0) await reply(say.HELP);
    };
    const finish = async (action: InboundAction, bookingId: string | null = null) => {
      await store.setAction(stored.id, action, bookingId);
      return { ...outcome, action };
    };

    if (intent === 'stop') {
      if (await store.setOptOut(tenantId, phone, true, stored.id)) {
        outcome.removeJobs.push(...(await ledger.owed.cancelOwedForRecipient(tenantId, numbers)));
        await reply(say.stopped(tenant.name));
      }
      return finish('opted-out');
    }
    const optedOut = await store.isOptedOut(tenantId, phone);
    if (intent === 'resume' && optedOut) {
      await store.setOptOut(tenantId, phone, false, stored.id);
      await reply(say.resumed(tenant.name));
      return finish('opted-in');
    }
    if (intent === 'help') {
      await reply(say.HELP);
      return finish('help');
    }
    if (intent !== 'confirm' && intent !== 'cancel' && intent !== 'reschedule') {
      await help();
      return finish('inbox');
    }

    const open = await store.openBookings(tenantId, numbers);
    const code = findBookingCode(message.text);
    const named = code ? open.filter((b) => b.code === code) : open;
    if (named.length === 0) {
      await help();
      return finish('inbox');
    }
    if (named.length > 1) {
      if ((await store.repliesSince(tenantId, phone, 10)) === 0) {
        await reply(
          say.whichBooking(
            named.map((b) => ({ code: b.code, service: b.service, at: say.when(b.startsAt, b.timezone) })),
          ),
        );
      }
      return finish('asked-which');
    }
    const booking = named[0]!;
    return act(intent, booking);

    async function act(
      what: Exclude<Intent, 'unknown' | 'stop' | 'resume' | 'help'>,
      b: OpenBooking,
    ): Promise<InboundOutcome> {
      if (what === 'confirm') {
        if (await confirmAttendance(tx, tenantId!, b.id, code ? 'whatsapp-code' : 'whatsapp'))
          await reply(say.confirmed(b.tenantName, say.when(b.startsAt, b.timezone)), b.id);
        // The customer wrote first (the wa.me link): a confirmation waiting for them goes now, into their chat.
        const waiting = await ledger.owed.bringConfirmationForward(b.id);
        if (waiting) outcome.enqueue.push(waiting);
        return finish('confirmed', b.id);
      }
      if (what === 'cancel') {
        const cancelled = await cancelBooking(tx, {
          tenantId: tenantId!,
          bookingId: b.id,
          reason: 'Cancelado pelo cliente no WhatsApp',
          via: { serverId, instanceId: instance!.instanceId },
        });
        outcome.removeJobs.push(...cancelled.owedCancelled);
        // The cancellation message is the answer.
        if (cancelled.cancellation) outcome.enqueue.push(cancelled.cancellation);
        return finish('cancelled', b.id);
      }
      const link = manageUrl(
        settings.bookingPublicUrl,
        b.tenantSlug,
        signManageToken(settings.secretKey, b.id, manageLinkExpiry(b.endsAt)),
      );
      if ((await store.repliesSince(tenantId!, phone!, 10, say.rescheduleLink(link))) === 0)
        await reply(say.rescheduleLink(link), b.id);
      return finish('reschedule-link', b.id);
    }
  });
}
