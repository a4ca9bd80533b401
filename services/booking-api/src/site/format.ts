/** pt-BR wording of catalogue values and days on the mini-site. */
const price = new Intl.NumberFormat('pt-BR', { style: 'currency', currency: 'BRL' });
const longDay = new Intl.DateTimeFormat('pt-BR', { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long' });
const shortDay = new Intl.DateTimeFormat('pt-BR', {
  timeZone: 'UTC',
  weekday: 'short',
  day: '2-digit',
  month: '2-digit',
});

export function formatPrice(reais: number | null): string {
  return reais === null ? '' : price.format(reais);
}

/** "30 min", "1 h", "1 h 30 min". */
export function shortDuration(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/** "segunda-feira, 7 de dezembro" for a day number. */
export function formatLongDay(day: number): string {
  return longDay.format(day * 86_400_000);
}

/** "seg., 07/12", with "Hoje" / "Amanhã" for the first two days. */
export function formatShortDay(day: number, today: number): string {
  const label = shortDay.format(day * 86_400_000);
  if (day === today) return `Hoje, ${label}`;
  if (day === today + 1) return `Amanhã, ${label}`;
  return label.charAt(0).toUpperCase() + label.slice(1);
}

/** The wall time of a slot's `startsAt` (`2030-12-02T14:30:00-03:00` → `14:30`). */
export function wallTime(iso: string): string {
  return iso.slice(11, 16);
}
