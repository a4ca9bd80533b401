import { randomUUID } from 'node:crypto';
import { MAX_LENGTH } from '../bookings/booking-input.ts';
import { formatDay } from '../slots/zone.ts';
import type { TenantInfo } from '../tenants/tenant-cache.ts';
import { formatLongDay, formatPrice, formatShortDay, shortDuration, wallTime } from './format.ts';
import { html, type SafeHtml } from '@bora/http';
import { page } from './page.ts';
import { ANY_PROFESSIONAL, DAYS_PER_PAGE, type StepName, type StepState } from './steps.ts';

const STEPS: [StepName, string][] = [
  ['service', 'Serviço'],
  ['professional', 'Profissional'],
  ['day', 'Dia'],
  ['time', 'Horário'],
  ['details', 'Seus dados'],
];

/** Customer details the last step posts, with their errors (named by API field). */
export interface DetailsForm {
  values: { customerName: string; customerPhone: string; notes: string; idempotencyKey: string };
  errors: Partial<Record<'customerName' | 'customerPhone' | 'notes', string>>;
}

function link(tenant: TenantInfo, params: Record<string, string | undefined>): string {
  const query = new URLSearchParams(
    Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined),
  ).toString();
  return `/${tenant.slug}${query ? `?${query}` : ''}`;
}

function chosenParams(state: StepState, upTo: StepName): Record<string, string | undefined> {
  const order = STEPS.map(([name]) => name);
  const keep = (name: StepName) => order.indexOf(name) < order.indexOf(upTo);
  return {
    servico: keep('service') ? state.service?.id : undefined,
    profissional:
      keep('professional') && state.team.length > 1 ? (state.professional?.id ?? ANY_PROFESSIONAL) : undefined,
    dia: keep('day') && state.day !== undefined ? formatDay(state.day) : undefined,
    horario: keep('time') ? state.slot?.startsAt : undefined,
  };
}

