export interface RenderInput {
  template: string;
  tenantName: string;
  timezone: string;
  customerName: string;
  service: string;
  professional: string;
  startsAt: Date;
  /** The signed link to manage the booking, and its short code. */
  link?: string;
  code?: string;
}

const formatters = new Map<string, { date: Intl.DateTimeFormat; time: Intl.DateTimeFormat }>();

function formattersFor(timezone: string) {
  let entry = formatters.get(timezone);
  if (!entry) {
    entry = {
      date: new Intl.DateTimeFormat('pt-BR', { weekday: 'long', day: 'numeric', month: 'long', timeZone: timezone }),
      time: new Intl.DateTimeFormat('pt-BR', {
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
        timeZone: timezone,
      }),
    };
    formatters.set(timezone, entry);
  }
  return entry;
}

/** "terça-feira, 2 de dezembro" and "14:30", in the tenant's time zone. */
export function formatAppointment(startsAt: Date, timezone: string): { date: string; time: string } {
  const { date, time } = formattersFor(timezone);
  return { date: date.format(startsAt), time: time.format(startsAt) };
}

// What customers type (their name; on a tenant without a catalogue also the service and the
// professional) reaches a message sent from the business's own number. Anything WhatsApp could
// turn into a tap — a URL, a bare domain (pix-regularize.com, bit.ly/x, with fullwidth or
// ideographic dots too), an e-mail, a phone number — is replaced, so nobody can make a business
// send "seu PIX foi bloqueado, regularize em https://…" to a stranger by typing it as a name.
const DOT = String.raw`[.\u3002\uFF0E\uFF61]`;
const URL_LIKE = new RegExp(
  [
    String.raw`[a-z][a-z0-9+.-]*:\/\/\S*`, // scheme://…
    String.raw`www${DOT}\S*`,
    String.raw`[\p{L}\p{N}_%+-]+@[\p{L}\p{N}-]+(?:${DOT}[\p{L}\p{N}-]+)+`, // e-mail
    String.raw`(?:[\p{L}\p{N}_-]+${DOT})+\p{L}{2,}(?:[\/?#:]\S*)?`, // domain.tld[/path]
  ].join('|'),
  'giu',
);
// Eight or more digits, possibly split by spaces, dots, dashes, slashes or parentheses, with an
// optional +: a phone number in any of the ways people write one (Unicode digits included).
const PHONE_LIKE = /\+?\(?\p{Nd}(?:[\s()./-]*\p{Nd}){7,}/gu;

/** Customer text with its links and phone numbers taken out (the rest kept as typed). */
export function neutralise(text: string): string {
  return text.replace(URL_LIKE, '[link removido]').replace(PHONE_LIKE, '[número removido]');
}

/**
 * Fills a tenant template. Placeholders are Portuguese because tenants write the templates:
 * {cliente} {servico} {negocio} {data} {hora} {profissional} {link} {codigo}. Unknown placeholders stay as typed,
 * so a typo is visible in the message instead of silently vanishing.
 */
export function renderTemplate(input: RenderInput): string {
  const { date, time } = formatAppointment(input.startsAt, input.timezone);
  const values: Record<string, string> = {
    // Booking fields may be customer text (see neutralise); the template and business name are the tenant's own.
    cliente: neutralise(input.customerName),
    servico: neutralise(input.service),
    negocio: input.tenantName,
    data: date,
    hora: time,
    profissional: neutralise(input.professional),
    link: input.link ?? '',
    codigo: input.code ?? '',
  };
  return input.template.replace(/\{(\w+)\}/g, (match, key: string) => values[key] ?? match);
}

/** The text a claimed notification sends: its own (manual, reply), or its tenant's template filled in. */
export function renderFor(
  n: {
    kind: string;
    text: string | null;
    tenantName: string;
    timezone: string;
    templates: Record<'confirmation' | 'reminder' | 'cancellation', string>;
    booking: { customerName: string; service: string; professional: string; startsAt: Date; code: string } | null;
  },
  link?: string,
): string | null {
  if (n.text) return n.text;
  if (!n.booking || (n.kind !== 'confirmation' && n.kind !== 'reminder' && n.kind !== 'cancellation')) return null;
  return renderTemplate({
    template: n.templates[n.kind],
    tenantName: n.tenantName,
    timezone: n.timezone,
    customerName: n.booking.customerName,
    service: n.booking.service,
    professional: n.booking.professional,
    startsAt: n.booking.startsAt,
    link,
    code: n.booking.code,
  }).trim();
}
