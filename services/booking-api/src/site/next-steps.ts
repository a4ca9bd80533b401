import { bookingCode, waMeLink } from '@bora/bookings';
import type { BookingView } from '../bookings/booking-store.ts';
import type { TenantInfo } from '../tenants/tenant-cache.ts';
import { html, type SafeHtml } from '@bora/http';

/**
 * What the customer can do next: write to the business first (the wa.me link opens their chat
 * with the booking's code typed, which confirms it and opens the conversation our messages go
 * into), manage the booking, and how to stop the messages.
 */
export function nextStepsSection(tenant: TenantInfo, booking: BookingView, manageHref: string | undefined): SafeHtml {
  const code = bookingCode(booking.id);
  return html`<section class="next-steps" aria-labelledby="proximos">
<h2 id="proximos">Próximos passos</h2>
${
  tenant.whatsappPhone
    ? html`<p><a class="button-link whatsapp" href="${waMeLink(tenant.whatsappPhone, code)}" rel="noopener">Confirmar pelo WhatsApp</a></p>
<p class="hint">Abre uma conversa com ${tenant.name} com a mensagem pronta (código <strong>${code}</strong>). É só enviar.</p>`
    : html`<p class="hint">Código do agendamento: <strong>${code}</strong>.</p>`
}
<p class="hint">Pelo WhatsApp, responda <strong>1</strong> para confirmar presença, <strong>2</strong> para cancelar ou <strong>3</strong> para remarcar.
Para não receber mais mensagens de ${tenant.name}, responda <strong>SAIR</strong> (e <strong>VOLTAR</strong> para receber de novo).</p>
${manageHref ? html`<p><a href="${manageHref}">Gerenciar este agendamento (remarcar ou cancelar)</a></p>` : ''}
</section>`;
}
