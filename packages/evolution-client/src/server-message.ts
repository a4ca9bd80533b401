/** What the server said, read out of `{status, error, response:{message}}` whatever its shape. */
export interface ServerMessage {
  /** Every string found, in order (strings, arrays of strings, arrays of arrays). */
  texts: string[];
  /** Numbers the server reported with `exists:false` (digits, as the server echoed them). */
  missingNumbers: string[];
  /**
   * Whether `response.message` was one bare string or a flat list of strings (`"x"`, `["x"]`) —
   * the shape of Evolution's catch-all `String(error)` — rather than validation's arrays of
   * arrays or a list of objects.
   */
  flat: boolean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function walk(value: unknown, into: ServerMessage, depth: number): void {
  // Real bodies nest at most two levels; the cap keeps a hostile body from recursing forever.
  if (depth > 4) return;
  if (typeof value === 'string') {
    into.texts.push(value);
  } else if (Array.isArray(value)) {
    for (const item of value) walk(item, into, depth + 1);
  } else if (isRecord(value)) {
    if (value.exists === false) {
      const number = typeof value.number === 'string' ? value.number : String(value.jid ?? '').split('@')[0];
      into.missingNumbers.push(number ?? '');
    } else if (typeof value.message === 'string') {
      into.texts.push(value.message);
    }
  }
}

const isFlat = (value: unknown) =>
  typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string'));

export function readServerMessage(body: unknown): ServerMessage {
  const found: ServerMessage = { texts: [], missingNumbers: [], flat: false };
  if (!isRecord(body)) {
    walk(body, found, 0);
    found.flat = isFlat(body);
    return found;
  }
  const message =
    isRecord(body.response) && 'message' in body.response
      ? body.response.message
      : 'message' in body
        ? body.message
        : undefined;
  walk(message, found, 0);
  found.flat = message !== undefined && isFlat(message);
  return found;
}

/** `5511987654321` → `5511…4321`: enough for an operator to recognise, not enough to leak. */
export function shortNumber(digits: string): string {
  return digits.length <= 8 ? `…${digits.slice(-4)}` : `${digits.slice(0, 4)}…${digits.slice(-4)}`;
}

/** Masks any run of 8+ digits (phone numbers, JIDs) inside free server text. */
export function maskDigits(text: string): string {
  return text.replace(/\d{8,}/g, (run) => shortNumber(run));
}

/** The server's text as one short, masked line, or undefined when it said nothing. */
export function summarize(message: ServerMessage, max = 300): string | undefined {
  const joined = message.texts.join('; ').trim();
  if (joined === '') return undefined;
  const masked = maskDigits(joined);
  return masked.length > max ? `${masked.slice(0, max - 1)}…` : masked;
}
