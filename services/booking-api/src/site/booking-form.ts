import { randomUUID } from 'node:crypto';
import { MAX_LENGTH } from '../bookings/booking-input.ts';
import type { TenantInfo } from '../tenants/tenant-cache.ts';
import { FORM_FIELDS, type FormErrors, type FormField, type FormValues } from './form-input.ts';
import { html, type SafeHtml } from '@bora/http';
import { page } from './page.ts';
import { todayIn } from './local-time.ts';

interface FieldSpec {
  name: FormField;
  label: string;
  type: string;
  required: boolean;
  hint?: string;
  attrs?: SafeHtml;
}

const PERSON: FieldSpec[] = [
  {
    name: 'customerName',
    label: 'Seu nome',
    type: 'text',
    required: true,
    attrs: html`autocomplete="name" maxlength="${MAX_LENGTH.customerName}"`,
  },
  {
    name: 'customerPhone',
    label: 'Seu WhatsApp',
    type: 'tel',
    required: true,
    hint: 'Com DDD, ex.: (11) 98765-4321. A confirmação chega por lá.',
    attrs: html`autocomplete="tel" inputmode="tel" maxlength="${MAX_LENGTH.customerPhone}"`,
  },
  {
    name: 'service',
    label: 'Serviço',
    type: 'text',
    required: true,
    hint: 'Ex.: corte, barba, manicure.',
    attrs: html`maxlength="${MAX_LENGTH.service}"`,
  },
  {
    name: 'professional',
    label: 'Profissional (opcional)',
    type: 'text',
    required: false,
    attrs: html`maxlength="${MAX_LENGTH.professional}"`,
  },
];

/**
 * One input with its label, hint and error. The error text sits right after the input and is
 * tied to it by `aria-describedby` (with `aria-invalid`), so a screen reader announces it when
 * the field gets focus; ids are stable so the enhancing script fills the same slots.
 */
function input(spec: FieldSpec, values: FormValues, errors: FormErrors): SafeHtml {
  const error = errors[spec.name];
  const described = [spec.hint ? `${spec.name}-hint` : '', error ? `${spec.name}-error` : ''].filter(Boolean).join(' ');
  return html`<div class="field${error ? ' has-error' : ''}">
<label for="f-${spec.name}">${spec.label}</label>
${spec.hint ? html`<p class="hint" id="${spec.name}-hint">${spec.hint}</p>` : ''}
<input id="f-${spec.name}" name="${spec.name}" type="${spec.type}" value="${values[spec.name]}"${spec.required ? html` required` : ''} ${spec.attrs ?? ''}${described ? html` aria-describedby="${described}"` : ''}${error ? html` aria-invalid="true"` : ''}>
${error ? html`<p class="field-error" id="${spec.name}-error">${error}</p>` : ''}
</div>`;
}

const LABELS: Record<FormField, string> = {
  customerName: 'Seu nome',
  customerPhone: 'Seu WhatsApp',
  service: 'Serviço',
  professional: 'Profissional',
  date: 'Dia',
  time: 'Horário',
};

export interface FormPageState {
  values: FormValues;
  errors: FormErrors;
  /** A message about the whole form rather than one field. */
  notice?: string;
}

export function emptyForm(): FormValues {
  return { customerName: '', customerPhone: '', service: '', professional: '', date: '', time: '', idempotencyKey: '' };
}

/** The mini-site: the business's name and a booking form that works with or without JavaScript. */
export function bookingFormPage(tenant: TenantInfo, state: FormPageState): string {
  const { values, errors, notice } = state;
  // In the order of the form, so the summary reads like the page.
  const failed = FORM_FIELDS.filter((name) => errors[name]);
  const when: FieldSpec[] = [
    { name: 'date', label: 'Dia', type: 'date', required: true, attrs: html`min="${todayIn(tenant.timezone)}"` },
    { name: 'time', label: 'Horário', type: 'time', required: true, attrs: html`step="300"` },
  ];
  // A fresh key per rendering: a double-submitted form replays one booking instead of two.
  const key = values.idempotencyKey || randomUUID();
  const main = html`<header class="brand"><p class="eyebrow">Agendamento online</p><h1 id="titulo" tabindex="-1">${tenant.name}</h1></header>
${
  failed.length > 0
    ? html`<div class="error-summary" role="alert" aria-labelledby="erros-titulo" tabindex="-1">
<h2 id="erros-titulo">Confira ${failed.length === 1 ? 'o campo' : `os ${failed.length} campos`} abaixo</h2>
<ul>${failed.map((name) => html`<li><a href="#f-${name}">${LABELS[name]}: ${errors[name]}</a></li>`)}</ul>
</div>`
    : ''
}
${notice ? html`<p class="notice" role="alert">${notice}</p>` : ''}
<form class="booking" method="post" action="/${tenant.slug}" data-enhance novalidate>
<input type="hidden" name="idempotencyKey" value="${key}">
${PERSON.map((spec) => input(spec, values, errors))}
<fieldset>
<legend>Quando (horário de ${tenant.timezone === 'America/Sao_Paulo' ? 'Brasília' : tenant.timezone})</legend>
<div class="when">${when.map((spec) => input(spec, values, errors))}</div>
</fieldset>
<button type="submit">Agendar</button>
<p class="status" role="status" aria-live="polite"></p>
</form>`;
  return page({ title: `Agendar — ${tenant.name}`, main, script: true });
}
