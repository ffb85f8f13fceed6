// demand.test.mjs: the demand page (demand.html) as an entrepreneur uses
// it, in headless Chromium, on a small demo (300 entrepreneurs, seed 7).
// A client registers and files a request through the API; someone
// searches for a trade nobody offers, with a name and a phone number in
// the words. The page then shows this month's request and empty search in
// the chart, the table and the words (the trade word only); the
// département filter narrows the figures and goes into the URL; a bad
// trade code is refused next to its field. Run by tools/test-pages.
import { run } from './harness.mjs';

const text = (s) => (s || '').replace(/\s+/g, ' ').trim();
const CLIENT = { email: 'cliente@exemple.fr', password: 'salle-de-bain-2026' };

process.exitCode = await run('demand page', { size: 300, seed: 7 }, async ({ page, base, check, expect400 }) => {
  const call = async (method, path, body, token) => {
    const headers = { 'Content-Type': 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    const res = await fetch(`${base}${path}`, { method, headers, body: body && JSON.stringify(body) });
    return { status: res.status, body: res.status === 204 ? null : await res.json() };
  };
  const stats = async (q = '') => (await call('GET', `/api/v1/stats/demand${q}`)).body;

  const before = await stats();
  check(before.totals.requests === 0 && before.totals.searches_empty === 0 && before.months.length === 12,
    'a new instance has no demand yet: twelve months of zeros');

  // A client registers, signs in and files a request at Rezé (44).
  const made = await call('POST', '/api/v1/accounts', CLIENT);
  check(made.status === 201, 'a client registers through the API');
  const login = await call('POST', '/api/v1/auth/login', CLIENT);
  check(login.status === 200, 'the client signs in');
  const deadline = new Date(Date.now() + 60 * 86400e3).toISOString().slice(0, 10);
  const req = await call('POST', '/api/v1/requests', {
    title: 'Rénovation de salle de bain', location: { insee: '44143' }, deadline,
  }, login.body.token);
  check(req.status === 201, `the client files "Rénovation de salle de bain" at Rezé, before ${deadline}`);

  // A search nobody answers, with a name and a phone number in it.
  const q = encodeURIComponent('scaphandrier Jean Dupont 06 12 34 56 78');
  const found = await call('GET', `/api/v1/search?q=${q}&near=${encodeURIComponent('Rezé')}`);
  check(found.status === 200 && found.body.total === 0, 'a search for "scaphandrier Jean Dupont 06 12 34 56 78" near Rezé finds nobody');
  let after = null;
  for (let i = 0; i < 100; i++) {
    after = await stats();
    if (after.totals.searches_empty >= 1) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  check(after.totals.requests === 1 && after.totals.searches_empty === 1
    && JSON.stringify(after.words) === '[{"words":"scaphandrier","n":1}]',
  'the API counts the request and the empty search; of the words, only "scaphandrier" is kept');

  // The page, as it opens: the last twelve months.
  await page.goto(`${base}/demand.html`);
  const etat = page.locator('#etat');
  await etat.filter({ hasText: '1 demande de client' }).waitFor();
  check(/1 recherche sans résultat/.test(await etat.textContent()),
    `the status line sums the period: "${text(await etat.textContent())}"`);
  const thisMonth = await page.evaluate(() => new Date().toLocaleDateString('fr-FR',
    { month: 'long', year: 'numeric', timeZone: 'UTC' }));
  const rows = page.locator('#table-mois tbody tr');
  check(await rows.count() === 12, 'the table under the chart has one row per month');
  const last = (await rows.last().locator('th, td').allTextContents()).map(text);
  check(last.join('|') === `${thisMonth}|1|1|0`,
    `this month's row reads ${last.join(' | ')} (month, requests, empty searches, tenders)`);
  const foot = (await page.locator('#table-mois tfoot tr').locator('th, td').allTextContents()).map(text);
  check(foot.join('|') === 'Total|1|1|0', 'the total row reads Total | 1 | 1 | 0');

  // The chart: inline SVG, one bar of each kind, named for assistive technology.
  const svg = page.locator('#graphe svg.graphe');
  check(await svg.getAttribute('role') === 'img' && await svg.locator('title').first().textContent() !== '',
    'the chart is an inline SVG with role="img" and a title');
  const bars = svg.locator('rect.barre-demandes');
  check(await bars.count() === 1 && await svg.locator('rect.barre-recherches').count() === 1,
    'the chart draws one bar for the request and one for the empty search');
  check(text(await bars.locator('title').textContent()) === `${thisMonth} : 1 demande`,
    `the request's bar says "${text(await bars.locator('title').textContent())}"`);
  const legend = (await page.locator('.legende li').allTextContents()).map(text);
  check(legend.join('|') === 'Demandes de clients|Recherches sans résultat', `the legend names both colours: ${legend.join(', ')}`);
  const scripts = await page.evaluate(() => [...document.scripts].map((s) => s.src));
  check(scripts.every((s) => s.startsWith(base)), 'no script from elsewhere (no CDN)');

  // The words: the trade word, not the name nor the number.
  const words = text(await page.locator('#mots').textContent());
  check(/scaphandrier/.test(words) && !/dupont|jean|06/i.test(words), `the words list shows "${words}" only`);

  // The detail by trade and département.
  await page.getByText('Le détail par métier et département').click();
  const detail = (await page.locator('#table-detail tbody tr').allTextContents()).map(text);
  check(detail.length === 1 && detail[0].includes('44') && detail[0].includes('non précisé'),
    `the detail lists the month's row in Loire-Atlantique: ${detail[0]}`);

  // Filters: another département, then the request's.
  await page.getByLabel('Département', { exact: true }).fill('75');
  await page.getByRole('button', { name: 'Afficher' }).click();
  await etat.filter({ hasText: '0 demande de client' }).waitFor();
  check(new URL(page.url()).searchParams.get('departement') === '75'
    && await page.locator('#graphe rect.barre-demandes').count() === 0,
  'département 75: no bar, and the filter is in the URL');
  await page.getByLabel('Département', { exact: true }).fill('44');
  await page.keyboard.press('Enter');
  await etat.filter({ hasText: '1 demande de client' }).waitFor();
  check(/département 44/.test(await etat.textContent()), 'département 44 (Rezé): the request again');

  // A reload keeps the view.
  await page.reload();
  await etat.filter({ hasText: 'département 44' }).waitFor();
  check(await page.getByLabel('Département', { exact: true }).inputValue() === '44', 'a reload keeps the filter');

  // A bad trade code: 400, said next to the field, in French.
  await expect400('/api/v1/stats/demand', async () => {
    await page.getByLabel('Métier', { exact: true }).fill('F16 !');
    await page.getByRole('button', { name: 'Afficher' }).click();
    await page.locator('#trade-erreur:visible').waitFor();
  });
  check(/code de métier/.test(await page.locator('#trade-erreur').textContent())
    && await page.getByLabel('Métier', { exact: true }).getAttribute('aria-invalid') === 'true',
  `a bad trade code is refused next to its field: "${text(await page.locator('#trade-erreur').textContent())}"`);
  await page.getByLabel('Métier', { exact: true }).fill('F16');
  await page.getByRole('button', { name: 'Afficher' }).click();
  await page.locator('#trade-erreur').waitFor({ state: 'hidden' });
  check(/0 demande de client/.test(await etat.textContent()),
    'trade F16: the request wanted no trade, so it is not counted under F16');
});
