/*
 * search.js — the search box of the THP website (web/index.html).
 *
 * Owns: as-you-type searching against the daemon's `GET /search` endpoint,
 * rendering of hits, "More results" pagination, the `?q=` page URL and
 * history, keyboard navigation, and calm error messages.
 *
 * Does not own: ranking, snippet building or HTML escaping of snippets.
 * Those belong to thp-searchd, which guarantees that `snippet` is HTML-safe
 * (escaped text plus <mark></mark> only). Every other field is plain text
 * and is only ever set through textContent / setAttribute here.
 *
 * Layout of this file:
 *   1. Pure helpers: no DOM, no network. Exported for Node unit tests
 *      (web/search.test.js, run with `node --test web/`).
 *   2. Browser wiring: runs only when a `document` exists, so that
 *      `require('./search.js')` in Node has no side effects.
 *
 * No dependencies, no build step.
 */
(function () {
  'use strict';

  var SEARCH_ENDPOINT = 'search'; // relative: resolves to /search from /
  var PAGE_SIZE = 10;
  var DEBOUNCE_MS = 150;
  var SITE_TITLE = 'The Hague Process on Refugees and Migration';
  var MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July',
    'August', 'September', 'October', 'November', 'December'];

  /* ------------------------------------------------------------------ */
  /* 1. Pure helpers                                                     */
  /* ------------------------------------------------------------------ */

  /** The query as it will be sent: a string, surrounding space removed. */
  function normalizeQuery(raw) {
    return String(raw == null ? '' : raw).trim();
  }

  /** A non-negative whole number, or `fallback` when `n` is not one. */
  function toCount(n, fallback) {
    var v = Number(n);
    return Number.isFinite(v) && v >= 0 ? Math.floor(v) : fallback;
  }

  /**
   * URL of one page of results. Always lenient, so a half-typed query is
   * repaired by the server instead of rejected, and with prefix=1, so the
   * word being typed matches as a prefix ("rotter" finds Rotterdam). Spaces become %20 (not '+').
   */
  function buildSearchUrl(q, offset, limit) {
    var size = toCount(limit, PAGE_SIZE) || PAGE_SIZE;
    return SEARCH_ENDPOINT +
      '?q=' + encodeURIComponent(normalizeQuery(q)) +
      '&limit=' + size +
      '&offset=' + toCount(offset, 0) +
      '&lenient=1&prefix=1';
  }

  /** 1234567 -> "1,234,567" (fixed format, independent of the locale). */
  function formatCount(n) {
    return String(toCount(n, 0)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  }

  /** Status line text, e.g. `12 results for “refugees”`. */
  function formatStatus(total, q) {
    var n = toCount(total, 0);
    var quoted = '\u201C' + normalizeQuery(q) + '\u201D';
    if (n === 0) return 'No results for ' + quoted;
    return formatCount(n) + (n === 1 ? ' result' : ' results') + ' for ' + quoted;
  }

  /** "Showing 10 of 57", or "" once everything is shown. */
  function formatShown(shown, total) {
    if (!hasMore(shown, total)) return '';
    return 'Showing ' + formatCount(shown) + ' of ' + formatCount(total);
  }

  /** Whether a "More results" button is needed. */
  function hasMore(shown, total) {
    return toCount(shown, 0) < toCount(total, 0);
  }

  /**
   * Human date from the server's ISO-ish date: "2011" -> "2011",
   * "2011-09" -> "September 2011", "2011-09-04" -> "4 September 2011".
   * Anything else is returned as given; null/undefined -> "".
   */
  function formatDate(date) {
    var s = date == null ? '' : String(date).trim();
    var m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(s.slice(0, 10));
    if (!m) return s;
    if (!m[2]) return m[1];
    var month = MONTHS[Number(m[2]) - 1];
    if (!month) return s;
    if (!m[3]) return month + ' ' + m[1];
    var day = Number(m[3]);
    return day >= 1 && day <= 31 ? day + ' ' + month + ' ' + m[1] : s;
  }

  /**
   * The url as an href if it is safe to link to: relative, http or https.
   * Anything with another scheme (javascript:, data:, ...) gives "".
   * Browsers drop control characters and spaces inside schemes, so do we
   * before looking at it.
   */
  function safeHref(url) {
    if (typeof url !== 'string') return '';
    var href = url.trim();
    var probe = href.replace(/[\u0000-\u0020\u007f]/g, '');
    var scheme = /^([a-z][a-z0-9+.-]*):/i.exec(probe);
    if (scheme && !/^https?$/i.test(scheme[1])) return '';
    return href;
  }

  /**
   * Where a hit links to: its own url when that is a web address, else
   * the daemon's view of the stored document (doc/ID), since a source
   * path such as corpus/pages/x.html is not served.
   */
  function hitHref(hit) {
    if (hit && typeof hit.url === 'string' && /^https?:\/\//i.test(hit.url.trim())) {
      return safeHref(hit.url);
    }
    var id = hit ? Number(hit.id) : NaN;
    return Number.isInteger(id) && id > 0 ? 'doc/' + id : '';
  }

  /** Message for a failed request; calm, never the server's own text. */
  function errorMessage(status) {
    if (status === 400) return 'Keep typing, or try different words.';
    return 'Search is unavailable right now. Please try again in a moment.';
  }

  /** A plain-text field from the server as a string ("" when missing). */
  function text(v) {
    return v == null ? '' : String(v);
  }

  /**
   * Checks the shape of a /search response and fills in missing fields.
   * Returns null when it is not a usable response.
   */
  function normalizeResponse(data) {
    if (!data || typeof data !== 'object' || !Array.isArray(data.hits)) return null;
    var hits = data.hits.filter(function (h) { return h && typeof h === 'object'; })
      .map(normalizeHit);
    return { total: toCount(data.total, hits.length), hits: hits };
  }

  function normalizeHit(h) {
    var url = text(h.url);
    return {
      id: h.id,
      title: text(h.title).trim() || url || 'Untitled',
      url: url,
      kind: text(h.kind),
      date: text(h.date),
      snippet: text(h.snippet)
    };
  }

  /** `q` from a location.search string such as "?q=asylum+policy". */
  function queryFromSearch(search) {
    return new URLSearchParams(search || '').get('q') || '';
  }

  /**
   * Page URL (path + query + hash) with `q` set, or removed when empty.
   * Other query parameters are kept. `loc` is like window.location.
   */
  function pageUrlFor(loc, q) {
    var params = new URLSearchParams(loc.search || '');
    var query = normalizeQuery(q);
    if (query) params.set('q', query); else params.delete('q');
    var s = params.toString();
    return (loc.pathname || '/') + (s ? '?' + s : '') + (loc.hash || '');
  }

  /** Document title, so history entries and tabs say what was searched. */
  function formatDocumentTitle(q) {
    var query = normalizeQuery(q);
    return (query ? query + ' \u2014 ' : '') + 'Search \u2014 ' + SITE_TITLE;
  }

  /**
   * Where keyboard focus goes. Index -1 is the search input, 0..count-1
   * are the result links. Stops at both ends instead of wrapping.
   */
  function nextFocusIndex(current, delta, count) {
    if (count <= 0) return -1;
    var next = current + delta;
    if (next < -1) return -1;
    if (next > count - 1) return count - 1;
    return next;
  }

  /** fn delayed until `ms` after the last call; has cancel(). */
  function debounce(fn, ms) {
    var timer = null;
    function debounced() {
      var args = arguments;
      var self = this;
      clearTimeout(timer);
      timer = setTimeout(function () { timer = null; fn.apply(self, args); }, ms);
    }
    debounced.cancel = function () { clearTimeout(timer); timer = null; };
    return debounced;
  }

  /**
   * Keeps only the newest request alive. start() aborts the previous one
   * and returns a ticket; isCurrent(ticket) tells whether a response that
   * arrives later still matters (it does not once a newer one started or
   * cancel() was called), which also guards against out-of-order replies.
   */
  function createRequestGate() {
    var seq = 0;
    var controller = null;
    function cancel() {
      if (controller) controller.abort();
      controller = null;
      seq += 1;
    }
    function start() {
      cancel();
      controller = typeof AbortController === 'function' ? new AbortController() : null;
      return { id: seq, signal: controller ? controller.signal : undefined };
    }
    function isCurrent(ticket) {
      return !!ticket && ticket.id === seq;
    }
    return { start: start, cancel: cancel, isCurrent: isCurrent };
  }

  /* ------------------------------------------------------------------ */
  /* 2. Browser wiring                                                   */
  /* ------------------------------------------------------------------ */

  /** Builds one <li> for a hit. Plain-text fields go through textContent. */
  function renderHit(doc, hit) {
    var li = doc.createElement('li');
    li.className = 'result';

    var heading = doc.createElement('h2');
    heading.className = 'result-title';
    var href = hitHref(hit);
    var title = doc.createElement(href ? 'a' : 'span');
    if (href) title.setAttribute('href', href);
    title.textContent = hit.title;
    heading.appendChild(title);
    li.appendChild(heading);

    var meta = renderMeta(doc, hit);
    if (meta) li.appendChild(meta);

    if (hit.snippet) {
      var snippet = doc.createElement('p');
      snippet.className = 'result-snippet';
      // Trusted HTML: thp-searchd HTML-escapes all snippet text and emits
      // no tags except <mark> and </mark>. This is the only innerHTML here;
      // never use it for title, url, kind or date, which are plain text.
      snippet.innerHTML = hit.snippet;
      li.appendChild(snippet);
    }
    return li;
  }

  /** "page · September 2011" as small metadata, or null when empty. */
  function renderMeta(doc, hit) {
    var label = formatDate(hit.date);
    if (!hit.kind && !label) return null;
    var meta = doc.createElement('p');
    meta.className = 'result-meta';
    if (hit.kind) {
      var kind = doc.createElement('span');
      kind.className = 'result-kind';
      kind.textContent = hit.kind;
      meta.appendChild(kind);
    }
    if (label) {
      var time = doc.createElement('time');
      time.className = 'result-date';
      if (label !== hit.date.trim()) time.setAttribute('datetime', hit.date.trim().slice(0, 10));
      time.textContent = label;
      meta.appendChild(time);
    }
    return meta;
  }

  /** Fetches one page; resolves to a normalized response or throws {status}. */
  function fetchResults(win, q, offset, signal) {
    return win.fetch(buildSearchUrl(q, offset, PAGE_SIZE), {
      signal: signal,
      headers: { Accept: 'application/json' }
    }).then(function (res) {
      if (!res.ok) throw httpError(res.status);
      return res.json().catch(function () { throw httpError(0); });
    }).then(function (data) {
      var result = normalizeResponse(data);
      if (!result) throw httpError(0);
      return result;
    });
  }

  function httpError(status) {
    var err = new Error('search failed');
    err.status = status;
    return err;
  }

  /** Wires up the page. Returns the controller (handy for debugging). */
  function initSearchPage(doc, win) {
    var els = {
      main: doc.getElementById('main'),
      form: doc.getElementById('search-form'),
      input: doc.getElementById('q'),
      status: doc.getElementById('status'),
      results: doc.getElementById('results'),
      shown: doc.getElementById('shown'),
      more: doc.getElementById('more')
    };
    if (!els.form || !els.input || !els.status || !els.results) return null;

    // query: what the current results (or pending request) are for.
    var state = { query: '', shown: 0, total: 0 };
    var gate = createRequestGate();
    var typed = debounce(function () { search(els.input.value, 'replace'); }, DEBOUNCE_MS);

    /** Runs a search. mode: 'replace' | 'push' (history) | 'none'. */
    function search(raw, mode) {
      var q = normalizeQuery(raw);
      typed.cancel();
      updateHistory(q, mode);
      if (!q) { clear(); return; }
      if (q === state.query) return; // e.g. only a trailing space was typed
      state.query = q;
      load(q, 0, false);
    }

    function load(q, offset, append) {
      var ticket = gate.start();
      setBusy(true);
      fetchResults(win, q, offset, ticket.signal).then(function (data) {
        if (gate.isCurrent(ticket)) show(q, data, append);
      }, function (err) {
        if (gate.isCurrent(ticket) && !(err && err.name === 'AbortError')) fail(err, append);
      }).then(function () {
        if (gate.isCurrent(ticket)) setBusy(false);
      });
    }

    function show(q, data, append) {
      if (!append) els.results.textContent = '';
      var firstNew = null;
      var frag = doc.createDocumentFragment();
      data.hits.forEach(function (hit) {
        var li = renderHit(doc, hit);
        firstNew = firstNew || li;
        frag.appendChild(li);
      });
      els.results.appendChild(frag);
      state.shown = (append ? state.shown : 0) + data.hits.length;
      // An empty page means the server has nothing more, whatever total says.
      state.total = data.hits.length ? Math.max(data.total, state.shown) : state.shown;
      setStatus(formatStatus(state.total, q));
      updateMore();
      if (append && firstNew) focusLinkIn(firstNew);
    }

    function fail(err, append) {
      var status = err && typeof err.status === 'number' ? err.status : 0;
      if (!append) {
        els.results.textContent = '';
        state.shown = 0;
        state.total = 0;
        state.query = ''; // so the same query is tried again on the next keystroke
      }
      setStatus(errorMessage(status));
      updateMore();
    }

    function clear() {
      gate.cancel();
      state.query = '';
      state.shown = 0;
      state.total = 0;
      els.results.textContent = '';
      setStatus('');
      setBusy(false);
      updateMore();
    }

    function setStatus(message) {
      if (els.status.textContent !== message) els.status.textContent = message;
    }

    function setBusy(busy) {
      els.results.setAttribute('aria-busy', busy ? 'true' : 'false');
    }

    function updateMore() {
      var more = hasMore(state.shown, state.total);
      if (els.more) els.more.hidden = !more;
      if (els.shown) {
        els.shown.textContent = formatShown(state.shown, state.total);
        els.shown.hidden = !more;
      }
    }

    function updateHistory(q, mode) {
      doc.title = formatDocumentTitle(q);
      if (mode !== 'push' && mode !== 'replace') return;
      if (!win.history || !win.location) return;
      var url = pageUrlFor(win.location, q);
      var current = win.location.pathname + win.location.search + win.location.hash;
      if (url === current) return;
      try {
        win.history[mode === 'push' ? 'pushState' : 'replaceState']({ q: q }, '', url);
      } catch (e) { /* e.g. file:// pages: the URL just is not updated */ }
    }

    function resultLinks() {
      return Array.prototype.slice.call(els.results.querySelectorAll('.result-title a'));
    }

    function focusLinkIn(li) {
      var link = li.querySelector('a');
      if (link) link.focus();
    }

    /** ArrowDown/ArrowUp between input and results, Escape clears. */
    function onKeydown(e) {
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      var links = resultLinks();
      var here = e.target === els.input ? -1 : links.indexOf(e.target);
      if (here === -1 && e.target !== els.input) return;

      if (e.key === 'Escape') {
        e.preventDefault();
        els.input.value = '';
        search('', 'replace');
        els.input.focus();
      } else if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && links.length) {
        e.preventDefault();
        var next = nextFocusIndex(here, e.key === 'ArrowDown' ? 1 : -1, links.length);
        (next === -1 ? els.input : links[next]).focus();
      }
      // Enter on a focused result is the link's own behaviour: it opens.
    }

    function onInput(e) {
      if (e && e.isComposing) return; // wait for the IME to finish
      if (normalizeQuery(els.input.value)) typed();
      else search('', 'replace');
    }

    function onSubmit(e) {
      e.preventDefault();
      search(els.input.value, 'push');
    }

    function onPopState() {
      var q = queryFromSearch(win.location.search);
      els.input.value = q;
      search(q, 'none');
    }

    function onMore() {
      if (state.query && hasMore(state.shown, state.total)) load(state.query, state.shown, true);
    }

    els.form.addEventListener('submit', onSubmit);
    els.input.addEventListener('input', onInput);
    els.input.addEventListener('compositionend', onInput);
    (els.main || doc).addEventListener('keydown', onKeydown);
    if (els.more) els.more.addEventListener('click', onMore);
    win.addEventListener('popstate', onPopState);

    var initial = queryFromSearch(win.location.search);
    if (initial) {
      els.input.value = initial;
      search(initial, 'none');
    }
    return { search: search, clear: clear, state: state };
  }

  /* ------------------------------------------------------------------ */
  /* Entry points                                                        */
  /* ------------------------------------------------------------------ */

  if (typeof document !== 'undefined' && typeof window !== 'undefined') {
    var start = function () { initSearchPage(document, window); };
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
    else start();
  }

  if (typeof module !== 'undefined' && module.exports) {
    module.exports = {
      PAGE_SIZE: PAGE_SIZE,
      DEBOUNCE_MS: DEBOUNCE_MS,
      normalizeQuery: normalizeQuery,
      buildSearchUrl: buildSearchUrl,
      formatCount: formatCount,
      formatStatus: formatStatus,
      formatShown: formatShown,
      hasMore: hasMore,
      formatDate: formatDate,
      safeHref: safeHref,
      hitHref: hitHref,
      errorMessage: errorMessage,
      normalizeResponse: normalizeResponse,
      queryFromSearch: queryFromSearch,
      pageUrlFor: pageUrlFor,
      formatDocumentTitle: formatDocumentTitle,
      nextFocusIndex: nextFocusIndex,
      debounce: debounce,
      createRequestGate: createRequestGate,
      initSearchPage: initSearchPage
    };
  }
})();
