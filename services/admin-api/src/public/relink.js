// The re-link page: follows the number's state every 3 s (the QR rotates about every 45 s) and
// shows the current QR code and pairing code. Renders with textContent and attributes only.
'use strict';

const POLL_MS = 3000;
const stateUrl = document.querySelector('meta[name="relink-state"]').getAttribute('content');
const $ = (id) => document.getElementById(id);
const TEXT = {
  connected: '✅ Conectado! As mensagens voltam a sair por este número. Pode fechar esta página.',
  qr: 'Aguardando a leitura do QR code…',
  waiting: 'Preparando o QR code… (alguns segundos)',
  expired: 'O QR code expirou sem leitura.',
};

function render(view) {
  const status = $('status');
  status.textContent = TEXT[view.state] || '';
  status.className = `status st-${view.state}`;
  status.dataset.state = view.state;
  const showQr = view.state === 'qr' && view.qr;
  $('qr-box').hidden = !showQr;
  if (showQr && $('qr').getAttribute('src') !== view.qr.base64) $('qr').setAttribute('src', view.qr.base64);
  $('code-box').hidden = !(showQr && view.qr.pairingCode);
  if (showQr && view.qr.pairingCode) $('pairing-code').textContent = view.qr.pairingCode;
  $('expired-box').hidden = view.state !== 'expired';
  document.querySelector('.passkey').hidden = view.state === 'connected';
  return view.state;
}

async function tick() {
  try {
    const response = await fetch(stateUrl, { headers: { accept: 'application/json' }, cache: 'no-store' });
    if (response.status === 410 || response.status === 403) {
      window.location.reload();
      return;
    }
    if (response.ok && render(await response.json()) === 'connected') return;
  } catch {
    // A dropped connection (the phone switched networks): try again on the next tick.
  }
  setTimeout(tick, POLL_MS);
}

setTimeout(tick, POLL_MS);
