// box.test.mjs: THP's search box in a real browser (Debian's chromium,
// driven by playwright-core), against the real thp-searchd.
//
//   THP_URL=http://127.0.0.1:PORT/   the daemon, on an index of corpus/
//   HOST_URL=http://127.0.0.1:PORT2/ another origin's pages (host.html
//                                    embeds the box from THP_URL,
//                                    down.html from a port nothing serves)
//   OUT=folder                       screenshots, for a person to look at
//
// tests/e2e/35-browser.sh starts both servers and runs this. Each check
// prints "ok - NAME" or "not ok - NAME: why"; the last line is
// "N passed, N failed".
import { chromium } from 'playwright-core';
import { readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const THP = process.env.THP_URL;
const HOST = process.env.HOST_URL;
const OUT = process.env.OUT || 'build/browser';
mkdirSync(OUT, { recursive: true });

let passed = 0, failed = 0;
function check(name, ok, why) {
  if (ok) { passed++; console.log('ok - ' + name); }
  else { failed++; console.log('not ok - ' + name + (why ? ': ' + why : '')); }
}
async function step(name, fn) {
  try { await fn(); } catch (e) { check(name, false, String(e && e.message || e).split('\n')[0]); }
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});

async function fresh(opts = {}) {
  // bypassCSP: axe-core is injected as an inline script
  const ctx = await browser.newContext({ viewport: { width: 1100, height: 900 }, bypassCSP: true, ...opts });
  const page = await ctx.newPage();
  page.errors = [];
  page.on('pageerror', e => page.errors.push(String(e)));
  page.on('dialog', d => { page.dialogs = (page.dialogs || 0) + 1; d.dismiss(); });
  return { ctx, page };
}

// Type like a visitor, one key at a time.
async function type(page, text) {
  const box = page.getByRole('combobox');
  await box.fill('');
  await box.pressSequentially(text, { delay: 25 });
}

async function statusFor(page, q) {
  await page.waitForFunction(q => {
    const s = document.querySelector('.thp-status');
    return s && s.textContent.includes('“' + q + '”');
  }, q, { timeout: 8000 });
  return page.textContent('.thp-status');
}

async function axe(page, name) {
  await page.addScriptTag({ content: AXE });
  const r = await page.evaluate(async () => {
    const res = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    });
    return res.violations.map(v => v.id + ' (' + v.nodes.length + ': ' +
      v.nodes.slice(0, 2).map(n => n.target.join(' ')).join(', ') + ')');
  });
  check('axe-core: no A/AA violations on ' + name, r.length === 0, r.join('; '));
}

// ---- the box on the daemon's own page -------------------------------------

await step('the box', async () => {
  const { ctx, page } = await fresh();
  await page.goto(THP);
  await type(page, 'rotterdam');
  const st = await statusFor(page, 'rotterdam');
  const hits = page.locator('.thp-hits [role=option]');
  const n = await hits.count();
  check('typing rotterdam shows hits', n > 0, st);
  const marks = await page.locator('.thp-hits mark').allTextContents();
  check('... with the word marked', marks.some(m => /rotterdam/i.test(m)), marks.join(','));
  check('... and says how many in the live region',
    /\d+ results? for “rotterdam”/.test(st) &&
    (await page.getAttribute('.thp-status', 'aria-live')) === 'polite', st);
  check('the input is a combobox that owns the listbox',
    (await page.getAttribute('[role=combobox]', 'aria-controls')) ===
    (await page.getAttribute('[role=listbox]', 'id')) &&
    (await page.getAttribute('[role=combobox]', 'aria-expanded')) === 'true');
  await page.screenshot({ path: OUT + '/box-rotterdam.png', fullPage: true });
  await axe(page, 'the search box with results');

  // arrows and Enter open the hit's address
  await page.getByRole('combobox').press('ArrowDown');
  const first = hits.first();
  check('ArrowDown selects the first hit',
    (await first.getAttribute('aria-selected')) === 'true' &&
    (await page.getAttribute('[role=combobox]', 'aria-activedescendant')) === (await first.getAttribute('id')));
  await page.getByRole('combobox').press('ArrowDown');
  await page.getByRole('combobox').press('ArrowUp');
  const href = await first.getAttribute('data-href');
  await Promise.all([page.waitForURL(href, { timeout: 8000 }), page.getByRole('combobox').press('Enter')]);
  check('Enter opens the selected hit\'s address', page.url() === href, page.url());
  check('... the document page, styled, with its metadata',
    (await page.locator('.thp-docmeta dt').count()) >= 2 &&
    (await page.locator('link[href$="searchbox.css"]').count()) === 1);
  await page.screenshot({ path: OUT + '/doc.png', fullPage: true });
  await axe(page, 'the document page');
  check('no script errors', page.errors.length === 0, page.errors.join('; '));
  await ctx.close();
});

