// time.test.mjs: contribution-temps (time.html) as people use it, in
// headless Chromium, on the demo data (1,500 entrepreneurs, seed 7) with
// its demo accounts (demo-N@essaim.demo and staff-coop-N@essaim.demo,
// password essaim-demo). The "done when" (issue 9): two
// entrepreneurs of different cooperatives, A and B, each in their own
// browser. Signed out, the page explains itself. A publishes a need, then
// records "B helped me 2 h" with a double click: one transfer. B confirms
// it on the page: A shows −2 h, B +2 h, and the report of A's cooperative
// (its staff, through the API) shows the exchange with B's. The staff
// caps the pair at 3 h (PATCH, through the API): A's next "B helped me
// 1 h 30" is refused with the French message next to the form, nothing
// recorded. A records "I helped B 1 h" and the first answer is lost (a
// 502 from a proxy, after the server recorded it): sending again answers
// the same transfer, one only. B opens it through the link of the e-mail
// (#transfer=ID) and refuses it with a reason. Reloaded, both pages keep
// everything. B's inbox links each notice of a transfer to it. B finds
// A's need with the search box (the search engine, kind=post), its words
// marked; A changes its title under "Mes annonces" (only the title is
// sent), then closes it: "Fermée", out of the list, and B's search no
// longer finds it. Run by tools/test-pages.
import { run } from './harness.mjs';

const text = (s) => (s || '').replace(/\s+/g, ' ').trim();
const PASSWORD = 'essaim-demo';
const NEED = 'Refaire la page d’accueil de mon site';
const day = (n) => new Date(Date.now() + n * 86400000).toISOString().slice(0, 10);

// `essaim demo` makes the demo accounts when ESSAIM_DEMO_ACCOUNTS is set
// (the harness runs it with this environment).
process.env.ESSAIM_DEMO_ACCOUNTS = '1';

