// The fleet page's inbox: customers' messages the platform left for the business, refreshed
// every 10 s with the session cookie, rendered with textContent only (customers typed them)
// through admin.js's `el` (that script runs first).
'use strict';
/* global el */

(() => {
  const REFRESH_MS = 10000;
  const INTENT_TEXT = {
    confirm: 'confirmação',
    cancel: 'cancelamento',
    reschedule: 'remarcação',
    stop: 'parar',
    resume: 'voltar',
    help: 'ajuda',
    unknown: 'outro assunto',
  };
  const when = new Intl.DateTimeFormat('pt-BR', { dateStyle: 'short', timeStyle: 'short' });

  async function call(path, method = 'GET') {
    const response = await fetch(path, { method, credentials: 'same-origin', headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(`Erro HTTP ${response.status}`);
    return response.json();
  }

  /** The chat is on the business's phone; the page shows enough of the number to find it. */
  const mask = (digits) =>
    digits && digits.length >= 8 ? digits.slice(0, 4) + '•'.repeat(digits.length - 8) + digits.slice(-4) : digits || '';

  function item(message, refresh) {
    const who = [message.customerName, mask(message.customerPhone)].filter(Boolean).join(' · ');
    const done = el('button', { type: 'button', text: 'Marcar como respondida' });
    done.addEventListener('click', async () => {
      done.disabled = true;
      try {
        await call(`/v1/inbox/${message.id}/handled`, 'POST');
        await refresh();
      } catch {
        done.disabled = false;
      }
    });
    return el('li', { class: 'inbox-item' }, [
      el('p', {
        class: 'inbox-meta',
        text: `${message.tenantSlug ?? 'sem negócio'} · ${who} · ${when.format(new Date(message.receivedAt))} · ${INTENT_TEXT[message.intent] ?? message.intent}`,
      }),
      el('blockquote', { text: message.text }),
      done,
    ]);
  }

  async function refresh() {
    const list = document.getElementById('inbox');
    if (!list) return;
    try {
      const { items } = await call('/v1/inbox?state=open&limit=50');
      list.replaceChildren(...items.map((m) => item(m, refresh)));
      document.getElementById('inbox-empty').hidden = items.length > 0;
    } catch {
      // The fleet part of the page reports connection problems; the inbox keeps what it showed.
    }
  }

  document.addEventListener('DOMContentLoaded', refresh);
  setInterval(refresh, REFRESH_MS);
})();
