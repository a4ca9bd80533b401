import type { BookingView } from '../bookings/booking-store.ts';
import type { TenantInfo } from '../tenants/tenant-cache.ts';

/** RFC 5545 TEXT: backslash, semicolon, comma and newlines escaped. */
function text(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/** Lines longer than 75 octets are folded (CRLF + space), never inside a UTF-8 sequence. */
function fold(line: string): string {
  const parts: string[] = [];
  let current = '';
  let bytes = 0;
  for (const ch of line) {
    const size = Buffer.byteLength(ch);
    if (bytes + size > (parts.length === 0 ? 75 : 74)) {
      parts.push(current);
      current = '';
      bytes = 0;
    }
    current += ch;
    bytes += size;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

const utc = (iso: string) =>
  new Date(iso)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/**
 * One booking as an iCalendar file for the customer's calendar app. Times are UTC (`…Z`), which
 * every calendar shows in the phone's own zone, so no VTIMEZONE is needed; the UID is stable, so
 * downloading it again updates the same event (a cancelled booking says STATUS:CANCELLED).
 */
export function bookingIcs(tenant: TenantInfo, booking: BookingView, now: Date = new Date()): string {
  const summary = `${booking.service} — ${tenant.name}`;
  const description = [
    booking.professional ? `Com ${booking.professional}` : '',
    `Agendado por ${booking.customerName}`,
  ]
    .filter(Boolean)
    .join('\n');
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Bora Agendar//Agendamento//PT-BR',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    'BEGIN:VEVENT',
    `UID:${booking.id}@bora-agendar`,
    `DTSTAMP:${utc(now.toISOString())}`,
    `DTSTART:${utc(booking.startsAt)}`,
    `DTEND:${utc(booking.endsAt)}`,
    `SUMMARY:${text(summary)}`,
    `DESCRIPTION:${text(description)}`,
    `STATUS:${booking.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED'}`,
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return `${lines.map(fold).join('\r\n')}\r\n`;
}