process.exitCode = await run('time page', { size: 1500, seed: 7, timeoutMs: 60000 }, async ({ page, base, check, expectStatus, newPage }) => {
  const call = async (method, path, body, token) => {
    const headers = { 'Content-Type': 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    const res = await fetch(`${base}${path}`, { method, headers, body: body && JSON.stringify(body) });
    return { status: res.status, body: res.status === 204 ? null : await res.json() };
  };
  const login = async (email) => (await call('POST', '/api/v1/auth/login', { email, password: PASSWORD })).body;
  const finds = async (token, who) => {
    const r = await call('GET', `/api/v1/search?${new URLSearchParams({ kind: 'entrepreneur', q: who.name, limit: '20' })}`, null, token);
    return r.status === 200 && r.body.results.some((x) => x.id === who.id);
  };

  // A: demo-1. B: the first demo entrepreneur of another cooperative
  // whom A finds by name, and who finds A. The staff of A's cooperative.
  const la = await login('demo-1@essaim.demo');
  const A = { email: 'demo-1@essaim.demo', token: la.token, id: la.account.entrepreneur_id, coop: la.account.cooperative_id, name: la.account.display_name };
  let B = null;
  for (let n = 2; !B && n < 60; n++) {
    const e = await call('GET', `/api/v1/entrepreneurs/${n}`, null, A.token);
    if (e.status !== 200 || e.body.cooperative_id === A.coop || !/^demo-\d+$/.test(e.body.external_id)) continue;
    const who = { id: e.body.id, name: e.body.display_name };
    if (!await finds(A.token, who)) continue;
    const lb = await login(`${e.body.external_id}@essaim.demo`);
    if (lb && lb.token && await finds(lb.token, { id: A.id, name: A.name })) {
      B = { ...who, email: `${e.body.external_id}@essaim.demo`, token: lb.token, coop: e.body.cooperative_id, coopName: e.body.cooperative.name };
    }
  }
  const coopA = (await call('GET', `/api/v1/cooperatives/${A.coop}`)).body;
  const staffEmail = `staff-${coopA.external_id.replace(/^demo-/, '')}@essaim.demo`;
  const staff = (await login(staffEmail)).token;
  check(B && staff, `A = ${A.name} (${coopA.name}), B = ${B && B.name} (${B && B.coopName}), staff ${staffEmail}`);
  const pendingOfB = async () => (await call('GET', `/api/v1/time/accounts/${B.id}`, null, B.token)).body.pending;

  // 0. Signed out: a short explanation and the way to sign in.
  await page.goto(`${base}/time.html`);
  await page.locator('#refus').waitFor();
  check(text(await page.locator('#refus-texte').textContent()).includes('connectez-vous')
    && await page.locator('#refus').getByRole('link', { name: 'Se connecter' }).getAttribute('href') === '/account.html'
    && await page.locator('#entraide').isHidden(),
    'signed out, the page explains the hours of mutual help and links to "Se connecter"');

  // signIn: through account.html, as tenders.test.mjs.
  const signIn = async (p, email) => {
    await p.goto(`${base}/account.html`);
    await p.locator('#f-connexion').getByLabel('Adresse e-mail').fill(email);
    await p.locator('#f-connexion').getByLabel('Mot de passe').fill(PASSWORD);
    const roles = p.waitForResponse((r) => r.url().endsWith('/api/v1/me'));
    await p.getByRole('button', { name: 'Se connecter' }).click();
    await p.locator('#moncompte h1:visible').waitFor();
    await roles;
    await p.waitForFunction(() => ![...document.querySelectorAll('#fiche dd')].some((d) => d.textContent.startsWith('n° ')));
  };
  const open = async (p, hash = '') => {
    await p.goto(`${base}/time.html${hash}`);
    await p.locator('#entraide').waitFor();
    await p.locator('#solde-heures:not(:empty)').waitFor();
  };
  const balance = async (p) => text(await p.locator('#solde-heures').textContent());

  // 1. A signs in and opens the page: 0 h, the limits as a gauge.
  await signIn(page, A.email);
  await open(page);
  const gauge = page.getByRole('meter', { name: 'Mon solde' });
  check(await balance(page) === '0 h' && await gauge.getAttribute('aria-valuemin') === '-20'
    && await gauge.getAttribute('aria-valuemax') === '40'
    && text(await page.locator('#solde-min').textContent()) === 'minimum −20 h'
    && text(await page.locator('#historique-compte').textContent()).startsWith('Aucun échange confirmé'),
    'A\'s page: "Mon solde" 0 h on a gauge from −20 h to +40 h, an empty history');

  // A publishes a need.
  await page.getByRole('button', { name: 'Publier une offre ou une demande' }).click();
  await page.getByLabel('Je cherche de l’aide').check();
  await page.getByLabel('Titre').fill(NEED);
  await page.getByLabel('Description', { exact: false }).fill('Une page claire, lisible au téléphone.');
  await page.getByLabel('Métiers').fill('M1805, mise en page');
  await page.getByLabel('Jusqu’au').fill(day(30));
  const posted = page.waitForResponse((r) => r.url().endsWith('/api/v1/time/posts') && r.request().method() === 'POST');
  await page.getByRole('button', { name: 'Publier', exact: true }).click();
  const postRes = await posted;
  const postId = (await postRes.json()).id;
  const card = page.locator(`#p-${postId}`);
  await card.waitFor();
  check(postRes.status() === 201 && text(await card.textContent()).includes('Demande d’aide')
    && text(await card.textContent()).includes('Études et développement informatique')
    && text(await card.textContent()).includes('mise en page')
    && text(await page.locator('#annonces-etat').textContent()).includes('Votre demande est publiée'),
    `A publishes a need (201): listed with its kind and trades, "${text(await page.locator('#annonces-etat').textContent())}"`);

  // 2. A records "B helped me 2 h", double-clicking the button.
  const keys = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().endsWith('/api/v1/time/transfers')) keys.push(r.headers()['idempotency-key']);
  });
  const form = page.locator('#f-echange');
  const pick = async (p, who) => {
    const box = p.getByRole('combobox', { name: 'L’autre personne' });
    await box.fill(who.name);
    await p.locator('#echange-other-liste [role="option"]', { hasText: who.name }).filter({ hasText: who.coopName }).first().click();
  };
  await form.getByLabel('Quelqu’un m’a aidé·e').check();
  await pick(page, B);
  await form.getByLabel('Durée').selectOption('2');
  await form.getByLabel('Note').fill('Mise en page de mon site');
  await form.getByLabel('Offre ou demande liée').selectOption(String(postId));
  await form.getByRole('button', { name: 'Enregistrer l’échange' }).dblclick();
  await page.locator('#f-echange-ok', { hasText: 'Échange enregistré' }).waitFor();
  await page.locator('#en-attente > li').first().waitFor();
  let pb = await pendingOfB();
  const waiting = text(await page.locator('#en-attente > li').first().textContent());
  check(keys.length >= 1 && new Set(keys).size === 1 && /^[0-9a-f-]{32,36}$/.test(keys[0])
    && pb.length === 1 && await page.locator('#en-attente > li').count() === 1
    && waiting.includes(`${B.name} vous a aidé·e : 2 h`) && waiting.includes(`En attente de la réponse de ${B.name}`)
    && await form.locator('[aria-invalid]').count() === 0,
    `a double click sends ${keys.length} request(s) with one Idempotency-Key and records one transfer: "${waiting.slice(0, 90)}…"`);
  const first = pb[0];
  check(first.from === A.id && first.to === B.id && first.hours === 2 && first.post_id === String(postId)
    && first.note === 'Mise en page de mon site',
    'the transfer goes from A (who received the help) to B (who helped), 2 h, with the note and the need');

  // 3. B, in their own browser, confirms it on the page.
  const pageB = await newPage();
  await signIn(pageB, B.email);
  await open(pageB);
  const toAnswer = pageB.locator(`#liste-${first.id}`);
  await toAnswer.waitFor();
  const asked = text(await toAnswer.textContent());
  check(asked.includes(`Vous avez aidé ${A.name} : 2 h`) && asked.includes('À confirmer par vous')
    && asked.includes('Mise en page de mon site') && asked.includes(`Demande liée : ${NEED}`)
    && await pageB.locator('#a-repondre').isVisible(),
    `B's page asks: "${asked.slice(0, 100)}…"`);
  await toAnswer.getByRole('button', { name: 'Confirmer' }).click();
  await pageB.locator('#attente-etat', { hasText: 'Échange confirmé' }).waitFor();
  await pageB.locator('#historique-lignes tr').first().waitFor();
  const rowB = text(await pageB.locator('#historique-lignes tr').first().textContent());
  check(await balance(pageB) === '+2 h' && rowB.includes(A.name) && rowB.includes('+2 h')
    && await pageB.locator('#a-repondre > li').count() === 0
    && text(await pageB.locator('#attente-etat').textContent()).includes(`passent du compte de ${A.name} au vôtre`),
    `B confirms: "${text(await pageB.locator('#attente-etat').textContent())}", balance +2 h, one line of history`);

  // A sees it after a reload: −2 h.
  await open(page);
  const rowA = text(await page.locator('#historique-lignes tr').first().textContent());
  check(await balance(page) === '−2 h' && await page.locator('#historique-lignes tr').count() === 1
    && rowA.includes(B.name) && rowA.includes(B.coopName) && rowA.includes('−2 h') && rowA.includes('Mise en page de mon site')
    && text(await page.locator('#solde-recu').textContent()) === '2 h' && await page.locator('#en-attente > li').count() === 0,
    `A's page: −2 h, aide reçue 2 h, one line: "${rowA}"`);

  // 4. The report of A's cooperative, for its staff.
  let report = (await call('GET', `/api/v1/cooperatives/${A.coop}/time`, null, staff)).body;
  let ex = report.exchanges.find((x) => x.cooperative.id === B.coop);
  check(ex && ex.received === 2 && ex.given === 0 && ex.net === -2 && ex.net_all_time === -2 && report.balance === -2,
    `the report of ${coopA.name}: with ${B.coopName}, received 2 h, net −2 h`);

  // 5. The staff caps the pair at 3 h: A's "B helped me 1 h 30" would
  // take it to −3.5 h.
  const cap = await call('PATCH', `/api/v1/cooperatives/${A.coop}/time`, { pair_max: 3 }, staff);
  check(cap.status === 200 && cap.body.pair_max === 3, 'the staff sets pair_max to 3 h (PATCH)');
  await form.getByLabel('Quelqu’un m’a aidé·e').check();
  await pick(page, B);
  await form.getByLabel('Durée').selectOption('1.5');
  await expectStatus('/api/v1/time/transfers', 409, async () => {
    await form.getByRole('button', { name: 'Enregistrer l’échange' }).click();
    await page.locator('#f-echange-erreur:not([hidden])').waitFor();
  });
  const refused = text(await page.locator('#f-echange-erreur').textContent());
  check(refused.startsWith('Échange refusé : le solde des échanges entre vos deux coopératives ne peut pas dépasser 3 h')
    && refused.includes(`pour ${coopA.name} envers ${B.coopName}, il est de −2 h et passerait à −3 h 30`)
    && (await pendingOfB()).length === 0,
    `past the cap, nothing recorded and the form says: "${refused}"`);

  // 6. "I helped B 1 h"; the first answer is lost on the way (a proxy's
  // 502 after the server recorded the transfer). Sent again: the same
  // transfer, 200, still one.
  keys.length = 0;
  await form.getByLabel('J’ai aidé quelqu’un').check();
  await form.getByLabel('Durée').selectOption('1');
  let lost = 0;
  await page.route('**/api/v1/time/transfers', async (route) => {
    if (lost++) return route.continue();
    await route.fetch();
    return route.fulfill({ status: 502, contentType: 'application/json', body: '{"title":"Bad Gateway","status":502}' });
  });
  await expectStatus('/api/v1/time/transfers', 502, async () => {
    await form.getByRole('button', { name: 'Enregistrer l’échange' }).click();
    await page.locator('#f-echange-erreur', { hasText: 'erreur 502' }).waitFor();
  });
  pb = await pendingOfB();
  check(pb.length === 1 && text(await page.locator('#f-echange-erreur').textContent()).includes('ne sera pas enregistré deux fois'),
    `the answer lost, the server has it once; the page says: "${text(await page.locator('#f-echange-erreur').textContent())}"`);
  const replay = page.waitForResponse((r) => r.url().endsWith('/api/v1/time/transfers') && r.request().method() === 'POST');
  await form.getByRole('button', { name: 'Enregistrer l’échange' }).click();
  const again = await replay;
  await page.locator('#f-echange-ok', { hasText: 'Échange enregistré' }).waitFor();
  await page.unroute('**/api/v1/time/transfers');
  const second = (await again.json()).id;
  pb = await pendingOfB();
  check(again.status() === 200 && again.headers()['idempotent-replayed'] === 'true' && keys.length === 2 && keys[0] === keys[1]
    && second === pb[0].id && pb.length === 1 && pb[0].from === B.id && pb[0].to === A.id && pb[0].hours === 1,
    'sent again with the same Idempotency-Key: 200 Idempotent-Replayed, the same transfer (B pays A 1 h), one only');

  // 7. B opens it through the link of the e-mail and refuses it.
  await open(pageB, `#transfer=${second}`);
  const detail = pageB.locator(`#detail-${second}`);
  await detail.waitFor();
  await pageB.locator('#echange-titre:focus').waitFor();
  check(text(await pageB.locator('#echange-titre').textContent()) === `L’échange n° ${second}`
    && text(await detail.textContent()).includes(`${A.name} vous a aidé·e : 1 h`)
    && await detail.getByRole('button', { name: 'Confirmer' }).isVisible(),
    `#transfer=${second} opens the transfer, focused, with its buttons`);
  await detail.getByRole('button', { name: 'Refuser' }).click();
  await detail.getByLabel('Pourquoi refusez-vous cet échange').fill('Nous n’avons pas encore fait cette séance.');
  await detail.getByRole('button', { name: 'Refuser l’échange' }).click();
  await pageB.locator('#echange-etat', { hasText: 'Échange refusé' }).waitFor();
  await pageB.locator(`#detail-${second} .statut-rejected`).waitFor();
  check(text(await pageB.locator(`#detail-${second} .statut-rejected`).textContent()).includes('Nous n’avons pas encore fait cette séance.')
    && await pageB.locator(`#detail-${second}`).getByRole('button', { name: 'Confirmer' }).count() === 0
    && await balance(pageB) === '+2 h' && (await pendingOfB()).length === 0,
    'B refuses it with a reason: "Refusé …" with the reason, no more buttons, the balance still +2 h');

  // 8. Reloaded, both pages keep everything.
  await page.reload();
  await page.locator('#solde-heures:not(:empty)').waitFor();
  await pageB.reload();
  await pageB.locator('#solde-heures:not(:empty)').waitFor();
  check(await balance(page) === '−2 h' && await page.locator('#historique-lignes tr').count() === 1
    && await page.locator('#en-attente > li').count() === 0 && await page.locator('#a-repondre > li').count() === 0
    && await balance(pageB) === '+2 h' && await pageB.locator('#historique-lignes tr').count() === 1
    && await page.locator(`#p-${postId}`).isVisible(),
    'reloaded: A −2 h and B +2 h, one line of history each, nothing pending, the need still listed');
  report = (await call('GET', `/api/v1/cooperatives/${A.coop}/time`, null, staff)).body;
  ex = report.exchanges.find((x) => x.cooperative.id === B.coop);
  check(report.transfers === 1 && report.pending === 0 && ex.net_all_time === -2 && ex.pair_max === 3,
    'the report: one transfer, none pending, net −2 h with the pair capped at 3 h');

  // B sees A's need among the needs.
  await pageB.getByRole('button', { name: 'Demandes d’aide' }).click();
  await pageB.locator(`#p-${postId}`).waitFor();
  check(await pageB.locator(`#p-${postId}`).getByRole('button', { name: `Enregistrer un échange avec ${A.name}` }).isVisible(),
    'B finds A\'s need under "Demandes d’aide", with "Enregistrer un échange avec …"');

  // 9. B's inbox links the notice of each transfer to it.
  await pageB.goto(`${base}/inbox.html`);
  await pageB.locator('#notifications-liste li').first().waitFor();
  const links = await pageB.locator('#notifications-liste a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  check(links.includes(`/time.html#transfer=${first.id}`) && links.includes(`/time.html#transfer=${second}`),
    `B's inbox links the transfers: ${links.filter((h) => h.startsWith('/time.html')).join(', ')}`);

  // 10. B finds A's need through the search box (the search engine).
  await open(pageB);
  const seekB = pageB.locator('#f-chercher');
  await seekB.getByLabel('Chercher une offre ou une demande').fill('page accueil');
  const searchedB = pageB.waitForResponse((r) => r.url().includes('/api/v1/search?'));
  await seekB.getByRole('button', { name: 'Chercher' }).click();
  const sres = await searchedB;
  await pageB.locator('#annonces-compte', { hasText: 'trouvée' }).waitFor();
  const hitB = pageB.locator(`#p-${postId}`);
  check(new URL(sres.url()).searchParams.get('kind') === 'post' && await hitB.isVisible()
    && text(await pageB.locator('#annonces-compte').textContent()) === '1 annonce trouvée pour « page accueil ».'
    && text(await hitB.locator('mark').first().textContent()) === 'page'
    && text(await hitB.textContent()).includes(NEED)
    && await hitB.getByRole('button', { name: `Enregistrer un échange avec ${A.name}` }).isVisible()
    && await pageB.getByRole('button', { name: 'Revoir toutes les annonces' }).isVisible(),
    `B searches "page accueil": "${text(await pageB.locator('#annonces-compte').textContent())}", its words marked`);
  let found = (await call('GET', `/api/v1/search?${new URLSearchParams({ q: 'accueil' })}`, null, B.token)).body;
  const asResult = found.results.find((x) => x.kind === 'post' && x.id === String(postId));
  check(asResult && asResult.name === NEED && asResult.headline === A.name && asResult.post_kind === 'need'
    && asResult.why.includes(`demande d'entraide de ${A.name}`) && found.facets.kind.post === 1,
    'the search without kind finds it too, as a result of kind "post"');

  // 11. A changes the title of the need under "Mes annonces".
  await open(page);
  const mine = page.locator(`#mp-${postId}`);
  await mine.waitFor();
  check(text(await mine.locator('.etiquette-statut').textContent()).startsWith('Ouverte jusqu’au'),
    `"Mes annonces" lists the need: "${text(await mine.locator('.etiquette-statut').textContent())}"`);
  await mine.getByRole('button', { name: 'Modifier' }).click();
  const edited = 'Refaire la page d’accueil et le menu de mon site';
  const postForm = page.locator('#f-annonce');
  check(await postForm.getByLabel('Titre').inputValue() === NEED && await postForm.getByLabel('Métiers').inputValue() === 'M1805, mise en page'
    && text(await page.locator('#annonce-titre').textContent()) === 'Modifier l’annonce',
    'Modifier opens the form filled with the need');
  await postForm.getByLabel('Titre').fill(edited);
  const patched = page.waitForResponse((r) => r.url().endsWith(`/api/v1/time/posts/${postId}`) && r.request().method() === 'PATCH');
  await postForm.getByRole('button', { name: 'Enregistrer les modifications' }).click();
  const pres = await patched;
  await page.locator('#mes-annonces-etat', { hasText: 'Votre annonce est modifiée' }).waitFor();
  check(pres.status() === 200 && JSON.stringify(pres.request().postDataJSON()) === JSON.stringify({ title: edited })
    && text(await page.locator(`#mp-${postId} h3`).textContent()) === edited && await postForm.isHidden(),
    'the title changed (PATCH with the title only), the form closed');

  // 12. A closes it: out of the list and of the search.
  await page.locator(`#mp-${postId}`).getByRole('button', { name: 'Fermer l’annonce' }).click();
  await page.locator(`#mp-${postId} .statut-closed`).waitFor();
  await page.locator('#mes-annonces-etat', { hasText: 'Annonce fermée' }).waitFor();
  check(text(await page.locator(`#mp-${postId} .statut-closed`).textContent()) === 'Fermée'
    && await page.locator(`#p-${postId}`).count() === 0
    && await page.locator(`#mp-${postId}`).getByRole('button', { name: 'Rouvrir l’annonce' }).isVisible()
    && text(await page.locator('#annonces-compte').textContent()) === 'Aucune annonce en cours pour l’instant.',
    `A closes the need: "${text(await page.locator('#mes-annonces-etat').textContent())}", no longer listed`);
  await seekB.getByLabel('Chercher une offre ou une demande').fill('page accueil');
  await seekB.getByRole('button', { name: 'Chercher' }).click();
  await pageB.locator('#annonces-compte', { hasText: 'Aucune annonce ouverte' }).waitFor();
  found = (await call('GET', `/api/v1/search?${new URLSearchParams({ q: 'accueil', kind: 'post' })}`, null, B.token)).body;
  const closed = (await call('GET', `/api/v1/time/posts?author=${A.id}&status=closed`, null, B.token)).body;
  check(await pageB.locator(`#p-${postId}`).count() === 0 && found.total === 0
    && closed.total === 1 && closed.results[0].title === edited,
    'closed, B\'s search no longer finds it; GET /time/posts?status=closed still shows it');
});
