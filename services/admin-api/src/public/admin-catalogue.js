// The fleet page's catalogue editor: one business's services, professionals, opening hours and
// booking rules, through the same /v1/tenants/:slug/… routes the API documents. Rendered with
// textContent only (names are operator input, never HTML). Not part of the 5 s refresh, so an
// edit in progress is never redrawn under the operator.
(function () {
  'use strict';

  var DAYS = [
    ['monday', 'Segunda'],
    ['tuesday', 'Terça'],
    ['wednesday', 'Quarta'],
    ['thursday', 'Quinta'],
    ['friday', 'Sexta'],
    ['saturday', 'Sábado'],
    ['sunday', 'Domingo'],
  ];
  var byId = function (id) {
    return document.getElementById(id);
  };
  var slug = '';
  var services = [];

  function el(tag, props, children) {
    var node = document.createElement(tag);
    Object.entries(props || {}).forEach(function (entry) {
      var key = entry[0];
      var value = entry[1];
      if (key === 'text') node.textContent = value;
      else if (key === 'class') node.className = value;
      else if (key === 'checked' || key === 'value') node[key] = value;
      else node.setAttribute(key, value);
    });
    (children || []).forEach(function (child) {
      node.append(child);
    });
    return node;
  }

  function say(text, ok) {
    var status = byId('c-status');
    status.textContent = text;
    status.className = ok === undefined ? '' : ok ? 'success' : 'error';
  }

  /** The API's pt-BR message, with each field problem after it. */
  function problem(body, status) {
    var error = body && body.error;
    if (!error) return 'Erro HTTP ' + status;
    var details = Array.isArray(error.details)
      ? error.details.map(function (d) {
          return d.field + ': ' + d.message;
        })
      : [];
    return details.length ? 'Confira: ' + details.join('; ') : error.message;
  }

  function api(method, path, body) {
    return fetch('/v1/tenants/' + encodeURIComponent(slug) + path, {
      method: method,
      credentials: 'same-origin',
      headers: body
        ? { accept: 'application/json', 'content-type': 'application/json' }
        : { accept: 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    }).then(function (response) {
      if (response.status === 401) {
        window.location.assign('/admin/login?next=/admin');
        throw new Error('Sessão expirada');
      }
      if (response.status === 204) return null;
      return response
        .json()
        .catch(function () {
          return null;
        })
        .then(function (json) {
          if (!response.ok) throw new Error(problem(json, response.status));
          return json;
        });
    });
  }

  /** "40,00", "1.234,50" or "40.5" → a number; empty → null; anything else goes as typed, for the API to refuse. */
  function price(text) {
    var t = String(text).trim();
    if (t === '') return null;
    if (t.indexOf(',') >= 0) t = t.replace(/\./g, '').replace(',', '.');
    var n = Number(t);
    return Number.isFinite(n) ? n : String(text).trim();
  }

  function money(value) {
    return value === null ? '' : value.toFixed(2).replace('.', ',');
  }

  function run(promise, done) {
    say('Salvando…');
    return promise
      .then(function () {
        say(done, true);
        return load();
      })
      .catch(function (error) {
        say(error.message, false);
      });
  }

  function renderServices() {
    byId('c-services').replaceChildren.apply(
      byId('c-services'),
      services.map(function (s) {
        var name = el('input', { value: s.name, 'aria-label': 'Nome do serviço ' + s.name });
        var duration = el('input', {
          type: 'number',
          min: '5',
          max: '720',
          value: String(s.durationMinutes),
          'aria-label': 'Duração de ' + s.name + ' em minutos',
        });
        var cost = el('input', {
          inputmode: 'decimal',
          value: money(s.price),
          'aria-label': 'Preço de ' + s.name + ' em reais',
        });
        var active = el('input', { type: 'checkbox', checked: s.active, 'aria-label': s.name + ' ativo' });
        var save = el('button', { type: 'button', text: 'Salvar' });
        var remove = el('button', { type: 'button', class: 'secondary', text: 'Excluir' });
        save.addEventListener('click', function () {
          run(
            api('PATCH', '/services/' + s.id, {
              name: name.value.trim(),
              durationMinutes: Number(duration.value),
              price: price(cost.value),
              active: active.checked,
            }),
            'Serviço salvo.',
          );
        });
        remove.addEventListener('click', function () {
          if (window.confirm('Excluir o serviço ' + s.name + '?'))
            run(api('DELETE', '/services/' + s.id), 'Serviço excluído.');
        });
        return el('tr', { 'data-service-id': s.id }, [
          el('td', {}, [name]),
          el('td', {}, [duration]),
          el('td', {}, [cost]),
          el('td', {}, [active]),
          el('td', {}, [save, remove]),
        ]);
      }),
    );
  }

  function renderProfessionals(items) {
    byId('c-professionals').replaceChildren.apply(
      byId('c-professionals'),
      items.map(function (p) {
        var name = el('input', { value: p.name, 'aria-label': 'Nome do profissional ' + p.name });
        var active = el('input', { type: 'checkbox', checked: p.active });
        var boxes = services.map(function (s) {
          var box = el('input', { type: 'checkbox', value: s.id, checked: p.serviceIds.indexOf(s.id) >= 0 });
          return { box: box, label: el('label', { class: 'check' }, [box, ' ' + s.name]) };
        });
        var save = el('button', { type: 'button', text: 'Salvar' });
        var remove = el('button', { type: 'button', class: 'secondary', text: 'Excluir' });
        save.addEventListener('click', function () {
          var ids = boxes
            .filter(function (b) {
              return b.box.checked;
            })
            .map(function (b) {
              return b.box.value;
            });
          run(
            api('PATCH', '/professionals/' + p.id, {
              name: name.value.trim(),
              active: active.checked,
              serviceIds: ids,
            }),
            'Profissional salvo.',
          );
        });
        remove.addEventListener('click', function () {
          if (window.confirm('Excluir ' + p.name + '?'))
            run(api('DELETE', '/professionals/' + p.id), 'Profissional excluído.');
        });
        var legend = el('legend', { text: 'Serviços que ' + p.name + ' faz' });
        return el('li', { class: 'professional', 'data-professional-id': p.id }, [
          name,
          el('label', { class: 'check' }, [active, ' Ativo']),
          el(
            'fieldset',
            {},
            [legend].concat(
              boxes.map(function (b) {
                return b.label;
              }),
            ),
          ),
          save,
          remove,
        ]);
      }),
    );
  }

  function rangesText(ranges) {
    return ranges
      .map(function (r) {
        return r.start + '-' + r.end;
      })
      .join(', ');
  }

  /** "09:00-12:00, 13:00-18:00" → [{start, end}]; the API checks the times themselves. */
  function parseRanges(text) {
    return String(text)
      .split(',')
      .map(function (part) {
        return part.trim();
      })
      .filter(Boolean)
      .map(function (part) {
        var pieces = part.split(/\s*[-–]\s*/);
        return { start: pieces[0] || '', end: pieces[1] || '' };
      });
  }

  function exceptionRow(e) {
    var date = el('input', {
      type: 'date',
      value: e.date || '',
      'aria-label': 'Data da exceção',
      required: 'required',
    });
    var hours = el('input', {
      value: rangesText(e.ranges || []),
      placeholder: 'Fechado',
      'aria-label': 'Horário neste dia (vazio = fechado)',
    });
    var note = el('input', { value: e.note || '', placeholder: 'Motivo (opcional)', 'aria-label': 'Motivo' });
    var remove = el('button', { type: 'button', class: 'secondary', text: 'Remover' });
    var row = el('li', { class: 'exception' }, [date, hours, note, remove]);
    remove.addEventListener('click', function () {
      row.remove();
    });
    return row;
  }

  function renderHours(hours) {
    byId('c-timezone').textContent = hours.timezone;
    byId('c-week').replaceChildren.apply(
      byId('c-week'),
      DAYS.map(function (day) {
        return el('div', { class: 'day' }, [
          el('label', { for: 'ch-' + day[0], text: day[1] }),
          el('input', {
            id: 'ch-' + day[0],
            name: day[0],
            value: rangesText(hours.weekly[day[0]]),
            placeholder: 'Fechado',
          }),
        ]);
      }),
    );
    byId('c-exceptions').replaceChildren.apply(byId('c-exceptions'), hours.exceptions.map(exceptionRow));
  }

  function renderSettings(settings) {
    var form = byId('c-settings-form');
    Object.keys(settings).forEach(function (key) {
      if (form.elements[key]) form.elements[key].value = settings[key] === null ? '' : String(settings[key]);
    });
  }

  function load() {
    if (!slug) {
      byId('c-body').hidden = true;
      return Promise.resolve();
    }
    return Promise.all([
      api('GET', '/services'),
      api('GET', '/professionals'),
      api('GET', '/opening-hours'),
      api('GET', '/booking-settings'),
    ])
      .then(function (all) {
        services = all[0].items;
        renderServices();
        renderProfessionals(all[1].items);
        renderHours(all[2]);
        renderSettings(all[3]);
        byId('c-body').hidden = false;
      })
      .catch(function (error) {
        say(error.message, false);
      });
  }

  byId('c-tenant').addEventListener('change', function (event) {
    slug = event.target.value;
    say('');
    load();
  });

  byId('c-service-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var form = event.currentTarget;
    var body = {
      name: form.elements.name.value.trim(),
      durationMinutes: Number(form.elements.durationMinutes.value),
      price: price(form.elements.price.value),
    };
    run(api('POST', '/services', body), 'Serviço cadastrado.').then(function () {
      form.reset();
    });
  });

  byId('c-professional-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var form = event.currentTarget;
    // New professionals start doing every service; untick what they do not do.
    var body = {
      name: form.elements.name.value.trim(),
      serviceIds: services.map(function (s) {
        return s.id;
      }),
    };
    run(api('POST', '/professionals', body), 'Profissional cadastrado: marque os serviços que faz.').then(function () {
      form.reset();
    });
  });

  byId('c-add-exception').addEventListener('click', function () {
    var row = exceptionRow({});
    byId('c-exceptions').append(row);
    row.querySelector('input').focus();
  });

  byId('c-hours-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var weekly = {};
    DAYS.forEach(function (day) {
      weekly[day[0]] = parseRanges(byId('ch-' + day[0]).value);
    });
    var exceptions = Array.prototype.map.call(byId('c-exceptions').children, function (row) {
      var inputs = row.querySelectorAll('input');
      return { date: inputs[0].value, ranges: parseRanges(inputs[1].value), note: inputs[2].value.trim() || null };
    });
    run(api('PUT', '/opening-hours', { weekly: weekly, exceptions: exceptions }), 'Horários salvos.');
  });

  byId('c-settings-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var form = event.currentTarget;
    var body = {};
    [
      'slotStepMinutes',
      'minNoticeMinutes',
      'maxDaysAhead',
      'maxFutureBookingsPerPhone',
      'maxBookingsPerPhonePerHour',
      'maxBookingsPerMinute',
    ].forEach(function (key) {
      var value = form.elements[key].value.trim();
      body[key] = value === '' ? null : Number(value);
    });
    run(api('PATCH', '/booking-settings', body), 'Regras salvas.');
  });

  fetch('/v1/tenants?limit=1000', { credentials: 'same-origin', headers: { accept: 'application/json' } })
    .then(function (response) {
      return response.ok ? response.json() : { items: [] };
    })
    .then(function (list) {
      var select = byId('c-tenant');
      list.items.forEach(function (t) {
        select.append(el('option', { value: t.slug, text: t.name + ' (' + t.slug + ')' }));
      });
    });
})();
