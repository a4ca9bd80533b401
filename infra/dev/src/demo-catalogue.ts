/**
 * The demo business's catalogue, so the first booking a newcomer makes on the mini-site looks
 * like a real one: three services, two professionals (Bia does not do beards), a barbershop's
 * week (Monday to Friday with a lunch break, Saturday mornings, closed on Sundays) in São Paulo
 * time. Booking rules keep their defaults (1 h notice, 60 days ahead).
 */
export const DEMO_CATALOGUE = {
  services: [
    { name: 'Corte de cabelo', durationMinutes: 30, priceCents: 4500 },
    { name: 'Barba', durationMinutes: 30, priceCents: 3500 },
    { name: 'Corte + barba', durationMinutes: 60, priceCents: 7000 },
  ],
  professionals: [
    { name: 'Zé', services: ['Corte de cabelo', 'Barba', 'Corte + barba'] },
    { name: 'Bia', services: ['Corte de cabelo', 'Corte + barba'] },
  ],
  /** ISO weekday (1 = Monday) → [start, end) in minutes after midnight. */
  weekly: [
    ...[1, 2, 3, 4, 5].flatMap((weekday) => [
      { weekday, startMinute: 9 * 60, endMinute: 12 * 60 },
      { weekday, startMinute: 13 * 60, endMinute: 19 * 60 },
    ]),
    { weekday: 6, startMinute: 9 * 60, endMinute: 14 * 60 },
  ],
};
