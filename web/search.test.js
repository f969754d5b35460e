// Unit tests for the pure helpers of web/search.js.
// Node's built-in runner only: `node --test web/`.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const s = require('./search.js');

test('loading search.js in Node touches no DOM', () => {
  assert.equal(typeof document, 'undefined');
  assert.equal(typeof s.buildSearchUrl, 'function');
  assert.equal(typeof s.initSearchPage, 'function');
});

test('buildSearchUrl: always lenient, encoded, with limit and offset', () => {
  assert.equal(s.buildSearchUrl('refugees', 0, 10),
    'search?q=refugees&limit=10&offset=0&lenient=1&prefix=1');
  assert.equal(s.buildSearchUrl('asylum policy', 20, 10),
    'search?q=asylum%20policy&limit=10&offset=20&lenient=1&prefix=1');
});

test('buildSearchUrl: escapes characters that would break the query string', () => {
  const url = s.buildSearchUrl('"human rights" & a+b=c #1 ?', 0, 10);
  assert.equal(url,
    'search?q=%22human%20rights%22%20%26%20a%2Bb%3Dc%20%231%20%3F&limit=10&offset=0&lenient=1&prefix=1');
  const back = new URLSearchParams(url.slice(url.indexOf('?')));
  assert.equal(back.get('q'), '"human rights" & a+b=c #1 ?');
  assert.equal(back.get('lenient'), '1');
});

test('buildSearchUrl: unicode is percent-encoded as UTF-8', () => {
  assert.equal(s.buildSearchUrl('réfugié', 0, 10),
    'search?q=r%C3%A9fugi%C3%A9&limit=10&offset=0&lenient=1&prefix=1');
});

test('buildSearchUrl: trims the query and sanitizes numbers', () => {
  assert.equal(s.buildSearchUrl('  migration  ', -5, 0),
    'search?q=migration&limit=10&offset=0&lenient=1&prefix=1');
  assert.equal(s.buildSearchUrl('x', 12.7, 'abc'),
    'search?q=x&limit=10&offset=12&lenient=1&prefix=1');
  assert.equal(s.buildSearchUrl('x', undefined, undefined),
    'search?q=x&limit=10&offset=0&lenient=1&prefix=1');
  assert.equal(s.buildSearchUrl('x', 0, 25),
    'search?q=x&limit=25&offset=0&lenient=1&prefix=1');
});

test('formatStatus: singular, plural, none, curly quotes', () => {
  assert.equal(s.formatStatus(0, 'xyz'), 'No results for \u201Cxyz\u201D');
  assert.equal(s.formatStatus(1, 'asylum'), '1 result for \u201Casylum\u201D');
  assert.equal(s.formatStatus(2, 'asylum'), '2 results for \u201Casylum\u201D');
  assert.equal(s.formatStatus(1234, ' refugees '), '1,234 results for \u201Crefugees\u201D');
});

test('formatStatus: tolerates a missing or bad total', () => {
  assert.equal(s.formatStatus(undefined, 'a'), 'No results for \u201Ca\u201D');
  assert.equal(s.formatStatus('7', 'a'), '7 results for \u201Ca\u201D');
});

test('formatCount groups thousands', () => {
  assert.equal(s.formatCount(0), '0');
  assert.equal(s.formatCount(999), '999');
  assert.equal(s.formatCount(1000), '1,000');
  assert.equal(s.formatCount(1234567), '1,234,567');
});

test('hasMore and formatShown', () => {
  assert.equal(s.hasMore(10, 57), true);
  assert.equal(s.hasMore(57, 57), false);
  assert.equal(s.hasMore(0, 0), false);
  assert.equal(s.formatShown(10, 57), 'Showing 10 of 57');
  assert.equal(s.formatShown(57, 57), '');
});

