import { randomInt } from 'node:crypto';
import { sleep } from '@bora/core';

export interface BookingRequestSpec {
  /** Unique in the run: names the customer, so the confirmation text identifies the booking. */
  tag: string;
  phone: string;
  body: Record<string, unknown>;
}

export interface BookingResult {
  tag: string;
  phone: string;
  status: number;
  /** When the request was sent (epoch ms) and how long its answer took. */
  startedAt: number;
  ms: number;
  /** 201: the booking; otherwise the error body (or undefined when no answer came). */
  body:
    | { id?: string; notifications?: { id: string; kind: string }[]; error?: { code: string; message: string } }
    | undefined;
  /** The request got no answer before the client deadline (a hang). */
  hung: boolean;
}

// A random 6-digit block per run keeps numbers unique across scenarios, so the log audit can
// search for each one verbatim.
const RUN_BLOCK = randomInt(100_000, 999_999);
let sequence = 0;

/** A valid São Paulo mobile number nobody else in this run uses. */
export function uniquePhone(): string {
  sequence += 1;
  return `55119${String(RUN_BLOCK).slice(0, 4)}${String(sequence).padStart(4, '0')}`;
}

/** A booking three days or more ahead (its reminder stays far in the future), one professional each. */
export function bookingRequest(scenario: string, index: number): BookingRequestSpec {
  const tag = `${scenario}-${String(index).padStart(4, '0')}`;
  const phone = uniquePhone();
  const startsAt = new Date(Date.now() + 3 * 86_400_000 + index * 30 * 60_000);
  startsAt.setUTCSeconds(0, 0);
  return {
    tag,
    phone,
    body: {
      customerName: `Cliente ${tag}`,
      customerPhone: phone,
      service: 'Corte',
      professional: `Prof ${tag}`,
      startsAt: startsAt.toISOString(),
    },
  };
}

export async function postBooking(
  bookingUrl: string,
  slug: string,
  spec: BookingRequestSpec,
  timeoutMs = 10_000,
): Promise<BookingResult> {
  const started = performance.now();
  const startedAt = Date.now();
  try {
    const res = await fetch(`${bookingUrl}/v1/tenants/${slug}/bookings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(spec.body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await res.json().catch(() => undefined)) as BookingResult['body'];
    return {
      tag: spec.tag,
      phone: spec.phone,
      status: res.status,
      startedAt,
      ms: performance.now() - started,
      body,
      hung: false,
    };
  } catch (error) {
    const hung = (error as Error).name === 'TimeoutError';
    return {
      tag: spec.tag,
      phone: spec.phone,
      status: 0,
      startedAt,
      ms: performance.now() - started,
      body: undefined,
      hung,
    };
  }
}

/** Sends `count` bookings with at most `parallel` in flight; each result in request order. */
export async function burst(
  bookingUrl: string,
  slug: string,
  specs: BookingRequestSpec[],
  parallel: number,
  timeoutMs?: number,
): Promise<BookingResult[]> {
  const results: BookingResult[] = new Array(specs.length);
  let next = 0;
  const lane = async () => {
    while (next < specs.length) {
      const i = next++;
      results[i] = await postBooking(bookingUrl, slug, specs[i]!, timeoutMs);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, specs.length) }, lane));
  return results;
}

export { sleep };
