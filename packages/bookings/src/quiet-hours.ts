/**
 * Quiet hours in a business's time zone (default 21:00–08:00): no reminder reaches a customer then.
 * Pure, on Intl: local minutes of the day, and how far away a local time of day is.
 */
export interface QuietHours {
  /** HH:MM local, start and end; a window past midnight when start > end. */
  start: string;
  end: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** Minutes since local midnight of `at` in `timezone`. */
export function localMinutes(at: Date, timezone: string): number {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone: timezone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timezone, f);
  }
  const parts = f.formatToParts(at);
  const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? 0);
  const minute = Number(parts.find((p) => p.type === 'minute')?.value ?? 0);
  return hour * 60 + minute;
}

/** A zone Intl does not know (a typo in a tenant row): nothing is known to be quiet there. */
function knownZone(timezone: string): boolean {
  if (formatters.has(timezone)) return true;
  try {
    localMinutes(new Date(0), timezone);
    return true;
  } catch {
    return false;
  }
}

/**
 * In a zone Intl cannot read, never quiet: the booking still stands and its messages are planned
 * at their plain offsets (rendering them fails later, with the reason, where an operator sees it).
 */
export function inQuietHours(at: Date, timezone: string, quiet: QuietHours): boolean {
  if (!knownZone(timezone)) return false;
  const now = localMinutes(at, timezone);
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === end) return false;
  return start < end ? now >= start && now < end : now >= start || now < end;
}

/** The next instant after `at` whose local time of day is `hhmm` (a DST change can move it by its own size). */
function nextLocal(at: Date, timezone: string, hhmm: string): Date {
  const delta = (minutesOf(hhmm) - localMinutes(at, timezone) + 1440) % 1440 || 1440;
  const next = new Date(Math.floor(at.getTime() / 60_000) * 60_000 + delta * 60_000);
  // Correct once for a DST change in between (the wall clock moved by an hour).
  const drift = minutesOf(hhmm) - localMinutes(next, timezone);
  return drift === 0 || Math.abs(drift) > 120 ? next : new Date(next.getTime() + drift * 60_000);
}

/** When the quiet hours `at` falls in end (undefined when `at` is not in them). */
export function quietHoursEnd(at: Date, timezone: string, quiet: QuietHours): Date | undefined {
  return inQuietHours(at, timezone, quiet) ? nextLocal(at, timezone, quiet.end) : undefined;
}

/** The last minute before the quiet hours `at` falls in began (undefined when `at` is not in them). */
export function quietHoursBegan(at: Date, timezone: string, quiet: QuietHours): Date | undefined {
  if (!inQuietHours(at, timezone, quiet)) return undefined;
  const sinceStart = (localMinutes(at, timezone) - minutesOf(quiet.start) + 1440) % 1440;
  return new Date(Math.floor(at.getTime() / 60_000) * 60_000 - (sinceStart + 1) * 60_000);
}
