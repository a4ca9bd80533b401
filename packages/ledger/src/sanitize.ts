/**
 * What a server hands us is stored only once it is storable: Postgres refuses a NUL byte in text,
 * and one refused field must never cost the record of a send (a send whose record fails is sent
 * again). Pure functions, so every odd input is a unit test.
 */

// eslint-disable-next-line no-control-regex -- stripping control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/** Free text for operators (error messages): control characters removed, bounded. */
export function storableText(value: string | null | undefined, max = 500): string | null {
  if (value === null || value === undefined) return null;
  const clean = value.replace(CONTROL, '').slice(0, max);
  return clean === '' ? null : clean;
}

// Evolution's key ids are 3EB0-prefixed hex; other gateways use other printable ids. Nothing
// else is trusted as a correlation key.
const KEY_ID = /^[\x21-\x7e]{1,128}$/;
const JID = /^[\x21-\x7e]{1,256}$/;

export interface SentFields {
  keyId: string | null;
  remoteJid: string | null;
  /** Why a field was dropped, for the operator (null when everything was kept). */
  note: string | null;
}

/** The correlation fields of a 2xx answer, each kept only if it is a plausible id. */
export function sentFields(keyId: string | null | undefined, remoteJid: string | null | undefined): SentFields {
  const notes: string[] = [];
  let key: string | null = keyId ?? null;
  let jid: string | null = remoteJid ?? null;
  if (key === null) notes.push('NO_KEY_ID');
  else if (!KEY_ID.test(key)) {
    key = null;
    notes.push('KEY_ID_UNUSABLE');
  }
  if (jid !== null && !JID.test(jid)) {
    jid = null;
    notes.push('REMOTE_JID_UNUSABLE');
  }
  return { keyId: key, remoteJid: jid, note: notes.length > 0 ? notes.join(',') : null };
}
