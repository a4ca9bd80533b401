import { maskPhone, waMeChat } from '@bora/bookings';
import type { TenantInfo } from '../tenants/tenant-cache.ts';
import { html, type SafeHtml } from '@bora/http';
import { page } from '../site/page.ts';
import { formatWhen, safeZone, todayIn } from '../site/local-time.ts';
import type { ManagedBooking } from './manage-store.ts';

/** What the page says after a form posted back to it (`?feito=`). */
export const DONE_NOTES = {
  confirmado: 'Presença confirmada. Obrigado por avisar!',
  cancelado: 'Agendamento cancelado. O horário foi liberado.',
  remarcado: 'Agendamento remarcado. Você vai receber a nova confirmação no WhatsApp.',
} as const;
export type DoneNote = keyof typeof DONE_NOTES;

export interface ManageState {
  done?: DoneNote;
  /** The reschedule form's problem, shown next to it (with what the person typed). */
  rescheduleError?: string;
  values?: { date?: string; time?: string };
}

function stopHint(tenant: TenantInfo): SafeHtml {
  return html`<p class="hint">Não quer mais receber mensagens de ${tenant.name}? Responda <strong>SAIR</strong> no WhatsApp a qualquer momento; para voltar a receber, envie <strong>VOLTAR</strong>.</p>`;
}

/**
 * The page a message's signed link opens: the booking, and plain forms to confirm attendance,
 * move it or cancel it — each a POST that comes back here (no JavaScript needed).
 */
export function managePage(
  tenant: TenantInfo,
  booking: ManagedBooking,
  action: string,
  state: ManageState = {},
): string {
  const zone = safeZone(tenant.timezone);
  const open = booking.status === 'confirmed' && booking.startsAt.getTime() > Date.now();
  const cancelled = booking.status === 'cancelled';
  const title = cancelled ? 'Agendamento cancelado' : open ? 'Seu agendamento' : 'Agendamento encerrado';
  const main = html`<header class="brand"><p class="eyebrow">${tenant.name}</p>
<h1 id="titulo" tabindex="-1">${title}</h1></header>
${state.done ? html`<p class="notice is-done" role="status">${DONE_NOTES[state.done]}</p>` : ''}
<section class="confirmation${cancelled ? ' is-cancelled' : ''}" aria-labelledby="titulo">
<dl>
<dt>Serviço</dt><dd>${booking.service}</dd>
<dt>Quando</dt><dd>${formatWhen(booking.startsAt, zone)}</dd>
${booking.professional ? html`<dt>Profissional</dt><dd>${booking.professional}</dd>` : ''}
<dt>Nome</dt><dd>${booking.customerName}</dd>
<dt>WhatsApp</dt><dd>${maskPhone(booking.customerPhone)}</dd>
<dt>Código</dt><dd>${booking.code}</dd>
${!cancelled ? html`<dt>Presença</dt><dd>${booking.attendanceConfirmedAt ? 'confirmada' : 'ainda não confirmada'}</dd>` : ''}
</dl>
</section>
${open ? openActions(tenant, booking, action, state) : ''}
${tenant.whatsappPhone ? html`<p><a class="button-link secondary" href="${waMeChat(tenant.whatsappPhone, `Olá! Sobre o agendamento ${booking.code}: `)}">Falar com ${tenant.name} no WhatsApp</a></p>` : ''}
${stopHint(tenant)}
<p><a href="/${tenant.slug}">Fazer outro agendamento</a></p>`;
  return page({ title: `${title} — ${tenant.name}`, main });
}

function openActions(tenant: TenantInfo, booking: ManagedBooking, action: string, state: ManageState): SafeHtml {
  const zone = safeZone(tenant.timezone);
  const error = state.rescheduleError;
  return html`${
    booking.attendanceConfirmedAt
      ? ''
      : html`<form method="post" action="${action}/confirmar" class="action">
<button type="submit">Confirmar presença</button>
</form>`
  }
<section class="action" aria-labelledby="remarcar">
<h2 id="remarcar">Remarcar</h2>
<form method="post" action="${action}/remarcar" novalidate>
${error ? html`<p class="field-error" id="remarcar-error" role="alert">${error}</p>` : ''}
<div class="when">
<div class="field${error ? ' has-error' : ''}"><label for="f-date">Novo dia</label>
<input id="f-date" name="date" type="date" required min="${todayIn(zone)}" value="${state.values?.date ?? ''}"${error ? html` aria-invalid="true" aria-describedby="remarcar-error"` : ''}></div>
<div class="field${error ? ' has-error' : ''}"><label for="f-time">Novo horário</label>
<input id="f-time" name="time" type="time" required step="300" value="${state.values?.time ?? ''}"${error ? html` aria-invalid="true" aria-describedby="remarcar-error"` : ''}></div>
</div>
<button type="submit" class="secondary">Remarcar para este horário</button>
</form>
</section>
<section class="action" aria-labelledby="cancelar">
<h2 id="cancelar">Cancelar</h2>
<form method="post" action="${action}/cancelar">
<div class="field"><label for="f-reason">Motivo (opcional)</label>
<input id="f-reason" name="reason" type="text" maxlength="200"></div>
<button type="submit" class="danger">Cancelar agendamento</button>
</form>
</section>`;
}