await step('sao paulo', async () => {
  const { ctx, page } = await fresh();
  await page.goto(THP);
  await type(page, 'sao paulo');
  await statusFor(page, 'sao paulo');
  const text = (await page.locator('.thp-hits').textContent()) || '';
  check('sao paulo finds the São Paulo items', /São Paulo/.test(text), text.slice(0, 200));
  await ctx.close();
});

await step('did you mean', async () => {
  const { ctx, page } = await fresh();
  await page.goto(THP);
  await type(page, 'rotterdm');
  await statusFor(page, 'rotterdm');
  const dym = page.locator('.thp-dym a');
  await dym.waitFor({ timeout: 5000 });
  check('rotterdm offers "rotterdam"', (await dym.textContent()) === 'rotterdam');
  await dym.click();
  await statusFor(page, 'rotterdam');
  check('... and following it searches for rotterdam',
    (await page.getByRole('combobox').inputValue()) === 'rotterdam' &&
    (await page.locator('.thp-hits [role=option]').count()) > 0);
  await ctx.close();
});

await step('facets', async () => {
  const { ctx, page } = await fresh();
  await page.goto(THP);
  await type(page, 'migrant integration');
  await statusFor(page, 'migrant integration');
  const chip = page.locator('.thp-facet button', { hasText: 'Report' });
  await chip.waitFor({ timeout: 5000 });
  const before = Number(((await page.textContent('.thp-status')).match(/([\d,]+) results?/) || [])[1]);
  await chip.click();
  await page.waitForFunction(() => document.querySelector('.thp-facet button[aria-pressed=true]'));
  await page.waitForFunction(b => {
    const m = document.querySelector('.thp-status').textContent.match(/([\d,]+) results?/);
    return m && Number(m[1]) < b;
  }, before, { timeout: 5000 });
  const metas = await page.locator('.thp-hits .thp-meta').allTextContents();
  check('a facet chip narrows the hits to reports', metas.length > 0 && metas.every(m => m.startsWith('Report')), metas.join(' | '));
  check('... each report hit says its page', metas.every(m => /p\. \d+/.test(m)), metas.join(' | '));
  const titles = await page.locator('.thp-hits .thp-hit').evaluateAll(ls => ls.map(l =>
    l.querySelector('.thp-title').textContent + ' ' + l.querySelector('.thp-meta').textContent));
  check('... so no two hits read the same', new Set(titles).size === titles.length, titles.join(' | '));
  await page.screenshot({ path: OUT + '/facet-report.png', fullPage: true });
  await ctx.close();
});

await step('load more', async () => {
  const { ctx, page } = await fresh();
  await page.goto(THP);
  await type(page, 'migration');
  await statusFor(page, 'migration');
  const more = page.locator('.thp-more');
  if (await more.isHidden()) { check('"More results" loads the next hits', false, 'no more button'); return; }
  await more.click();
  await page.waitForFunction(() => document.querySelectorAll('.thp-hits [role=option]').length > 10);
  const ids = await page.locator('.thp-hits [role=option] .thp-title').allTextContents();
  check('"More results" appends the next hits', ids.length > 10, String(ids.length));
  await ctx.close();
});