test('formatDate: year, month, day, and passthrough', () => {
  assert.equal(s.formatDate('2011'), '2011');
  assert.equal(s.formatDate('2011-09'), 'September 2011');
  assert.equal(s.formatDate('2011-09-04'), '4 September 2011');
  assert.equal(s.formatDate('2011-09-04T10:00:00Z'), '4 September 2011');
  assert.equal(s.formatDate('2011-13'), '2011-13');
  assert.equal(s.formatDate('spring 2010'), 'spring 2010');
  assert.equal(s.formatDate(null), '');
  assert.equal(s.formatDate(undefined), '');
  assert.equal(s.formatDate(''), '');
});

test('safeHref: allows relative and http(s), refuses other schemes', () => {
  assert.equal(s.safeHref('corpus/pages/x.html'), 'corpus/pages/x.html');
  assert.equal(s.safeHref('/corpus/pages/x.html#top'), '/corpus/pages/x.html#top');
  assert.equal(s.safeHref('https://example.org/a'), 'https://example.org/a');
  assert.equal(s.safeHref('HTTP://example.org/a'), 'HTTP://example.org/a');
  assert.equal(s.safeHref('javascript:alert(1)'), '');
  assert.equal(s.safeHref(' JavaScript:alert(1)'), '');
  assert.equal(s.safeHref('java\tscript:alert(1)'), '');
  assert.equal(s.safeHref('data:text/html,<b>x</b>'), '');
  assert.equal(s.safeHref(null), '');
  assert.equal(s.safeHref(42), '');
});

test('errorMessage: calm text, never the server message', () => {
  assert.equal(s.errorMessage(400), 'Keep typing, or try different words.');
  for (const status of [0, 500, 503, 404]) {
    assert.match(s.errorMessage(status), /^Search is unavailable right now/);
  }
});

test('normalizeResponse: accepts the documented shape', () => {
  const r = s.normalizeResponse({
    query: 'x', total: 42, limit: 10, offset: 0, took_ms: 1.2,
    hits: [{ id: 3, title: 'T', url: 'corpus/pages/x.html', kind: 'page',
      date: '2011-09', score: 4.2, snippet: 'a <mark>x</mark>' }]
  });
  assert.equal(r.total, 42);
  assert.deepEqual(r.hits, [{ id: 3, title: 'T', url: 'corpus/pages/x.html',
    kind: 'page', date: '2011-09', snippet: 'a <mark>x</mark>' }]);
});

test('normalizeResponse: fills gaps and rejects junk', () => {
  const r = s.normalizeResponse({ hits: [{ url: 'u.html', date: null }, null, 'x'] });
  assert.equal(r.total, 1);
  assert.deepEqual(r.hits[0], { id: undefined, title: 'u.html', url: 'u.html',
    kind: '', date: '', snippet: '' });
  assert.equal(s.normalizeResponse({ hits: [{}] }).hits[0].title, 'Untitled');
  assert.equal(s.normalizeResponse(null), null);
  assert.equal(s.normalizeResponse({ error: 'boom' }), null);
  assert.equal(s.normalizeResponse('<html>'), null);
});

test('queryFromSearch reads ?q= as a browser form sends it', () => {
  assert.equal(s.queryFromSearch('?q=asylum+policy'), 'asylum policy');
  assert.equal(s.queryFromSearch('?q=%22human%20rights%22&x=1'), '"human rights"');
  assert.equal(s.queryFromSearch(''), '');
  assert.equal(s.queryFromSearch('?other=1'), '');
});

test('pageUrlFor sets or removes q and keeps the rest', () => {
  assert.equal(s.pageUrlFor({ pathname: '/', search: '', hash: '' }, 'a b'), '/?q=a+b');
  assert.equal(s.pageUrlFor({ pathname: '/', search: '?q=old&lang=en', hash: '#r' }, 'new'),
    '/?q=new&lang=en#r');
  assert.equal(s.pageUrlFor({ pathname: '/', search: '?q=old', hash: '' }, '  '), '/');
  assert.equal(s.pageUrlFor({ pathname: '/index.html', search: '?lang=en&q=x', hash: '' }, ''),
    '/index.html?lang=en');
  const url = s.pageUrlFor({ pathname: '/', search: '', hash: '' }, 'a&b=c');
  assert.equal(s.queryFromSearch(url.slice(1)), 'a&b=c');
});

