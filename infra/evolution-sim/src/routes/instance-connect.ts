// connect and restart, as Evolution's InstanceController answers them (200 even on failure).
import { CONNECT_FAILURE } from '../errors.ts';
import { qrView, startSession } from '../session.ts';
import type { InstanceRecord } from '../store.ts';
import type { ResolvedInstance, SimContext } from './guard.ts';
import { stateView } from './instance-views.ts';

const wait = (ms: number) =>
  ms > 0 ? new Promise<void>((resolve) => setTimeout(resolve, ms).unref()) : Promise.resolve();

/**
 * connectToWhatsapp: open → the state; connecting → the current QR object as is (a `number` is
 * ignored then); close → a new socket, a fixed wait, then whatever QR object exists by then —
 * `{"count":0}` when none came yet, or when a paired session is only reconnecting.
 */
export async function connect(ctx: SimContext, { instance, hosted }: ResolvedInstance, number?: string) {
  // Not hosted here, the controller reads state of undefined and answers its swallowed error.
  if (!hosted || instance.faults.connectError) return CONNECT_FAILURE;
  if (instance.state === 'open') return stateView(instance);
  if (instance.state === 'connecting') return qrView(instance);
  startSession(ctx, instance, number || undefined);
  await wait(ctx.store.timing.connectWaitMs);
  return qrView(instance);
}

/**
 * restartInstance: close → the swallowed "not connected" error; otherwise the socket is ended and
 * connectToWhatsapp answers at once (still `open`: the close has not been processed yet, or the
 * stored QR object), then the new socket reconnects in the background.
 */
export function restart(ctx: SimContext, { instance, hosted }: ResolvedInstance) {
  if (!hosted || instance.faults.connectError || instance.state === 'close') return CONNECT_FAILURE;
  const answer = instance.state === 'open' ? stateView(instance) : qrView(instance);
  startSession(ctx, instance, instance.phoneNumber);
  return answer;
}

/** v1 servers keep the simulator's older, simpler restart: the state, or the QR while pairing. */
export function restartV1(instance: InstanceRecord) {
  if (instance.faults.connectError || instance.state === 'close') return CONNECT_FAILURE;
  if (instance.state === 'open') return stateView(instance);
  return qrView(instance);
}