await step('stale', async () => {
  const { ctx, page } = await fresh();
  // the answer to "rot" comes late, after the answer to "rotterdam"
  await page.route(/\/search\?q=rot&/, async r => { await new Promise(f => setTimeout(f, 1200)); await r.continue(); });
  await page.goto(THP);
  await page.getByRole('combobox').fill('rot');
  await page.waitForTimeout(300);
  await page.getByRole('combobox').fill('rotterdam');
  await statusFor(page, 'rotterdam');
  await page.waitForTimeout(1500);
  check('a late answer to an older query is discarded',
    (await page.textContent('.thp-status')).includes('“rotterdam”'), await page.textContent('.thp-status'));
  await ctx.close();
});

await step('escape', async () => {
  const { ctx, page } = await fresh();
  await page.goto(THP);
  await type(page, 'rotterdam');
  await statusFor(page, 'rotterdam');
  await page.getByRole('combobox').press('Escape');
  check('Escape clears the box and the hits',
    (await page.getByRole('combobox').inputValue()) === '' &&
    (await page.locator('.thp-hits [role=option]').count()) === 0);
  await ctx.close();
});

await step('hostile query', async () => {
  const { ctx, page } = await fresh();
  await page.goto(THP);
  const q = '<script>alert(1)</script><img src=x onerror=alert(2)>';
  await type(page, q);
  await page.waitForFunction(() => document.querySelector('.thp-status').textContent.length > 0);
  await page.waitForTimeout(600);
  check('a <script> query is inert in the box',
    !page.dialogs && (await page.locator('.thp-search script, .thp-search img').count()) === 0,
    'dialogs ' + (page.dialogs || 0));
  await page.goto(THP + '?q=' + encodeURIComponent(q));
  await page.waitForTimeout(600);
  check('... and on the results page',
    !page.dialogs && (await page.locator('main script, main img').count()) === 0 &&
    (await page.getByRole('combobox').inputValue()) === q);
  await ctx.close();
});

// ---- without JavaScript -------------------------------------------------------

await step('no javascript', async () => {
  const { ctx, page } = await fresh({ javaScriptEnabled: false });
  await page.goto(THP);
  await page.fill('input[name=q]', 'rotterdam');
  await Promise.all([page.waitForURL(/\?q=rotterdam/), page.press('input[name=q]', 'Enter')]);
  const n = await page.locator('.thp-hits .thp-hit').count();
  check('without JavaScript the form gives a results page', n > 0, String(n));
  check('... with marked passages', (await page.locator('.thp-hits mark').count()) > 0);
  await page.screenshot({ path: OUT + '/nojs-rotterdam.png', fullPage: true });
  await page.goto(THP + '?q=migrant+integration');
  const chip = page.locator('.thp-facet a', { hasText: 'report' });
  await Promise.all([page.waitForURL(/kind=report/), chip.click()]);
  const metas = await page.locator('.thp-hits .thp-meta').allTextContents();
  check('... facet links narrow it', metas.length > 0 && metas.every(m => m.startsWith('Report')), metas.join(' | '));
  check('... and the filter in force is shown', (await page.locator('.thp-facet a[aria-current]').count()) === 1);
  await page.goto(THP + '?q=rotterdm');
  check('... "did you mean" is a link', (await page.locator('.thp-dym a').textContent()) === 'rotterdam');
  await page.goto(THP + '?q=migration');
  const next = page.locator('a[rel=next]');
  if (await next.count()) {
    await Promise.all([page.waitForURL(/offset=/), next.click()]);
    check('... pages link on', (await page.locator('.thp-hits').getAttribute('start')) !== '1');
  } else check('... pages link on', false, 'no next link for migration');
  await ctx.close();
});

