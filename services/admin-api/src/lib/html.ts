const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => ENTITIES[ch] ?? ch);
}

/** Only same-site paths: `next=//evil.example` or `next=https://…` would be an open redirect. */
export function safeNext(next: string | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/admin';
  return next;
}

export function loginPage(options: { next: string; error?: string }): string {
  const error = options.error ? `<p class="erro" role="alert">${escapeHtml(options.error)}</p>` : '';
  return `<!doctype html>
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
    <input type="hidden" name="next" value="${escapeHtml(options.next)}">
    <label for="token">Token de administrador</label>
    <input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
    <button type="submit">Entrar</button>
  </form>
</main>
</body>
</html>`;
}
