import { AppError } from '@bora/core';
import type { BookingRules, PhoneHistory } from '../slots/store.ts';

/**
 * Limits on the public catalogue booking path, so nobody can make a business's number message a
 * stranger over and over: per customer phone (future bookings, bookings in the last hour — read
 * from Postgres, so every replica agrees) and per tenant per minute (counted here, per replica,
 * like the per-IP rate limit: no Redis round trip, and a Redis outage cannot refuse bookings).
 */
export interface BookingLimiter {
  /**
   * Runs `work` after every earlier booking of this tenant+phone on this replica has finished, so
   * the counts it reads include them: fifty parallel requests from one phone cannot all pass the
   * check before any is written.
   */
  forPhone<T>(tenantId: string, phone: string, work: () => Promise<T>): Promise<T>;
  /**
   * Takes one of the tenant's bookings for this minute, or throws 429. Call the result once the
   * insert is over: a booking that was written keeps its place, a refused one gives it back.
   */
  enterTenant(tenantId: string, maxPerMinute: number, now: number): (written: boolean) => void;
}

export interface LimitDetails {
  retryAfterSeconds: number;
}

export function limitError(code: string, message: string, status: 409 | 429, retryAfterSeconds?: number): AppError {
  return new AppError(code, message, {
    statusCode: status,
    details: retryAfterSeconds === undefined ? undefined : { retryAfterSeconds },
  });
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The per-phone limits, from the phone's history as the booking's context query read it. */
export function checkPhone(history: PhoneHistory | undefined, rules: BookingRules, now: number): void {
  if (!history) return;
  if (history.future >= rules.maxFutureBookingsPerPhone) {
    throw limitError(
      'PHONE_FUTURE_LIMIT',
      `Este WhatsApp já tem ${plural(history.future, 'agendamento marcado', 'agendamentos marcados')} neste estabelecimento (o máximo é ${rules.maxFutureBookingsPerPhone}). Cancele um deles ou fale com o estabelecimento para marcar outro.`,
      409,
    );
  }
  if (history.lastHour >= rules.maxBookingsPerPhonePerHour) {
    const oldest = history.oldestInHourMs ?? now;
    const retryAfterSeconds = Math.max(1, Math.ceil((oldest + 3_600_000 - now) / 1000));
    throw limitError(
      'PHONE_HOURLY_LIMIT',
      `Muitos agendamentos para este WhatsApp na última hora (o máximo é ${rules.maxBookingsPerPhonePerHour}). Tente de novo em ${Math.ceil(retryAfterSeconds / 60)} min.`,
      429,
      retryAfterSeconds,
    );
  }
}

interface MinuteCount {
  minute: number;
  written: number;
  inFlight: number;
}

export function createBookingLimiter(options: { maxTenants?: number } = {}): BookingLimiter {
  const chains = new Map<string, Promise<unknown>>();
  const minutes = new Map<string, MinuteCount>();
  const maxTenants = options.maxTenants ?? 10_000;

  return {
    async forPhone(tenantId, phone, work) {
      const key = `${tenantId}:${phone}`;
      const previous = chains.get(key) ?? Promise.resolve();
      const run = previous.then(work, work);
      const settled = run.then(
        () => undefined,
        () => undefined,
      );
      chains.set(key, settled);
      // The last one out removes the key, so the map holds only phones with a booking in flight.
      void settled.then(() => {
        if (chains.get(key) === settled) chains.delete(key);
      });
      return run;
    },
    enterTenant(tenantId, maxPerMinute, now) {
      const minute = Math.floor(now / 60_000);
      let count = minutes.get(tenantId);
      if (!count || count.minute !== minute) {
        // A new minute starts from zero; bookings still in flight from the last one count there.
        if (!count && minutes.size >= maxTenants) {
          for (const [id, c] of minutes) if (c.minute !== minute) minutes.delete(id);
        }
        count = { minute, written: 0, inFlight: 0 };
        minutes.set(tenantId, count);
      }
      if (count.written + count.inFlight >= maxPerMinute) {
        const retryAfterSeconds = Math.max(1, 60 - Math.floor((now % 60_000) / 1000));
        throw limitError(
          'TENANT_MINUTE_LIMIT',
          'Este estabelecimento recebeu muitos agendamentos no último minuto. Tente de novo em instantes.',
          429,
          retryAfterSeconds,
        );
      }
      const entry = count;
      entry.inFlight++;
      let done = false;
      return (written) => {
        if (done) return;
        done = true;
        entry.inFlight--;
        if (written) entry.written++;
      };
    },
  };
}

/** A limit refusal carries its wait in `details`; HTTP says it in `Retry-After` too. */
export function retryAfterOf(error: unknown): number | undefined {
  const details = (error as { details?: unknown } | null)?.details as Partial<LimitDetails> | undefined;
  return typeof details?.retryAfterSeconds === 'number' ? details.retryAfterSeconds : undefined;
}
