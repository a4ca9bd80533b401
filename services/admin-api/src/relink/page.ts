import { html, type SafeHtml } from '@bora/http';
import type { RelinkState } from './connect.ts';
import type { RelinkCase } from './store.ts';

const WHY = {
  disconnected: 'foi desconectado',
  'logged-out': 'foi desconectado pelo celular',
  'qr-expired': 'não foi conectado a tempo',
} as const;

/** Evolution's 8-character pairing code, shown as WhatsApp asks for it: ABCD-1234. */
export function formatPairingCode(code: string): string {
  return code.length === 8 ? `${code.slice(0, 4)}-${code.slice(4)}` : code;
}

function shell(title: string, body: SafeHtml, extraHead: SafeHtml = html``): string {
  return html`<!doctype html>
<html lang="pt-BR">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title} — Bora Agendar</title>
<link rel="stylesheet" href="/relink/assets/relink.css">
${extraHead}
</head>
<body>
<main>
${body}
</main>
</body>
</html>`.value;
}

const hidden = (show: boolean) => (show ? '' : ' hidden');

/**
 * The owner's re-link page (mobile first, pt-BR): the live QR code, the pairing code, and what to
 * do when WhatsApp asks for the passkey on the phone. With JavaScript it follows the state every few
 * seconds (`relink.js`); without, it reloads itself.
 */
export function relinkPage(c: RelinkCase, state: RelinkState, urls: { state: string; start: string }): string {
  const qr = state === 'qr' ? c.qr : { base64: null, pairingCode: null };
  const code = qr.pairingCode ? formatPairingCode(qr.pairingCode) : '';
  const statusText = {
    connected: '✅ Conectado! As mensagens voltam a sair por este número. Pode fechar esta página.',
    qr: 'Aguardando a leitura do QR code…',
    waiting: 'Preparando o QR code… (alguns segundos)',
    expired: 'O QR code expirou sem leitura.',
  }[state];
  const body = html`
<h1>Reconectar o WhatsApp</h1>
<p class="lead">O WhatsApp <strong>${c.instance.displayName}</strong> (final ${c.instance.phoneNumber.slice(-4)}) de ${c.tenant.name} ${WHY[c.reason]}.
${c.tenant.allowSharedSender ? 'Enquanto isso, as mensagens aos seus clientes saem pelo número da plataforma.' : 'Enquanto isso, as mensagens aos seus clientes ficam aguardando.'}</p>
<p id="status" class="status st-${state}" role="status" aria-live="polite" data-state="${state}">${statusText}</p>
<section id="qr-box" aria-labelledby="qr-title"${hidden(state === 'qr')}>
  <h2 id="qr-title">Escaneie o QR code</h2>
  <img id="qr" alt="QR code para conectar o WhatsApp" src="${qr.base64 ?? ''}" width="264" height="264">
  <ol>
    <li>No celular do WhatsApp do negócio, abra o WhatsApp.</li>
    <li>Toque em <strong>Mais opções ⋮</strong> (Android) ou <strong>Configurações</strong> (iPhone) › <strong>Aparelhos conectados</strong> › <strong>Conectar um aparelho</strong>.</li>
    <li>Aponte a câmera para este QR code.</li>
  </ol>
  <p class="hint">O QR code muda sozinho a cada 45 segundos, mais ou menos; esta página mostra sempre o atual.</p>
</section>
<section id="code-box" aria-labelledby="code-title"${hidden(state === 'qr' && code !== '')}>
  <h2 id="code-title">Ou digite o código de pareamento</h2>
  <p>Em <strong>Conectar um aparelho</strong>, toque em <strong>Conectar com número de telefone</strong> e digite:</p>
  <p id="pairing-code" class="code">${code}</p>
</section>
<section id="expired-box"${hidden(state === 'expired')}>
  <form method="post" action="${urls.start}"><button type="submit">Gerar novo QR code</button></form>
</section>
<section class="passkey" aria-labelledby="passkey-title"${hidden(state !== 'connected')}>
  <h2 id="passkey-title">Se o WhatsApp pedir sua chave de acesso</h2>
  <p>Algumas contas precisam confirmar a conexão de um novo aparelho com a <strong>chave de acesso (passkey)</strong>, a digital ou o rosto cadastrados no celular. Essa confirmação é feita <strong>só no celular</strong>: faça-a lá quando o WhatsApp pedir.</p>
  <p>Se depois disso esta página não mostrar “Conectado”, o WhatsApp ainda não liberou a conexão: atualize o WhatsApp do celular, espere alguns minutos e gere um novo QR code.</p>
</section>`;
  return shell(
    'Reconectar o WhatsApp',
    body,
    html`<script src="/relink/assets/relink.js" defer></script>
<noscript><meta http-equiv="refresh" content="20"></noscript>
<meta name="relink-state" content="${urls.state}">`,
  );
}

/** A link that is not ours, or too old, in pt-BR. */
export function relinkProblemPage(kind: 'invalid' | 'expired' | 'resent'): string {
  const text = {
    invalid: [
      'Link inválido',
      'Este link de reconexão não é válido. Use o link mais recente que a Bora Agendar enviou pelo WhatsApp.',
    ],
    expired: [
      'Link expirado',
      'Este link de reconexão expirou. Se o WhatsApp ainda estiver desconectado, um novo link chega pelo WhatsApp em até uma hora.',
    ],
    resent: ['Link expirado', 'Este link de reconexão expirou. Enviamos um novo link para o seu WhatsApp pessoal.'],
  }[kind];
  return shell(text[0]!, html`<h1>${text[0]}</h1>\n<p class="lead">${text[1]}</p>`);
}
