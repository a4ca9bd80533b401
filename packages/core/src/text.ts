/**
 * C0 and C1 control characters and DEL: nothing a person types into a one-line field. Postgres
 * refuses NUL in text, URL parsers silently drop tab/CR/LF (so `/\t/evil.example` is
 * `//evil.example` to a browser), and CR/LF cannot go into an HTTP header.
 */
function isControl(code: number): boolean {
  return code <= 0x1f || (code >= 0x7f && code <= 0x9f);
}

export function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (isControl(text.charCodeAt(i))) return true;
  return false;
}

export function withoutControlCharacters(text: string): string {
  let kept = '';
  for (const ch of text) if (!isControl(ch.charCodeAt(0))) kept += ch;
  return kept;
}
