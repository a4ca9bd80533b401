// The fleet page: polls the admin API every 5 s with the session cookie and renders with
// textContent only (server names and display names are operator input, never HTML).
'use strict';

const REFRESH_MS = 5000;
const STATUS_TEXT = { connected: '✅ Conectado', connecting: '⏳ Conectando', disconnected: '⛔ Desconectado' };
const HEALTH_TEXT = { healthy: 'Saudável', degraded: 'Instável', failing: 'Fora de rotação' };
const RELINK_TEXT = {
  disconnected: 'desconectou',
  'logged-out': 'sessão encerrada no celular',
  'qr-expired': 'QR code expirou',
};
const ALERT_TEXT = {
  pending: 'na fila',
  queued: 'na fila',
  sending: 'enviando',
  sent: 'enviado',
  delivered: 'entregue',
  read: 'lido',
  failed: 'falhou',
  unconfirmed: 'enviando',
};

const $ = (id) => document.getElementById(id);

function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'text') node.textContent = value;
    else if (key === 'class') node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

/** Keeps the country code, area code and last four digits visible: enough to recognise a number. */
function maskNumber(digits) {
  if (!digits || digits.length < 8) return digits || '';
  return digits.slice(0, 4) + '•'.repeat(digits.length - 8) + digits.slice(-4);
}

async function api(path, options = {}) {
  const response = await fetch(path, {
    ...options,
    credentials: 'same-origin',
    headers: { accept: 'application/json', ...(options.body ? { 'content-type': 'application/json' } : {}) },
  });
  if (response.status === 401) {
    window.location.assign('/admin/login?next=/admin');
    throw new Error('Sessão expirada');
  }
  const body = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) throw new Error((body && body.error && body.error.message) || `Erro HTTP ${response.status}`);
  return body;
}

function renderServers(stats) {
  $('total-servers').textContent = String(stats.total_instances);
  $('total-capacity').textContent = String(stats.total_capacity);
  $('total-registered').textContent = String(stats.total_registered);
  $('total-connected').textContent = String(stats.total_connected);
  const list = $('servers');
  list.replaceChildren(
    ...stats.instances.map((s) => {
      const usage = `${s.registered}/${s.capacity} · ${s.usage_percentage}%`;
      const check = el('button', { type: 'button', text: 'Testar conexão' });
      const result = el('p', { class: 'muted', role: 'status' });
      check.addEventListener('click', async () => {
        result.textContent = 'Testando…';
        try {
          const outcome = await api(`/v1/evolution-apis/${s.id}/check`, { method: 'POST' });
          result.textContent = outcome.message;
          result.className = outcome.ok ? 'success' : 'error';
        } catch (error) {
          result.textContent = error.message;
          result.className = 'error';
        }
      });
      return el('li', { class: 'server', 'data-server-id': s.id }, [
        el('h3', { text: s.name }),
        el('progress', {
          max: String(s.capacity),
          value: String(s.registered),
          'aria-label': `Uso de ${s.name}: ${usage}`,
        }),
        el('p', { class: 'usage', text: usage }),
        el('p', { text: `Prioridade: ${s.priority} · Estado: ${s.status}` }),
        el('p', { class: 'muted', text: `Conectados: ${s.connected} · Livres: ${s.available}` }),
        ...(s.last_error ? [el('p', { class: 'error', text: s.last_error })] : []),
        check,
        result,
      ]);
    }),
  );
  const select = $('i-server');
  const chosen = select.value;
  select.replaceChildren(
    el('option', { value: '', text: 'Automático (balanceador)' }),
    ...stats.instances.map((s) => el('option', { value: s.id, text: `${s.name} (${s.registered}/${s.capacity})` })),
  );
  select.value = chosen;
}

function showQr(qr, caption) {
  const figure = $('qr');
  if (qr && qr.base64) {
    $('qr-image').src = qr.base64;
    $('qr-caption').textContent = caption;
    figure.hidden = false;
  } else {
    figure.hidden = true;
  }
}

const time = (iso) => new Date(iso).toLocaleTimeString('pt-BR', { hour: '2-digit', minute: '2-digit' });

/** Age and warm-up: "3 dias · aquecimento dia 4 (117/dia)", "45 dias · aquecido". */
function ageCell(safety) {
  if (!safety) return el('td', { text: '–' });
  const days = safety.ageDays === 1 ? '1 dia' : `${safety.ageDays} dias`;
  const budget = safety.health && safety.health.stats.budget;
  let warm = '';
  if (budget && budget.warmupDay) warm = `aquecimento dia ${budget.warmupDay} (${budget.today}/dia)`;
  else if (safety.markedWarmAt || (budget && budget.warm === 'marked')) warm = 'aquecido (operador)';
  else if (budget && budget.warm === 'aged') warm = 'aquecido';
  return el('td', { class: 'age' }, [
    el('span', { text: days }),
    ...(warm ? [el('br'), el('span', { class: 'muted', text: warm })] : []),
  ]);
}

/** Today's use against today's budget, and first contacts. */
function budgetCell(safety) {
  const stats = safety && safety.health && safety.health.stats;
  if (!stats) return el('td', { class: 'muted', text: 'sem dados ainda' });
  const used = stats.usage.sentLast24h;
  const today = stats.budget.today;
  return el('td', { class: 'budget' }, [
    el('progress', {
      max: String(today),
      value: String(Math.min(used, today)),
      'aria-label': `Envios hoje: ${used} de ${today}`,
    }),
    el('span', { class: 'usage', text: `${used}/${today}` }),
    el('br'),
    el('span', {
      class: 'muted',
      text: `novos contatos ${stats.usage.newContactsLast24h}/${stats.budget.newContactsPerDay} · ${stats.budget.perMinute}/min · ${stats.budget.perHour}/h`,
    }),
  ]);
}

