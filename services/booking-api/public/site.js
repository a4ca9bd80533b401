// Progressive enhancement for the mini-site. Without this file every step is a plain page: the
// step forms are GETs, the last one a POST, and the server answers with a full page. With it, the
// same requests go through fetch and the server's answer (the very same HTML) replaces <main>
// without a reload; a tap on a choice moves on at once (keyboard users keep the Continuar button,
// so arrow keys can browse a group without leaving the page). One renderer, on the server, so both
// paths show identical steps, confirmations and error messages.
(function () {
  'use strict';

  // The page <main> shows now; a popstate that only moves the #fragment (the error summary's
  // links) keeps it.
  var shown = location.pathname + location.search;

  function pathOf(url) {
    var parsed = new URL(url, location.href);
    return parsed.pathname + parsed.search;
  }

  function swapMain(html, url, push) {
    var doc = new DOMParser().parseFromString(html, 'text/html');
    var next = doc.querySelector('main');
    var main = document.querySelector('main');
    if (!next || !main) throw new Error('unexpected response');
    // Copy the live NodeList first: adopting a node removes it from `next.childNodes`.
    var nodes = Array.prototype.slice.call(next.childNodes);
    main.replaceChildren.apply(
      main,
      nodes.map(function (node) {
        return document.adoptNode(node);
      }),
    );
    main.removeAttribute('aria-busy');
    document.title = doc.title;
    if (push && url && url !== location.href) history.pushState({ swapped: true }, '', url);
    shown = pathOf(url || location.href);
    // Move focus where a screen reader should start: the error summary, else the step's question,
    // else the page title.
    var target = main.querySelector('.error-summary') || main.querySelector('#passo') || main.querySelector('#titulo');
    if (target) target.focus();
    enhance(main);
  }

  var loading = false;

  function load(url, push) {
    if (loading) return; // a tap and an Enter at once move on once
    loading = true;
    var main = document.querySelector('main');
    if (main) main.setAttribute('aria-busy', 'true');
    fetch(url, { headers: { Accept: 'text/html' }, credentials: 'same-origin' })
      .then(function (response) {
        return response.text().then(function (text) {
          loading = false;
          swapMain(text, response.url || url, push);
        });
      })
      .catch(function () {
        location.assign(url); // let the browser show whatever the server says
      });
  }

  function enhanceSteps(root) {
    Array.prototype.forEach.call(root.querySelectorAll('form[data-step]'), function (form) {
      // A choice made by pointer (mouse, finger) moves on; one made by keyboard waits for Enter.
      var byPointer = false;
      form.addEventListener('pointerdown', function () {
        byPointer = true;
      });
      form.addEventListener('keydown', function () {
        byPointer = false;
      });
      form.addEventListener('change', function (event) {
        var input = event.target;
        if (input && input.type === 'radio' && byPointer) form.requestSubmit();
      });
      form.addEventListener('submit', function (event) {
        event.preventDefault();
        if (!form.checkValidity()) {
          form.reportValidity();
          return;
        }
        var query = new URLSearchParams(new FormData(form)).toString();
        load(form.action + (query ? '?' + query : ''), true);
      });
    });
    Array.prototype.forEach.call(root.querySelectorAll('a[data-step-link]'), function (link) {
      link.addEventListener('click', function (event) {
        if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
        event.preventDefault();
        load(link.href, true);
      });
    });
  }

  function enhance(root) {
    if (!window.fetch || !window.DOMParser) return;
    enhanceSteps(root);
    var form = root.querySelector('form[data-enhance]');
    if (!form) return;
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
            swapMain(text, response.redirected ? response.url : null, true);
          });
        })
        .catch(function () {
          form.removeAttribute('aria-busy');
          button.disabled = false;
          status.textContent = 'Não foi possível enviar agora. Verifique sua conexão e tente de novo.';
        });
    });
  }

  // "Back" and "forward" show the page the URL names, fetched like any other step.
  window.addEventListener('popstate', function () {
    if (pathOf(location.href) !== shown) load(location.href, false);
  });

  enhance(document);
})();
