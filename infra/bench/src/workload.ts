const SLOT_MS = 30 * 60_000;
const SLOTS_PER_PROFESSIONAL = 8_000; // 8,000 half-hours ≈ 167 days, inside the 366-day horizon

export interface BookingBody {
  customerName: string;
  customerPhone: string;
  service: string;
  startsAt: string;
  durationMinutes: number;
  professional: string;
}

/** An ISO instant with the São Paulo offset, as a browser in Brazil would send it. */
function saoPaulo(ms: number): string {
  return `${new Date(ms - 3 * 3_600_000).toISOString().slice(0, 19)}-03:00`;
}

/**
 * Booking bodies that never overlap: each index gets its own (professional, half-hour) slot, all
 * more than a day ahead so each booking also plans its reminder, as real ones do. The phone is
 * unique per index too, so a message at the simulator names the booking it came from.
 */
export function createBookingBodies(tag: string, firstIndex = 0) {
  const base = Math.ceil((Date.now() + 2 * 86_400_000) / 3_600_000) * 3_600_000;
  let next = firstIndex;
  return (): BookingBody => {
    const i = next++;
    return {
      customerName: `Cliente ${i}`,
      customerPhone: `119${String(70_000_000 + i).padStart(8, '0')}`,
      service: 'Corte de cabelo',
      startsAt: saoPaulo(base + (i % SLOTS_PER_PROFESSIONAL) * SLOT_MS),
      durationMinutes: 30,
      professional: `${tag}-${Math.floor(i / SLOTS_PER_PROFESSIONAL)}`,
    };
  };
}

/** The E.164 digits booking-api stores (and the dispatcher sends to) for a body's phone. */
export const e164 = (body: BookingBody) => `55${body.customerPhone}`;
