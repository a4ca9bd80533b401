// Progressive enhancement for the mini-site's booking form. Without this file the form posts
// and the server answers with a full page; with it, the same request goes through fetch and the
// server's answer (the very same HTML) replaces <main> without a reload. One renderer, on the
// server, so both paths show identical confirmations and error messages.
(function () {
  'use strict';

  function swapMain(html, url) {
    var doc = new DOMParser().parseFromString(html, 'text/html');
    var next = doc.querySelector('main');
    var main = document.querySelector('main');
    if (!next || !main) throw new Error('unexpected response');
    // Copy the live NodeList first: adopting a node removes it from `next.childNodes`.
    var nodes = Array.prototype.slice.call(next.childNodes);
    main.replaceChildren.apply(main, nodes.map(function (node) {
      return document.adoptNode(node);
    }));
    document.title = doc.title;
    if (url && url !== location.href) history.pushState({ swapped: true }, '', url);
    // Move focus where a screen reader should start: the error summary, else the page title.
    var target = main.querySelector('.error-summary') || main.querySelector('#titulo');
    if (target) target.focus();
    enhance(main);
  }

  function enhance(root) {
    var form = root.querySelector('form[data-enhance]');
    if (!form || !window.fetch || !window.DOMParser) return;
    var button = form.querySelector('button[type="submit"]');
    var status = form.querySelector('.status');
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      if (form.getAttribute('aria-busy') === 'true') return; // a double click books once anyway
      form.setAttribute('aria-busy', 'true');
      button.disabled = true;
      status.textContent = 'Enviando…';
      fetch(form.action, {
        method: 'POST',
        body: new URLSearchParams(new FormData(form)),
        headers: { Accept: 'text/html' },
        credentials: 'same-origin',
      })
        .then(function (response) {
          return response.text().then(function (text) {
            swapMain(text, response.redirected ? response.url : null);
          });
        })
        .catch(function () {
          form.removeAttribute('aria-busy');
          button.disabled = false;
          status.textContent = 'Não foi possível enviar agora. Verifique sua conexão e tente de novo.';
        });
    });
  }

  // After a swapped-in confirmation, "back" should show the page the URL names.
  window.addEventListener('popstate', function () {
    location.reload();
  });

  enhance(document);
})();
