import { html, type SafeHtml } from '@bora/http';

/** The page shell: pt-BR, mobile viewport, our own stylesheet and (deferred) script only. */
export function page(options: { title: string; main: SafeHtml; script?: boolean }): string {
  return html`<!doctype html>
<html lang="pt-BR">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/site.css">
${options.script ? html`<script src="/assets/site.js" defer></script>` : ''}
</head>
<body>
<main id="conteudo" tabindex="-1">
${options.main}
</main>
</body>
</html>
`.value;
}
