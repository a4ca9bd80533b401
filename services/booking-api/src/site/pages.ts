import type { BookingView } from '../bookings/booking-store.ts';
import { formatDuration } from '../bookings/catalogue-booking.ts';
import type { TenantInfo } from '../tenants/tenant-cache.ts';
import { html, type SafeHtml } from '@bora/http';
import { page } from './page.ts';
import { formatWhen, safeZone } from './local-time.ts';
import { nextStepsSection } from './next-steps.ts';

/** What the customer can expect after booking: the confirmation, the reminder, who to talk to. */
function whatHappensNext(tenant: TenantInfo, booking: BookingView): SafeHtml {
  const reminders = booking.notifications.filter((n) => n.kind === 'reminder').length;
  const offsets = [...tenant.reminderOffsetsMinutes].sort((a, b) => b - a).slice(0, Math.max(reminders, 1));
  return html`<section class="what-next" aria-labelledby="what-next-title">
<h2 id="what-next-title">O que acontece agora</h2>
<ol>
<li>A confirmação chega em instantes no WhatsApp terminado em <strong>${booking.customerPhone.slice(-4)}</strong>, enviada pelo número de ${tenant.name}.</li>
${reminders > 0 ? html`<li>${reminders > 1 ? 'Lembretes chegam' : 'Um lembrete chega'} ${offsets.map(formatDuration).join(' e ')} antes do horário.</li>` : ''}
<li>Precisa mudar ou cancelar? Responda a mensagem de confirmação, ou use o link de gerenciar abaixo.</li>
</ol>
</section>`;
}

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
${
  cancelled
    ? html`<p>Este horário foi liberado.</p>`
    : html`<p><a class="calendar-link" href="/${tenant.slug}/agendamentos/${booking.id}/agendamento.ics" download="agendamento.ics">Adicionar à minha agenda (.ics)</a></p>`
}
</section>
${cancelled ? '' : whatHappensNext(tenant, booking)}
${cancelled ? '' : nextStepsSection(tenant, booking, manageHref)}
<p><a class="button-link secondary" href="/${tenant.slug}">Fazer outro agendamento</a></p>`;
  return page({ title: `${cancelled ? 'Cancelado' : 'Confirmado'} — ${tenant.name}`, main });
}

export function messagePage(title: string, message: string, link?: { href: string; label: string }): string {
  const main = html`<h1 id="titulo" tabindex="-1">${title}</h1>
<p>${message}</p>
${link ? html`<p><a class="button-link" href="${link.href}">${link.label}</a></p>` : ''}`;
  return page({ title, main });
}

export function notFoundPage(): string {
  return messagePage(
    'Página não encontrada',
    'Não encontramos este endereço. Confira o link que você recebeu do estabelecimento.',
  );
}