function healthCell(safety) {
  const health = safety && safety.health;
  if (!health) return el('td', { class: 'muted', text: 'não avaliado' });
  const reasons = health.reasons.length
    ? el(
        'ul',
        { class: 'reasons' },
        health.reasons.map((r) => el('li', { text: r.text })),
      )
    : el('span', { class: 'muted', text: 'sem problemas' });
  return el('td', { class: `health h-${health.state}` }, [
    el('strong', { text: `${health.score} · ${HEALTH_TEXT[health.state] || health.state}` }),
    reasons,
  ]);
}

function alertsCell(safety) {
  const items = [];
  if (safety && safety.reachoutLock)
    items.push(
      el('p', {
        class: 'lock',
        text: `🔒 Primeiros contatos pausados até ${time(safety.reachoutLock.until)} (bloqueio do WhatsApp)`,
      }),
    );
  if (safety && safety.relink) {
    const r = safety.relink;
    const told = r.alertedAt
      ? `dono avisado às ${time(r.alertedAt)} (${ALERT_TEXT[r.alertStatus] || r.alertStatus || '–'})`
      : 'dono sem telefone cadastrado';
    items.push(
      el('p', { class: 'relink' }, [
        el('span', {
          text: `🔗 Reconexão pendente desde ${time(r.openedAt)}: ${RELINK_TEXT[r.reason] || r.reason}; ${told}. `,
        }),
        el('a', { href: r.link, target: '_blank', rel: 'noreferrer', text: 'Página de reconexão' }),
      ]),
    );
  }
  return el('td', { class: 'alerts' }, items.length ? items : [el('span', { class: 'muted', text: '–' })]);
}

function renderInstances(items) {
  $('instances').replaceChildren(
    ...items.map((i) => {
      const qrButton = el('button', { type: 'button', text: 'QR code' });
      qrButton.addEventListener('click', async () => {
        try {
          const qr = await api(`/v1/whatsapp-instances/${i.id}/qr`);
          if (qr.state === 'open') $('instance-form-status').textContent = `${i.displayName} já está conectado.`;
          showQr(qr, `Escaneie para conectar ${i.displayName}.`);
        } catch (error) {
          $('instance-form-status').textContent = error.message;
        }
      });
      const warmButton = el('button', {
        type: 'button',
        class: 'secondary',
        text: i.safety && i.safety.markedWarmAt ? 'Reiniciar aquecimento' : 'Já está aquecido',
      });
      warmButton.addEventListener('click', async () => {
        try {
          await api(`/v1/whatsapp-instances/${i.id}`, {
            method: 'PATCH',
            body: JSON.stringify({ markedWarm: !(i.safety && i.safety.markedWarmAt) }),
          });
          await refresh();
        } catch (error) {
          $('instance-form-status').textContent = error.message;
        }
      });
      const name = el('td', { text: i.displayName });
      if (i.isPrimary) name.append(el('span', { class: 'badge', text: 'Principal' }));
      return el('tr', { 'data-instance-id': i.id }, [
        el('td', { class: `st-${i.status}`, text: STATUS_TEXT[i.status] || i.status }),
        el('td', { text: maskNumber(i.phoneNumber) }),
        name,
        el('td', { text: i.evolutionApiName }),
        el('td', { text: i.tenantSlug || 'Compartilhado' }),
        ageCell(i.safety),
        budgetCell(i.safety),
        healthCell(i.safety),
        alertsCell(i.safety),
        el('td', { class: 'actions' }, [qrButton, warmButton]),
      ]);
    }),
  );
}

async function refresh() {
  try {
    const [stats, instances] = await Promise.all([api('/v1/stats/usage'), api('/v1/whatsapp-instances?limit=20000')]);
    renderServers(stats);
    renderInstances(instances.items);
    $('refresh').textContent = `Atualizado às ${new Date().toLocaleTimeString('pt-BR')}`;
  } catch (error) {
    $('refresh').textContent = `Falha ao atualizar: ${error.message}`;
  }
}

function formJson(form) {
  const data = {};
  for (const input of form.elements) {
    if (!input.name) continue;
    if (input.type === 'checkbox') data[input.name] = input.checked;
    else if (input.type === 'number') data[input.name] = Number(input.value);
    else if (input.value.trim() !== '') data[input.name] = input.value.trim();
  }
  return data;
}

$('server-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const status = $('server-form-status');
  status.className = '';
  status.textContent = 'Salvando…';
  try {
    const server = await api('/v1/evolution-apis', { method: 'POST', body: JSON.stringify(formJson(form)) });
    form.reset();
    status.textContent = `"${server.name}" cadastrada. Testando conexão…`;
    await refresh();
    const check = await api(`/v1/evolution-apis/${server.id}/check`, { method: 'POST' });
    status.textContent = `"${server.name}" cadastrada. ${check.message}`;
    status.className = check.ok ? 'success' : 'error';
    await refresh();
  } catch (error) {
    status.textContent = error.message;
    status.className = 'error';
  }
});

$('instance-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const status = $('instance-form-status');
  status.className = '';
  status.textContent = 'Salvando…';
  try {
    const created = await api('/v1/whatsapp-instances', { method: 'POST', body: JSON.stringify(formJson(form)) });
    form.reset();
    status.textContent = `WhatsApp cadastrado em ${created.instance.evolutionApiName}.`;
    status.className = 'success';
    showQr(created.qr, `Escaneie para conectar ${created.instance.displayName}.`);
    await refresh();
  } catch (error) {
    status.textContent = error.message;
    status.className = 'error';
  }
});

refresh();
setInterval(refresh, REFRESH_MS);