await step('results page for axe', async () => {
  // the page as a browser without JavaScript gets it: the box's script is
  // not loaded, so what axe-core sees is the daemon's own HTML
  const { ctx, page } = await fresh();
  await page.route(/searchbox\.js/, r => r.abort());
  await page.goto(THP + '?q=migrant+integration&kind=report');
  check('the results page is the daemon\'s own HTML', (await page.locator('.thp-hits .thp-hit').count()) > 0 &&
    (await page.locator('[role=combobox]').count()) === 0);
  await axe(page, 'the results page without JavaScript');
  await ctx.close();
});

await step('404', async () => {
  const { ctx, page } = await fresh();
  const r = await page.goto(THP + 'no/such/page');
  check('a missing page is an HTML page for a browser',
    r.status() === 404 && /text\/html/.test(r.headers()['content-type']) &&
    (await page.locator('h1').textContent()).includes('404'));
  await ctx.close();
});

// ---- on another site ----------------------------------------------------------

await step('embedded', async () => {
  const { ctx, page } = await fresh();
  const asked = [];
  page.on('request', r => asked.push(r.url()));
  await page.goto(HOST + 'host.html');
  await type(page, 'rotterdam');
  await statusFor(page, 'rotterdam');
  const hrefs = await page.locator('.thp-hits [role=option]').evaluateAll(os => os.map(o => o.dataset.href));
  check('the box works embedded in a page of another origin',
    hrefs.length > 0 && new URL(HOST).origin !== new URL(THP).origin, hrefs.join(' '));
  check('... its links lead to the service or the web address, not the host',
    hrefs.every(h => !h.startsWith(new URL(HOST).origin)), hrefs[0]);
  const font = await page.$eval('.thp-search', e => getComputedStyle(e).fontFamily);
  const accent = await page.$eval('.thp-title', e => getComputedStyle(e).color);
  check('... with the host page\'s font and colour', /Georgia|serif/.test(font) && accent === 'rgb(107, 45, 92)', font + ' ' + accent);
  await page.screenshot({ path: OUT + '/embedded.png', fullPage: true });
  await axe(page, 'the box embedded in another site');
  check('no script errors embedded', page.errors.length === 0, page.errors.join('; '));
  const hosts = new Set([new URL(HOST).origin, new URL(THP).origin]);
  const elsewhere = asked.filter(u => !hosts.has(new URL(u).origin));
  check('... nothing loaded from any other host', asked.length > 2 && elsewhere.length === 0, elsewhere.join(' '));
  await ctx.close();
});

await step('unreachable', async () => {
  const { ctx, page } = await fresh();
  await page.goto(HOST + 'down.html');
  await type(page, 'rotterdam');
  await page.waitForFunction(() => /not available/.test(document.querySelector('.thp-status').textContent), null, { timeout: 8000 });
  check('an unreachable service gets a calm message', true);
  await ctx.close();
});

// ---- a phone ---------------------------------------------------------------------

await step('phone', async () => {
  const { ctx, page } = await fresh({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  await page.goto(THP);
  await type(page, 'migrant integration');
  await statusFor(page, 'migrant integration');
  await page.waitForTimeout(700);
  const wide = async () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  const w1 = await wide();
  await page.screenshot({ path: OUT + '/phone-box.png', fullPage: true });
  await page.goto(THP + 'doc/1');
  const w2 = await wide();
  await page.goto(THP + '?q=migrant+integration');
  const w3 = await wide();
  await page.screenshot({ path: OUT + '/phone-results.png', fullPage: true });
  check('a phone viewport has no horizontal scroll (box, document, results)', w1 <= 0 && w2 <= 0 && w3 <= 0, [w1, w2, w3].join(','));
  await ctx.close();
});

// ---- its weight ---------------------------------------------------------------------
{
  const { gzipSync } = await import('node:zlib');
  const web = new URL('../../web/', import.meta.url);
  const both = Buffer.concat([readFileSync(new URL('searchbox.js', web)), readFileSync(new URL('searchbox.css', web))]);
  const gz = gzipSync(both, { level: 9 }).length;
  check('searchbox.js + searchbox.css under 12 KB gzipped (' + gz + ' bytes)', gz < 12 * 1024);
}

await browser.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