function hidden(params: Record<string, string | undefined>): SafeHtml[] {
  return Object.entries(params)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`);
}

function progress(current: StepName): SafeHtml {
  const at = STEPS.findIndex(([name]) => name === current);
  return html`<ol class="progress" aria-label="Etapas do agendamento">${STEPS.map(
    ([, label], i) =>
      html`<li class="${i < at ? 'done' : i === at ? 'current' : ''}"${i === at ? html` aria-current="step"` : ''}>${label}</li>`,
  )}</ol>`;
}

/** What was chosen so far, each with a link back to change it (plain links: they work without JS). */
function summary(tenant: TenantInfo, state: StepState): SafeHtml {
  const rows: SafeHtml[] = [];
  if (state.service) {
    rows.push(html`<div><dt>Serviço</dt><dd>${state.service.name} <span class="meta">(${shortDuration(state.service.durationMinutes)})</span></dd>
<dd class="change"><a href="${link(tenant, {})}" data-step-link>Trocar<span class="sr-only"> o serviço</span></a></dd></div>`);
  }
  if (state.professionalChosen && state.step !== 'professional') {
    const name = state.professional?.name ?? 'Qualquer profissional';
    const change =
      state.team.length > 1
        ? html`<dd class="change"><a href="${link(tenant, chosenParams(state, 'professional'))}" data-step-link>Trocar<span class="sr-only"> o profissional</span></a></dd>`
        : '';
    rows.push(html`<div><dt>Com</dt><dd>${name}</dd>${change}</div>`);
  }
  if (state.day !== undefined && (state.step === 'time' || state.step === 'details')) {
    rows.push(html`<div><dt>Dia</dt><dd>${formatLongDay(state.day)}</dd>
<dd class="change"><a href="${link(tenant, chosenParams(state, 'day'))}" data-step-link>Trocar<span class="sr-only"> o dia</span></a></dd></div>`);
  }
  if (state.slot && state.step === 'details') {
    rows.push(html`<div><dt>Horário</dt><dd>${wallTime(state.slot.startsAt)}</dd>
<dd class="change"><a href="${link(tenant, chosenParams(state, 'time'))}" data-step-link>Trocar<span class="sr-only"> o horário</span></a></dd></div>`);
  }
  return rows.length ? html`<dl class="summary" aria-label="Suas escolhas">${rows}</dl>` : html``;
}

function choice(
  name: string,
  value: string,
  id: string,
  title: string,
  meta: string,
  options: { checked?: boolean; disabled?: boolean } = {},
): SafeHtml {
  return html`<div class="choice"><input type="radio" name="${name}" id="${id}" value="${value}" required${options.checked ? html` checked` : ''}${options.disabled ? html` disabled` : ''}>
<label for="${id}"><span class="choice-title">${title}</span>${meta ? html`<span class="choice-meta">${meta}</span>` : ''}</label></div>`;
}

/** One step as a GET form: hidden earlier choices, one radio group, a submit button. */
function stepForm(
  tenant: TenantInfo,
  state: StepState,
  title: string,
  body: SafeHtml,
  extra: SafeHtml | string = '',
): SafeHtml {
  return html`<form class="step" method="get" action="/${tenant.slug}" data-step>
${hidden(chosenParams(state, state.step))}
<fieldset>
<legend><h2 id="passo" tabindex="-1">${title}</h2></legend>
${body}
</fieldset>
${extra}
<button type="submit">Continuar</button>
</form>`;
}

function serviceStep(tenant: TenantInfo, state: StepState): SafeHtml {
  if (state.services.length === 0)
    return html`<h2 id="passo" tabindex="-1">Agenda fechada</h2><p>${tenant.name} não tem serviços disponíveis para agendar agora.</p>`;
  const items = state.services.map((s) =>
    choice(
      'servico',
      s.id,
      `s-${s.id}`,
      s.name,
      [shortDuration(s.durationMinutes), formatPrice(s.price)].filter(Boolean).join(' · '),
      { checked: s.id === state.service?.id },
    ),
  );
  return stepForm(tenant, state, 'Escolha o serviço', html`<div class="choices">${items}</div>`);
}

function professionalStep(tenant: TenantInfo, state: StepState): SafeHtml {
  const items = [
    choice(
      'profissional',
      ANY_PROFESSIONAL,
      'p-qualquer',
      'Qualquer profissional',
      'O primeiro livre no horário que você escolher',
      { checked: state.professionalChosen && !state.professional },
    ),
    ...state.team.map((p) =>
      choice('profissional', p.id, `p-${p.id}`, p.name, '', { checked: p.id === state.professional?.id }),
    ),
  ];
  return stepForm(tenant, state, 'Com quem?', html`<div class="choices">${items}</div>`);
}

function dayStep(tenant: TenantInfo, state: StepState): SafeHtml {
  const items = state.days.map(({ day, free, open }) => {
    const meta =
      free > 0
        ? `${free} ${free === 1 ? 'horário livre' : 'horários livres'}`
        : open
          ? 'Sem horários livres'
          : 'Fechado';
    return choice('dia', formatDay(day), `d-${formatDay(day)}`, formatShortDay(day, state.today), meta, {
      checked: day === state.day,
      disabled: free === 0,
    });
  });
  const params = chosenParams(state, 'day');
  const earlier =
    state.from > state.today
      ? html`<a href="${link(tenant, { ...params, desde: formatDay(Math.max(state.today, state.from - DAYS_PER_PAGE)) })}" data-step-link>← Dias anteriores</a>`
      : '';
  const later =
    state.from + DAYS_PER_PAGE <= state.lastDay
      ? html`<a href="${link(tenant, { ...params, desde: formatDay(state.from + DAYS_PER_PAGE) })}" data-step-link>Mais dias →</a>`
      : '';
  const pager = earlier || later ? html`<p class="pager">${earlier}${later}</p>` : '';
  const empty = state.days.every((d) => d.free === 0)
    ? html`<p class="notice-soft">Nenhum horário livre nestes dias.</p>`
    : '';
  return stepForm(tenant, state, 'Escolha o dia', html`${empty}<div class="choices days">${items}</div>`, pager);
}

function timeStep(tenant: TenantInfo, state: StepState): SafeHtml {
  const labels = state.slots.map((s) => wallTime(s.startsAt));
  // A time shown twice (a fall-back night) is told apart by its offset.
  const label = (i: number) =>
    labels.filter((l) => l === labels[i]).length > 1
      ? `${labels[i]} (UTC${state.slots[i]!.startsAt.slice(19)})`
      : labels[i]!;
  const periods: [string, (hour: number) => boolean][] = [
    ['Manhã', (h) => h < 12],
    ['Tarde', (h) => h >= 12 && h < 18],
    ['Noite', (h) => h >= 18],
  ];
  const groups = periods.map(([name, test]) => {
    const items = state.slots
      .map((slot, i) => ({ slot, i }))
      .filter(({ slot }) => test(Number(wallTime(slot.startsAt).slice(0, 2))))
      .map(({ slot, i }) =>
        choice('horario', slot.startsAt, `h-${i}`, label(i), '', { checked: slot.startsAt === state.slot?.startsAt }),
      );
    return items.length ? html`<p class="period">${name}</p><div class="choices times">${items}</div>` : '';
  });
  return stepForm(tenant, state, `Horários livres — ${formatLongDay(state.day!)}`, html`${groups}`);
}

function detailsStep(tenant: TenantInfo, state: StepState, form: DetailsForm): SafeHtml {
  const { values, errors } = form;
  const field = (
    name: 'customerName' | 'customerPhone',
    label: string,
    type: string,
    attrs: SafeHtml,
    hint?: string,
  ) => {
    const error = errors[name];
    const described = [hint ? `${name}-hint` : '', error ? `${name}-error` : ''].filter(Boolean).join(' ');
    return html`<div class="field${error ? ' has-error' : ''}"><label for="f-${name}">${label}</label>
${hint ? html`<p class="hint" id="${name}-hint">${hint}</p>` : ''}
<input id="f-${name}" name="${name}" type="${type}" value="${values[name]}" required ${attrs}${described ? html` aria-describedby="${described}"` : ''}${error ? html` aria-invalid="true"` : ''}>
${error ? html`<p class="field-error" id="${name}-error">${error}</p>` : ''}</div>`;
  };
  const notesError = errors.notes;
  return html`<form class="booking" method="post" action="/${tenant.slug}" data-enhance novalidate>
<h2 id="passo" tabindex="-1">Seus dados</h2>
<input type="hidden" name="serviceId" value="${state.service!.id}">
<input type="hidden" name="professionalId" value="${state.professional?.id ?? ''}">
<input type="hidden" name="startsAt" value="${state.slot!.startsAt}">
<input type="hidden" name="idempotencyKey" value="${values.idempotencyKey || randomUUID()}">
${field('customerName', 'Seu nome', 'text', html`autocomplete="name" maxlength="${MAX_LENGTH.customerName}"`)}
${field('customerPhone', 'Seu WhatsApp', 'tel', html`autocomplete="tel" inputmode="tel" maxlength="${MAX_LENGTH.customerPhone}"`, 'Com DDD, ex.: (11) 98765-4321. A confirmação chega por lá.')}
<div class="field${notesError ? ' has-error' : ''}"><label for="f-notes">Observações (opcional)</label>
<textarea id="f-notes" name="notes" rows="3" maxlength="${MAX_LENGTH.notes}"${notesError ? html` aria-describedby="notes-error" aria-invalid="true"` : ''}>${values.notes}</textarea>
${notesError ? html`<p class="field-error" id="notes-error">${notesError}</p>` : ''}</div>
<button type="submit">Confirmar agendamento</button>
<p class="status" role="status" aria-live="polite"></p>
</form>`;
}

const LABELS = { customerName: 'Seu nome', customerPhone: 'Seu WhatsApp', notes: 'Observações' } as const;

/** A catalogue tenant's mini-site at its current step. */
export function stepsPage(tenant: TenantInfo, state: StepState, form?: DetailsForm): string {
  const details = form ?? {
    values: { customerName: '', customerPhone: '', notes: '', idempotencyKey: '' },
    errors: {},
  };
  const failed = (Object.keys(LABELS) as (keyof typeof LABELS)[]).filter((name) => details.errors[name]);
  const bodies: Record<StepName, () => SafeHtml> = {
    service: () => serviceStep(tenant, state),
    professional: () => professionalStep(tenant, state),
    day: () => dayStep(tenant, state),
    time: () => timeStep(tenant, state),
    details: () => detailsStep(tenant, state, details),
  };
  const main = html`<header class="brand"><p class="eyebrow">Agendamento online</p><h1 id="titulo" tabindex="-1">${tenant.name}</h1></header>
${progress(state.step)}
${summary(tenant, state)}
${
  failed.length > 0 && state.step === 'details'
    ? html`<div class="error-summary" role="alert" aria-labelledby="erros-titulo" tabindex="-1">
<h2 id="erros-titulo">Confira ${failed.length === 1 ? 'o campo' : `os ${failed.length} campos`} abaixo</h2>
<ul>${failed.map((name) => html`<li><a href="#f-${name}">${LABELS[name]}: ${details.errors[name]}</a></li>`)}</ul>
</div>`
    : ''
}
${state.notice ? html`<p class="notice" role="alert">${state.notice}</p>` : ''}
${bodies[state.step]()}`;
  const titles: Record<StepName, string> = {
    service: 'Agendar',
    professional: 'Profissional',
    day: 'Dia',
    time: 'Horário',
    details: 'Seus dados',
  };
  return page({ title: `${titles[state.step]} — ${tenant.name}`, main, script: true });
}
