// search.test.mjs: the search page `/` as a person uses it, in headless
// Chromium, on the demo data (1,500 entrepreneurs, seed 7). The expected
// values come from the API for the same search; the checks are on what
// the page shows. Run by tools/test-pages.
import { run } from './harness.mjs';

const text = (s) => (s || '').replace(/\s+/g, ' ').trim();
const exactly = (s) => new RegExp(`^${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
const QUERY = 'plombie';                       // a typo, no accent
const TYPED = 'marnes';                        // a small commune near Paris
const PLACE = 'Marnes-la-Coquette (92)';

process.exitCode = await run('search page', { size: 1500, seed: 7 }, async ({ page, base, check, expect400 }) => {
  const api = async (qs) => (await fetch(`${base}/api/v1/search?${qs}`)).json();
  const want = await api(new URLSearchParams({ q: QUERY, near: PLACE, limit: '20' }));
  check(want.total >= 3 && want.place?.insee === '92047', want.total === undefined
    ? `the search API answers: ${JSON.stringify(want).slice(0, 200)}`
    : `the demo data has ${want.total} results for "${QUERY}" near ${PLACE}`);

  const count = page.locator('#compte');
  const items = page.locator('#liste > li');
  const ids = (sel) => page.locator(sel).evaluateAll((es) => es.map((e) => e.dataset.id));
  const agree = async (what) => {
    const listed = await ids('#liste > li');
    const pinned = await ids('#carte .pin[data-id]');
    check(listed.length > 0 && listed.join() === pinned.join(),
      `${what}: ${pinned.length} markers for the ${listed.length} listed results, same entrepreneurs`);
  };

  await page.goto(`${base}/`);
  await count.filter({ hasText: 'trouvés' }).waitFor();

  // Type the trade, then a commune; choose it with the keyboard.
  await page.getByLabel('Quel métier, quelle compétence').click();
  await page.keyboard.type(QUERY, { delay: 20 });
  const near = page.getByRole('combobox', { name: /Où/ });
  await near.click();
  const suggested = page.waitForResponse((r) => r.url().includes(`/api/v1/places?limit=8&q=${TYPED}`));
  await page.keyboard.type(TYPED, { delay: 40 });
  await suggested;                               // the last keystroke's answer
  const option = page.getByRole('option', { name: /Marnes-la-Coquette \(92\)/ });
  await option.waitFor();
  check(await near.getAttribute('aria-expanded') === 'true', 'the place box proposes communes (aria-expanded)');
  await page.keyboard.press('ArrowDown');
  check(await option.getAttribute('aria-selected') === 'true'
    && await near.getAttribute('aria-activedescendant') === await option.getAttribute('id'),
    'ArrowDown highlights Marnes-la-Coquette (aria-activedescendant)');
  await page.keyboard.press('Enter');
  check(await near.inputValue() === PLACE && await page.locator('#near-liste').isHidden(),
    `Enter picks "${PLACE}" and closes the list`);
  await page.keyboard.press('Enter');            // submits the form

  const expected = `${want.total} entrepreneurs trouvés autour de ${PLACE}`;
  await count.filter({ hasText: exactly(expected) }).waitFor();
  check(text(await count.textContent()) === expected, `the count reads "${expected}"`);
  const url = new URL(page.url());
  check(url.searchParams.get('q') === QUERY && url.searchParams.get('near') === PLACE,
    `the URL holds the search (${url.search})`);
  check(await items.count() === want.results.length, `${want.results.length} results listed`);
  const first = items.first();
  check(text(await first.locator('h3').textContent()) === want.results[0].name,
    `the first result is ${want.results[0].name}`);
  const why = (await first.locator('.pourquoi li').allTextContents()).map(text);
  check(why.some((w) => /^à \d+ km de Marnes-la-Coquette$/.test(w)) && why.join() === want.results[0].why.join(),
    `the first result says why: ${why.join(' | ')}`);
  check(await page.locator('#liste .extrait mark').count() > 0, 'a snippet marks the matched words (<mark>)');
  await agree('search');
  check(await page.locator('#carte .pin-lieu').count() === 1, 'the searched place has its own marker');
  if (process.env.ESSAIM_SCREENSHOT) await page.screenshot({ path: process.env.ESSAIM_SCREENSHOT });

  // A facet narrows the results and goes into the URL; Back undoes it.
  const facet = page.locator('#facettes .facet[data-facet="trade"]')
    .filter({ hasNotText: `(${want.total})` }).first();
  const code = await facet.getAttribute('data-value');
  const n = want.facets.trade[code];
  await facet.click();
  await count.filter({ hasText: new RegExp(`^${n} entrepreneurs? trouvés? `) }).waitFor();
  check(n < want.total && new URL(page.url()).searchParams.get('trade') === code,
    `the facet ${code} narrows ${want.total} → ${n} results and sets trade=${code} in the URL`);
  check(await items.count() === n, `${n} results listed after the facet`);
  await agree('facet');
  const chip = page.getByRole('button', { name: /^Retirer le filtre Métier/ });
  check(await chip.isVisible() && await chip.evaluate((e) => e === document.activeElement),
    'the active filter shows a button to remove it, and it has the focus');
  await page.goBack();
  await count.filter({ hasText: exactly(expected) }).waitFor();
  check(!new URL(page.url()).searchParams.has('trade') && await items.count() === want.results.length,
    'Back returns to the search without the facet');

  // The full profile opens under a result.
  await first.getByText('Voir le profil').click();
  await first.locator('.profil dt').first().waitFor();
  check((await first.locator('.profil dt').allTextContents()).includes('Présentation'),
    'a result opens its full profile');

  // "Plus de résultats" appends the next page, on the list and the map.
  await page.getByLabel('Quel métier, quelle compétence').fill('');
  await near.fill('');
  await page.getByRole('button', { name: 'Rechercher' }).click();
  await count.filter({ hasText: ', 20 affichés' }).waitFor();
  await page.getByRole('button', { name: 'Plus de résultats' }).click();
  await count.filter({ hasText: ', 40 affichés' }).waitFor();
  check(await items.count() === 40, '"Plus de résultats" shows 40 results');
  await agree('next page');

  // An unknown place: the French message next to the place field.
  await near.fill('Zzyzxville');
  await expect400('/api/v1/search', async () => {
    await page.getByRole('button', { name: 'Rechercher' }).click();
    await page.locator('#near-erreur').filter({ hasText: 'Lieu inconnu' }).waitFor();
  });
  const error = text(await page.locator('#near-erreur').textContent());
  const field = page.locator('.field', { has: page.locator('#near-erreur') });
  check(error.startsWith('Lieu inconnu : « Zzyzxville »') && await field.locator('#near').count() === 1
    && await near.getAttribute('aria-invalid') === 'true',
    `an unknown place shows "${error}" next to the place field`);
  check(await items.count() === 0 && await page.locator('#carte .pin').count() === 0,
    'the error leaves no stale results on the list or the map');
});