test('formatDocumentTitle', () => {
  assert.equal(s.formatDocumentTitle(''),
    'Search \u2014 The Hague Process on Refugees and Migration');
  assert.equal(s.formatDocumentTitle('asylum'),
    'asylum \u2014 Search \u2014 The Hague Process on Refugees and Migration');
});

test('nextFocusIndex moves between input (-1) and results, without wrapping', () => {
  assert.equal(s.nextFocusIndex(-1, 1, 3), 0);
  assert.equal(s.nextFocusIndex(0, 1, 3), 1);
  assert.equal(s.nextFocusIndex(2, 1, 3), 2);
  assert.equal(s.nextFocusIndex(0, -1, 3), -1);
  assert.equal(s.nextFocusIndex(-1, -1, 3), -1);
  assert.equal(s.nextFocusIndex(-1, 1, 0), -1);
});

test('debounce runs once, after the last call, and can be cancelled', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const calls = [];
  const d = s.debounce((v) => calls.push(v), s.DEBOUNCE_MS);
  d('a'); d('ab');
  t.mock.timers.tick(s.DEBOUNCE_MS - 1);
  d('abc');
  t.mock.timers.tick(s.DEBOUNCE_MS - 1);
  assert.deepEqual(calls, []);
  t.mock.timers.tick(1);
  assert.deepEqual(calls, ['abc']);
  d('x');
  d.cancel();
  t.mock.timers.tick(s.DEBOUNCE_MS * 2);
  assert.deepEqual(calls, ['abc']);
});

test('createRequestGate aborts stale requests and ignores their replies', () => {
  const gate = s.createRequestGate();
  const first = gate.start();
  assert.equal(gate.isCurrent(first), true);
  const second = gate.start();
  assert.equal(first.signal.aborted, true);
  assert.equal(gate.isCurrent(first), false);
  assert.equal(gate.isCurrent(second), true);
  gate.cancel();
  assert.equal(second.signal.aborted, true);
  assert.equal(gate.isCurrent(second), false);
  assert.equal(gate.isCurrent(null), false);
});

test('createRequestGate: out-of-order replies only render the newest', async () => {
  const gate = s.createRequestGate();
  const rendered = [];
  const request = (q, delay) => {
    const ticket = gate.start();
    return new Promise((resolve) => setTimeout(resolve, delay))
      .then(() => { if (gate.isCurrent(ticket)) rendered.push(q); });
  };
  await Promise.all([request('a', 30), request('as', 1), request('asy', 15)]);
  assert.deepEqual(rendered, ['asy']);
});

test('index.html has the accessible structure search.js expects', () => {
  const html = fs.readFileSync(path.join(__dirname, 'index.html'), 'utf8');
  assert.match(html, /<title>Search — The Hague Process on Refugees and Migration<\/title>/);
  assert.match(html, /<form[^>]*id="search-form"[^>]*role="search"[^>]*action="\/"[^>]*method="get"/);
  assert.match(html, /<label for="q">/);
  assert.match(html, /<input id="q" name="q" type="search"/);
  assert.match(html, /id="status"[^>]*aria-live="polite"/);
  assert.match(html, /id="results"/);
  assert.match(html, /id="more"[^>]*hidden/);
  assert.match(html, /<noscript>/);
  assert.doesNotMatch(html, /https?:\/\//, 'no external resources');
  assert.doesNotMatch(html, /<script>(?!<\/script>)|style="/, 'no inline script or style (CSP)');
});

test('hitHref links web addresses directly and source paths to doc/ID', () => {
  assert.equal(s.hitHref({ id: 3, url: 'https://example.org/x' }), 'https://example.org/x');
  assert.equal(s.hitHref({ id: 3, url: 'corpus/pages/x.html' }), 'doc/3');
  assert.equal(s.hitHref({ id: 3, url: 'javascript:alert(1)' }), 'doc/3');
  assert.equal(s.hitHref({ id: 'x', url: 'corpus/a.txt' }), '');
});
