import { bookingCode, waMeLink } from '@bora/bookings';
import type { BookingView } from '../bookings/booking-store.ts';
import type { TenantInfo } from '../tenants/tenant-cache.ts';
import { html, page } from './html.ts';
import { formatWhen, safeZone } from './local-time.ts';

/** After a booking (or when its link is opened again): what, when, and where the WhatsApp goes. */
export function confirmationPage(tenant: TenantInfo, booking: BookingView, manageHref?: string): string {
  const cancelled = booking.status === 'cancelled';
  const zone = safeZone(tenant.timezone);
  const main = html`<header class="brand"><p class="eyebrow">${tenant.name}</p>
<h1 id="titulo" tabindex="-1">${cancelled ? 'Agendamento cancelado' : 'Agendamento confirmado!'}</h1></header>
<section class="confirmation${cancelled ? ' is-cancelled' : ''}" aria-labelledby="titulo">
<dl>
<dt>Serviço</dt><dd>${booking.service}</dd>
<dt>Quando</dt><dd>${formatWhen(new Date(booking.startsAt), zone)}</dd>
${booking.professional ? html`<dt>Profissional</dt><dd>${booking.professional}</dd>` : ''}
<dt>Nome</dt><dd>${booking.customerName}</dd>
</dl>
<p>${
    cancelled
      ? 'Este horário foi liberado.'
      : html`Você vai receber a confirmação no WhatsApp terminado em <strong>${booking.customerPhone.slice(-4)}</strong>.`
  }</p>
</section>
${cancelled ? '' : nextSteps(tenant, booking, manageHref)}
<p><a class="button-link${cancelled ? '' : ' secondary'}" href="/${tenant.slug}">Fazer outro agendamento</a></p>`;
  return page({ title: `${cancelled ? 'Cancelado' : 'Confirmado'} — ${tenant.name}`, main });
}

/**
 * What the customer can do next: write to the business first (the wa.me link opens their chat
 * with the booking's code typed, which confirms it and opens the conversation our messages go
 * into), manage the booking, and how to stop the messages.
 */
function nextSteps(tenant: TenantInfo, booking: BookingView, manageHref: string | undefined) {
  const code = bookingCode(booking.id);
  return html`<section class="next-steps" aria-labelledby="proximos">
<h2 id="proximos">Próximos passos</h2>
${tenant.whatsappPhone ? html`<p><a class="button-link whatsapp" href="${waMeLink(tenant.whatsappPhone, code)}" rel="noopener">Confirmar pelo WhatsApp</a></p>
<p class="hint">Abre uma conversa com ${tenant.name} com a mensagem pronta (código <strong>${code}</strong>). É só enviar.</p>` : html`<p class="hint">Código do agendamento: <strong>${code}</strong>.</p>`}
<p class="hint">Pelo WhatsApp, responda <strong>1</strong> para confirmar presença, <strong>2</strong> para cancelar ou <strong>3</strong> para remarcar.
Para não receber mais mensagens de ${tenant.name}, responda <strong>SAIR</strong> (e <strong>VOLTAR</strong> para receber de novo).</p>
${manageHref ? html`<p><a href="${manageHref}">Gerenciar este agendamento (remarcar ou cancelar)</a></p>` : ''}
</section>`;
}

export function messagePage(title: string, message: string, link?: { href: string; label: string }): string {
  const main = html`<h1 id="titulo" tabindex="-1">${title}</h1>
<p>${message}</p>
${link ? html`<p><a class="button-link" href="${link.href}">${link.label}</a></p>` : ''}`;
  return page({ title, main });
}

export function notFoundPage(): string {
  return messagePage('Página não encontrada', 'Não encontramos este endereço. Confira o link que você recebeu do estabelecimento.');
}
