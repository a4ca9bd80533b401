// A Baileys socket's life as Evolution drives it: connecting, QR codes (and pairing codes) until a
// scan or the QR limit, or — for a paired session — a silent reconnect to `open`.
import { changeState } from './connection.ts';
import { after, type SimContext } from './context.ts';
import { newPairingCode, newQrCode } from './ids.ts';
import type { InstanceRecord } from './store.ts';

// Baileys' DisconnectReason.badSession, what Evolution reports when the QR limit is reached.
const BAD_SESSION = 500;

const isCurrent = (ctx: SimContext, instance: InstanceRecord, epoch: number) =>
  instance.epoch === epoch && instance.server.instances.get(instance.name) === instance && !ctx.store.closed;

/**
 * Evolution's `connectToWhatsapp(number)`: a new socket. It reports `connecting`, then either QR
 * codes (an unpaired session; with `number` each also gets a pairing code) or, when paired,
 * reconnects by itself. Nothing arrives while WhatsApp is unreachable.
 */
export function startSession(ctx: SimContext, instance: InstanceRecord, number?: string): void {
  const epoch = ++instance.epoch;
  instance.phoneNumber = number;
  if (instance.session === 'none') instance.session = 'unpaired';
  changeState(instance, 'connecting', ctx.webhooks);
  if (instance.faults.whatsappUnreachable) return;
  if (instance.session === 'paired') {
    after(ctx, ctx.store.timing.reconnectMs, () => {
      if (isCurrent(ctx, instance, epoch) && instance.state === 'connecting')
        changeState(instance, 'open', ctx.webhooks);
    });
    return;
  }
  after(ctx, ctx.store.timing.firstQrMs, () => nextQr(ctx, instance, epoch));
}

/** One `qr` event of the socket: the next code, or the limit reached and the session refused. */
function nextQr(ctx: SimContext, instance: InstanceRecord, epoch: number): void {
  if (!isCurrent(ctx, instance, epoch) || instance.state !== 'connecting') return;
  const { webhooks } = ctx;
  if (instance.qrcode.count >= ctx.store.qr.maxCodes) {
    webhooks.emit(instance, 'QRCODE_UPDATED', {
      message: 'QR code limit reached, please login again',
      statusCode: BAD_SESSION,
    });
    changeState(instance, 'refused', webhooks);
    return;
  }
  const count = ++instance.qrcode.count;
  const show = () => {
    if (!isCurrent(ctx, instance, epoch) || instance.state !== 'connecting') return;
    const qr = newQrCode(count);
    qr.pairingCode = instance.phoneNumber ? newPairingCode() : null;
    instance.qrcode = qr;
    webhooks.emit(instance, 'QRCODE_UPDATED', {
      qrcode: { instance: instance.name, pairingCode: qr.pairingCode, code: qr.code, base64: qr.base64 },
    });
    ctx.store.later(ctx.store.qr.ttlMs, () => nextQr(ctx, instance, epoch));
  };
  // Evolution waits a second before asking Baileys for the pairing code, on every code.
  if (instance.phoneNumber) after(ctx, ctx.store.timing.pairingCodeMs, show);
  else show();
}

/** `instance.qrCode` as Evolution answers it: absent fields (no QR yet) are simply missing. */
export function qrView(instance: InstanceRecord) {
  const { pairingCode, code, base64, count } = instance.qrcode;
  return { pairingCode, code, base64, count };
}
