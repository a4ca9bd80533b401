import { hasControlCharacters } from '@bora/core';
import { html } from '@bora/http';

const FALLBACK = '/admin';

/**
 * Where to go after login: `next` read as a browser would, against the admin origin, and kept
 * only when it lands on that same origin — as a path (`/admin/queues?x=1`), never `//host…`,
 * which a browser would take for another host. Anything else is /admin.
 */
export function safeNext(next: string | undefined, adminOrigin: string): string {
  // Control characters are refused, not cleaned: a browser drops tab/CR/LF and reads `/\t/x` as `//x`.
  if (!next || hasControlCharacters(next)) return FALLBACK;
  const origin = new URL(adminOrigin).origin;
  let url: URL;
  try {
    url = new URL(next, origin);
  } catch {
    return FALLBACK;
  }
  if (url.origin !== origin || url.username !== '' || url.password !== '') return FALLBACK;
  const path = `${url.pathname}${url.search}${url.hash}`;
  return path.startsWith('/') && !path.startsWith('//') ? path : FALLBACK;
}

export function loginPage(options: { next: string; error?: string }): string {
  const error = options.error ? html`<p class="erro" role="alert">${options.error}</p>` : '';
  return html`<!doctype html>
<html lang="pt-BR">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Entrar — Bora Agendar</title>
<style>
  body { font-family: system-ui, sans-serif; background: #f4f6f8; display: grid; place-items: center; min-height: 100vh; margin: 0; }
  main { background: #fff; padding: 2rem; border-radius: 8px; box-shadow: 0 1px 4px #0002; width: min(360px, 90vw); }
  label { display: block; margin: 1rem 0 .25rem; font-weight: 600; }
  input { width: 100%; padding: .6rem; font-size: 1rem; box-sizing: border-box; }
  button { margin-top: 1rem; width: 100%; padding: .7rem; font-size: 1rem; background: #0b6e4f; color: #fff; border: 0; border-radius: 4px; cursor: pointer; }
  .erro { color: #a40000; background: #fdecea; padding: .5rem; border-radius: 4px; }
</style>
</head>
<body>
<main>
  <h1>Bora Agendar — Admin</h1>
  ${error}
  <form method="post" action="/admin/login">
    <input type="hidden" name="next" value="${options.next}">
    <label for="token">Token de administrador</label>
    <input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
    <button type="submit">Entrar</button>
  </form>
</main>
</body>
</html>`.value;
}
