// Unit tests for the pure helpers of web/searchbox.js (Node's own runner:
// `node --test web/`). The box itself is tested in a real browser by
// tests/e2e/35-browser.sh.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const s = require('./searchbox.js');

test('loading searchbox.js in Node touches no DOM', () => {
  assert.equal(typeof document, 'undefined');
  assert.equal(typeof s.searchUrl, 'function');
});

test('serviceBase: an origin, a path, or the page itself, always ending in /', () => {
  assert.equal(s.serviceBase('https://search.example.org', 'https://thp.org/a/b'), 'https://search.example.org/');
  assert.equal(s.serviceBase('https://x.org/thp', 'https://thp.org/'), 'https://x.org/thp/');
  assert.equal(s.serviceBase('', 'http://127.0.0.1:8080/?q=a'), 'http://127.0.0.1:8080/');
  assert.equal(s.serviceBase(null, 'http://127.0.0.1:8080/doc/3'), 'http://127.0.0.1:8080/');
});

test('searchUrl: lenient as-you-type, encoded, filters in a fixed order', () => {
  const u = s.searchUrl('https://x.org/', { q: '"human rights" & a+b=c #1 ?', offset: 20, filters: { year: '2014', kind: 'report' } });
  const p = new URL(u).searchParams;
  assert.equal(p.get('q'), '"human rights" & a+b=c #1 ?');
  assert.equal(p.get('lenient'), '1');
  assert.equal(p.get('prefix'), '1');
  assert.equal(p.get('offset'), '20');
  assert.ok(u.indexOf('kind=report') < u.indexOf('year=2014'));
  assert.ok(u.startsWith('https://x.org/search?'));
  const q = new URL(s.searchUrl('https://x.org/', { q: 'a', filters: { kind: '' } }, { facets: 'year,kind' })).searchParams;
  assert.equal(q.get('kind'), null, 'an empty filter is left out');
  assert.equal(q.get('offset'), null);
  assert.equal(q.get('facets'), 'year,kind');
});

test('markedParts: marks and entities, never markup', () => {
  assert.deepEqual(s.markedParts('a <mark>b</mark> c'),
    [{ text: 'a ', mark: false }, { text: 'b', mark: true }, { text: ' c', mark: false }]);
  assert.deepEqual(s.markedParts('&lt;script&gt;x&amp;y &quot;&#39;'),
    [{ text: '<script>x&y "\'', mark: false }]);
  assert.deepEqual(s.markedParts('&amp;lt;'), [{ text: '&lt;', mark: false }], 'decoded once');
  assert.deepEqual(s.markedParts(''), []);
  assert.deepEqual(s.markedParts(null), []);
});

test('hitMeta: kind, report page, date, place', () => {
  assert.equal(s.hitMeta({ kind: 'report', page: 12, date: '2014' }), 'Report · p. 12 · 2014');
  assert.equal(s.hitMeta({ kind: 'item', location: 'Rotterdam' }), 'Item · Rotterdam');
  assert.equal(s.hitMeta({ kind: 'odd' }), 'Page');
});

test('hitHref: web addresses as they are, /doc/ID from the service, never javascript:', () => {
  const base = 'https://search.example.org/';
  assert.equal(s.hitHref({ link: 'https://thp.org/news#item-2' }, base), 'https://thp.org/news#item-2');
  assert.equal(s.hitHref({ link: '/doc/7' }, base), 'https://search.example.org/doc/7');
  assert.equal(s.hitHref({ link: 'javascript:alert(1)' }, base), base);
  assert.equal(s.hitHref({ link: 'data:text/html,x' }, base), base);
  assert.equal(s.hitHref({ url: 'https://thp.org/r.pdf#page=3' }, base), 'https://thp.org/r.pdf#page=3');
});

test('statusText: counts, estimates and nothing found', () => {
  assert.equal(s.statusText({ query: 'x', total: 0 }, 0), 'No results for “x”.');
  assert.equal(s.statusText({ query: 'x', total: 1, total_exact: true }, 1), '1 result for “x”.');
  assert.equal(s.statusText({ query: 'x', total: 1200, total_exact: false }, 10),
    'More than 1,200 results for “x”, 10 shown.');
});
