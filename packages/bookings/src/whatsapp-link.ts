/**
 * "Confirmar pelo WhatsApp": a wa.me link that opens a chat with the business's number with a
 * message naming the booking, so the customer writes first — their message opens the chat (no
 * reach-out lock, no unanswered-message cap) and confirms their attendance.
 */
export function confirmByWhatsappText(code: string): string {
  return `Confirmo meu agendamento ${code}`;
}

/** A chat with the business's number, opened with `text` typed for the customer. */
export function waMeChat(businessPhone: string, text: string): string {
  return `https://wa.me/${businessPhone.replace(/\D/g, '')}?text=${encodeURIComponent(text)}`;
}

export function waMeLink(businessPhone: string, code: string): string {
  return waMeChat(businessPhone, confirmByWhatsappText(code));
}

/** A booking's short code: its id's first 8 hex digits, upper case (the same rule as the `bookings.code` column). */
export function bookingCode(bookingId: string): string {
  return bookingId.replace(/-/g, '').slice(0, 8).toUpperCase();
}

/** A booking code as customers may type it back ("#a1b2c3d4", "A1B2 C3D4"): the 8 hex digits, or nothing. */
export function findBookingCode(text: string): string | undefined {
  const words = text
    .toUpperCase()
    .split(/[^0-9A-Z]+/)
    .filter(Boolean);
  const candidates = [...words, ...words.slice(1).map((w, i) => words[i]! + w)];
  // A code has digits: a word like "CAFEBABE" is not taken for one.
  return candidates.find((w) => /^[0-9A-F]{8}$/.test(w) && /[0-9]/.test(w));
}

/** `5511987654321` → `5511•••••4321`: what a page shows to whoever holds a booking's id. */
export function maskPhone(digits: string): string {
  return digits.length <= 8
    ? '•'.repeat(digits.length)
    : `${digits.slice(0, 4)}${'•'.repeat(digits.length - 8)}${digits.slice(-4)}`;
}
