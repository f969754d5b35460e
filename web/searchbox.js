/*
 * searchbox.js: THP's search box, for any page of any site.
 *
 *   <div data-thp-search="https://search.example.org"></div>
 *   <script src="https://search.example.org/searchbox.js" defer></script>
 *
 * An empty data-thp-search means the page's own origin (the daemon's own
 * pages). The box replaces what the element holds: on thp-searchd's
 * results page that is the form and results rendered without JavaScript,
 * which stay the page for a browser that runs no script. Its stylesheet,
 * searchbox.css, is loaded from beside this script; its look follows the
 * host page through CSS custom properties (--thp-*).
 *
 * It speaks only the daemon's JSON (docs/API.md): /search as the visitor
 * types (debounced, stale answers discarded), /search with facets once the
 * words settle, /suggest for completions. The pure helpers at the top are
 * exported for Node's test runner (web/searchbox.test.js).
 */
(function () {
  'use strict';

  var TYPE_MS = 120, SETTLE_MS = 450, LIMIT = 10;
  var KINDS = { page: 'Page', item: 'Item', report: 'Report' };

  /* ---- pure helpers ------------------------------------------------------ */

  // The service's base address, ending in '/', from data-thp-search.
  function serviceBase(attr, pageHref) {
    var u = new URL(attr || '/', pageHref);
    var p = u.pathname.slice(-1) === '/' ? u.pathname : u.pathname + '/';
    return u.origin + p;
  }

  // The /search address for a state {q, offset, filters}; extra: more params.
  function searchUrl(base, st, extra) {
    var p = new URLSearchParams();
    p.set('q', st.q);
    p.set('lenient', '1');
    p.set('prefix', '1');
    p.set('limit', String(LIMIT));
    if (st.offset) p.set('offset', String(st.offset));
    Object.keys(st.filters || {}).sort().forEach(function (k) {
      if (st.filters[k]) p.set(k, st.filters[k]);
    });
    Object.keys(extra || {}).forEach(function (k) { p.set(k, extra[k]); });
    return base + 'search?' + p.toString();
  }

  // A passage as parts: [{text, mark}], from the daemon's escaped text with
  // <mark> elements. Never goes through innerHTML.
  function markedParts(html) {
    var ent = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };
    var parts = [], mark = false;
    String(html || '').split(/(<\/?mark>)/).forEach(function (s) {
      if (s === '<mark>') mark = true;
      else if (s === '</mark>') mark = false;
      else if (s) parts.push({
        text: s.replace(/&(amp|lt|gt|quot|#39);/g, function (m, e) { return ent[e]; }),
        mark: mark
      });
    });
    return parts;
  }

  // "Report · p. 12 · 2014 · Rotterdam"
  function hitMeta(h) {
    var bits = [KINDS[h.kind] || 'Page'];
    if (h.page) bits.push('p. ' + h.page);
    if (h.date) bits.push(h.date);
    if (h.location) bits.push(h.location);
    return bits.join(' · ');
  }

  // Where a hit opens: its web address, or the daemon's /doc/ID page. Only
  // http(s) addresses are followed.
  function hitHref(h, base) {
    try {
      var u = new URL(h.link || h.url || '', base);
      return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : base;
    } catch (e) {
      return base;
    }
  }

  function statusText(d, shown) {
    if (!d.total) return 'No results for “' + d.query + '”.';
    var n = (d.total_exact ? '' : 'More than ') + d.total.toLocaleString('en');
    return n + ' result' + (d.total === 1 ? '' : 's') + ' for “' + d.query +
      '”' + (shown < d.total ? ', ' + shown + ' shown.' : '.');
  }

  /* ---- the box ------------------------------------------------------------ */

  var seq = 0;

  function el(doc, tag, cls, text) {
    var e = doc.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  function init(root) {
    var doc = root.ownerDocument, win = doc.defaultView;
    var n = ++seq, base = serviceBase(root.getAttribute('data-thp-search'), win.location.href);
    var own = root.querySelector('input[name=q]');
    var st = { q: own ? own.value : '', offset: 0, filters: {} };
    if (own) {       // the daemon's results page: its filters are the page's
      var here = new URLSearchParams(win.location.search);
      ['kind', 'year'].forEach(function (k) { if (here.get(k)) st.filters[k] = here.get(k); });
    }
    var label = root.getAttribute('data-thp-label') || 'Search the site';
    root.textContent = '';
    root.classList.add('thp-search', 'thp-live');

    var form = el(doc, 'form', 'thp-form');
    form.setAttribute('role', 'search');
    form.action = base;
    form.method = 'get';
    var lab = el(doc, 'label', 'thp-label', label);
    lab.htmlFor = 'thp-q' + n;
    var row = el(doc, 'div', 'thp-row');
    var input = el(doc, 'input');
    input.id = 'thp-q' + n;
    input.name = 'q';
    input.type = 'search';
    input.value = st.q;
    input.autocomplete = 'off';
    input.spellcheck = false;
    input.setAttribute('enterkeyhint', 'search');
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-expanded', 'false');
    input.setAttribute('aria-controls', 'thp-list' + n);
    input.setAttribute('aria-describedby', 'thp-help' + n);
    var button = el(doc, 'button', null, 'Search');
    button.type = 'submit';
    row.append(input, button);
    var help = el(doc, 'p', 'thp-help', 'Results appear as you type; ↓ and ↑ move through them, Enter opens one, Esc clears.');
    help.id = 'thp-help' + n;
    var sugg = el(doc, 'p', 'thp-sugg');
    sugg.hidden = true;
    form.append(lab, row, help, sugg);

    var status = el(doc, 'p', 'thp-status');
    status.setAttribute('role', 'status');
    status.setAttribute('aria-live', 'polite');
    var dym = el(doc, 'p', 'thp-dym');
    dym.hidden = true;
    var note = el(doc, 'p', 'thp-note', 'No document has every word; these have some of them.');
    note.hidden = true;
    var facets = el(doc, 'div', 'thp-facets');
    var list = el(doc, 'ul', 'thp-hits');
    list.id = 'thp-list' + n;
    list.setAttribute('role', 'listbox');
    list.setAttribute('aria-label', 'Search results');
    var more = el(doc, 'button', 'thp-more', 'More results');
    more.type = 'button';
    more.hidden = true;
    root.append(form, status, dym, note, facets, list, more);

    var active = -1, shown = 0, last = null, ctl = null, fctl = null;
    var typeTimer = 0, settleTimer = 0;

    function options() { return list.querySelectorAll('[role=option]'); }

    function setActive(i) {
      var opts = options();
      if (active >= 0 && opts[active]) opts[active].setAttribute('aria-selected', 'false');
      active = opts.length ? Math.max(-1, Math.min(i, opts.length - 1)) : -1;
      if (active >= 0) {
        opts[active].setAttribute('aria-selected', 'true');
        input.setAttribute('aria-activedescendant', opts[active].id);
        opts[active].scrollIntoView({ block: 'nearest' });
      } else {
        input.removeAttribute('aria-activedescendant');
      }
    }

    function clearResults() {
      list.textContent = '';
      facets.textContent = '';
      dym.hidden = note.hidden = more.hidden = sugg.hidden = true;
      input.setAttribute('aria-expanded', 'false');
      shown = 0;
      setActive(-1);
    }

    function renderHit(h) {
      var li = el(doc, 'li', 'thp-hit');
      li.id = 'thp-hit' + n + '-' + (h.rank || shown + 1);
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', 'false');
      li.dataset.href = hitHref(h, base);
      // an option holds no link (ARIA: no interactive content inside);
      // clicks open li.dataset.href, in a new tab with Ctrl, Cmd or middle
      li.append(el(doc, 'span', 'thp-title', h.title || '(untitled)'),
        el(doc, 'p', 'thp-meta', hitMeta(h)));
      (h.passages && h.passages.length ? h.passages : [{ text: h.snippet }]).forEach(function (p) {
        if (!p.text) return;
        var para = el(doc, 'p', 'thp-passage');
        markedParts(p.text).forEach(function (part) {
          para.append(part.mark ? el(doc, 'mark', null, part.text) : doc.createTextNode(part.text));
        });
        li.append(para);
      });
      var others = (h.near_duplicates || []).length;
      if (others) li.append(el(doc, 'p', 'thp-also', 'Also on ' + others + ' other page' + (others === 1 ? '' : 's') + ' with nearly the same text.'));
      function open(ev) {
        if (ev.button > 1 || win.getSelection().toString()) return;
        if (ev.ctrlKey || ev.metaKey || ev.button === 1) win.open(li.dataset.href, '_blank', 'noopener');
        else win.location.assign(li.dataset.href);
      }
      li.addEventListener('click', open);
      li.addEventListener('auxclick', open);
      return li;
    }

    function renderFacets(d) {
      facets.textContent = '';
      ['year', 'kind'].forEach(function (name) {
        var f = d.facets && d.facets[name];
        var on = st.filters[name];
        if (!f || (!f.values.length && !on)) return;
        var group = el(doc, 'div', 'thp-facet');
        group.setAttribute('role', 'group');
        group.setAttribute('aria-label', 'Filter by ' + name);
        group.append(el(doc, 'span', 'thp-facet-name', name === 'year' ? 'Year' : 'Kind'));
        var values = f.values.slice();
        if (on && !values.some(function (v) { return v.value === on; })) values.unshift({ value: on, count: 0 });
        values.forEach(function (v) {
          var b = el(doc, 'button', 'thp-chip', name === 'kind' ? KINDS[v.value] || v.value : v.value);
          b.type = 'button';
          b.setAttribute('aria-pressed', String(on === v.value));
          if (v.count) b.append(el(doc, 'span', 'thp-count', ' ' + v.count));
          b.addEventListener('click', function () {
            st.filters[name] = on === v.value ? '' : v.value;
            run(0, true);
          });
          group.append(b);
        });
        facets.append(group);
      });
    }

    function fail() {
      if (ctl && ctl.signal.aborted) return;
      status.textContent = 'Search is not available at the moment. Please try again in a little while.';
      status.classList.add('thp-down');
    }

    // Load facets once the words have settled: a keystroke stays cheap.
    function loadFacets(q) {
      if (fctl) fctl.abort();
      fctl = new AbortController();
      var my = fctl;
      win.fetch(searchUrl(base, { q: q, offset: 0, filters: st.filters },
        { facets: 'year,kind', top: '8', limit: '1', snippets: '0' }),
        { signal: my.signal, headers: { Accept: 'application/json' } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (d) { if (d && my === fctl && q === st.q) renderFacets(d); })
        .catch(function () {});
    }

    function loadSuggestions(q) {
      if (q.length < 3 || /\s$/.test(q)) { sugg.hidden = true; return; }
      win.fetch(base + 'suggest?q=' + encodeURIComponent(q), { headers: { Accept: 'application/json' } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (d) {
          if (!d || q !== st.q) return;
          var words = (d.suggestions || []).filter(function (s) {
            return s.toLowerCase() !== q.toLowerCase() && s.length <= 60;
          }).slice(0, 4);
          sugg.textContent = '';
          sugg.hidden = !words.length;
          if (!words.length) return;
          sugg.append(el(doc, 'span', 'thp-sugg-name', 'Suggestions: '));
          words.forEach(function (w) {
            var b = el(doc, 'button', 'thp-chip', w);
            b.type = 'button';
            b.addEventListener('click', function () { input.value = w; input.focus(); run(0, true); });
            sugg.append(b);
          });
        }).catch(function () {});
    }

    function run(offset, now) {
      var q = input.value.replace(/^\s+/, '');
      clearTimeout(typeTimer);
      clearTimeout(settleTimer);
      if (!now) { typeTimer = setTimeout(function () { run(offset, true); }, TYPE_MS); return; }
      if (ctl) ctl.abort();
      if (!q.trim()) {
        st.q = '';
        clearResults();
        status.textContent = '';
        return;
      }
      st.q = q;
      st.offset = offset;
      ctl = new AbortController();
      var my = ctl;
      win.fetch(searchUrl(base, st), { signal: my.signal, headers: { Accept: 'application/json' } })
        .then(function (r) {
          if (r.status === 400) return r.json().then(function (e) { e.bad = true; return e; });
          if (!r.ok) throw new Error('HTTP ' + r.status);
          return r.json();
        })
        .then(function (d) {
          if (my !== ctl || my.signal.aborted) return;   // a newer search is on its way
          status.classList.remove('thp-down');
          if (d.bad) { clearResults(); status.textContent = d.error; return; }
          if (!offset) clearResults();
          last = d;
          d.hits.forEach(function (h) { list.append(renderHit(h)); });
          shown = offset + d.hits.length;
          input.setAttribute('aria-expanded', String(shown > 0));
          more.hidden = shown >= d.total || !d.hits.length;
          note.hidden = !d.relaxed;
          dym.hidden = !d.suggestion;
          if (d.suggestion) {
            dym.textContent = 'Did you mean ';
            var a = el(doc, 'a', null, d.suggestion);
            a.href = base + '?q=' + encodeURIComponent(d.suggestion);
            a.addEventListener('click', function (ev) {
              ev.preventDefault();
              input.value = d.suggestion;
              input.focus();
              run(0, true);
            });
            dym.append(a, doc.createTextNode('?'));
          }
          status.textContent = statusText(d, shown);
          if (!offset) settleTimer = setTimeout(function () { loadFacets(q); loadSuggestions(q); }, SETTLE_MS);
        })
        .catch(fail);
    }

    input.addEventListener('input', function () { run(0, false); });
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      if (active >= 0) { win.location.assign(options()[active].dataset.href); return; }
      run(0, true);
    });
    more.addEventListener('click', function () { run(shown, true); });
    input.addEventListener('keydown', function (ev) {
      var count = options().length;
      if (ev.key === 'ArrowDown' && count) { ev.preventDefault(); setActive(active + 1); }
      else if (ev.key === 'ArrowUp' && count) { ev.preventDefault(); setActive(active - 1); }
      else if (ev.key === 'Escape') {
        if (active >= 0) setActive(-1);
        else { input.value = ''; run(0, true); }
      }
    });
    if (st.q) run(0, true);
    return { run: run, input: input };
  }

  function boot(doc, me) {
    var roots = doc.querySelectorAll('[data-thp-search]');
    if (!roots.length) return;
    me = me || doc.querySelector('script[src*="searchbox.js"]');
    var css = me && me.src ? me.src.replace(/searchbox\.js([?#].*)?$/, 'searchbox.css') : null;
    if (css && !doc.querySelector('link[href="' + css + '"], link[href$="searchbox.css"]')) {
      var link = doc.createElement('link');
      link.rel = 'stylesheet';
      link.href = css;
      doc.head.append(link);
    }
    Array.prototype.forEach.call(roots, init);
  }

  var api = { serviceBase: serviceBase, searchUrl: searchUrl, markedParts: markedParts,
    hitMeta: hitMeta, hitHref: hitHref, statusText: statusText };
  if (typeof module === 'object' && module.exports) module.exports = api;
  if (typeof document !== 'undefined') {
    var script = document.currentScript;
    var start = function () { boot(document, script); };
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
    else start();
  }
})();
