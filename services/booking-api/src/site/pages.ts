import type { BookingView } from '../bookings/booking-store.ts';
import type { TenantInfo } from '../tenants/tenant-cache.ts';
import { html, page } from './html.ts';
import { formatWhen, safeZone } from './local-time.ts';

/** After a booking (or when its link is opened again): what, when, and where the WhatsApp goes. */
export function confirmationPage(tenant: TenantInfo, booking: BookingView): string {
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
<p><a class="button-link" href="/${tenant.slug}">Fazer outro agendamento</a></p>`;
  return page({ title: `${cancelled ? 'Cancelado' : 'Confirmado'} — ${tenant.name}`, main });
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
