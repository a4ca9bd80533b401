/** What the platform answers a customer, in the business's voice (pt-BR). One function per answer. */
const formatters = new Map<string, Intl.DateTimeFormat>();

export function when(startsAt: Date, timezone: string): string {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('pt-BR', {
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZone: timezone,
    });
    formatters.set(timezone, f);
  }
  return f.format(startsAt);
}

export const HELP =
  'Para responder sobre o seu agendamento, envie: 1 para confirmar presença, 2 para cancelar, 3 para remarcar. ' +
  'Para não receber mais mensagens, envie SAIR. Outras dúvidas ficam para a equipe responder por aqui.';

export const confirmed = (business: string, at: string) => `Presença confirmada! ${business} te espera ${at}. Até lá!`;

export const rescheduleLink = (link: string) => `Para remarcar, escolha um novo horário por este link: ${link}`;

export const stopped = (business: string) =>
  `Pronto: você não vai mais receber mensagens de ${business} por aqui. Se mudar de ideia, envie VOLTAR.`;

export const resumed = (business: string) =>
  `Combinado: você voltará a receber as mensagens de ${business} sobre os seus agendamentos.`;

export function whichBooking(bookings: { code: string; service: string; at: string }[]): string {
  const lines = bookings.map((b) => `• ${b.code}: ${b.service}, ${b.at}`).join('\n');
  return `Você tem mais de um agendamento:\n${lines}\nResponda com o número da opção e o código, por exemplo: 2 ${bookings[0]?.code ?? ''}`;
}
