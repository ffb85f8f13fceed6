// catalogue.test.mjs: business and trade groups, their offers and their
// public catalogue (group.html, catalogue.html, the search page) as people
// use them, in headless Chromium, on a demo database with its demo
// accounts (demo-N@essaim.demo, password essaim-demo). The issue's "done
// when": three public gardeners (ROME A1203) of two cooperatives, each in
// their own browser: the first creates a trade group on group.html,
// invites the two others found with the page's search, both accept from
// the group's page; the first publishes four offers through the page's
// form (one with a photo, previewed before it is sent), and retires a
// fifth. A client, not signed in, searches the group's trade near one
// member on the search page and finds the group and its four offers,
// opens the catalogue page (/catalogues/SLUG: the offers, members,
// cooperatives, the map, the exports) and prints it: the print style
// hides the navigation and the map (the places are listed instead), and
// the PDF that Chromium prints holds the group's name and every offer's
// title (read back with pdftotext), the catalogue's address once. Also:
// a business group's revenue split, its total shown as it is typed and
// the API's refusal shown next to the form. Run by tools/test-pages.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { run } from './harness.mjs';

const text = (s) => (s || '').replace(/\s+/g, ' ').trim();
const GROUP = 'Jardiniers des deux coopératives';
const TRADE = 'A1203';   // Aménagement et entretien des espaces verts
const OFFERS = [
  { title: 'Taille de haies et arbustes', description: 'Haies jusqu’à 3 m, déchets verts emportés.\nDevis gratuit.', min: '35', max: '45', unit: 'hour', photo: true },
  { title: 'Création de massifs fleuris', description: 'Plantes vivaces, paillage, arrosage goutte à goutte.', min: '900', max: '', unit: 'package' },
  { title: 'Tonte et entretien de pelouse', description: 'Passage toutes les deux semaines, d’avril à octobre.', min: '180', max: '260', unit: 'day' },
  { title: 'Élagage « en hauteur », sur devis', description: 'Arbres de plus de 10 m, avec nacelle.', min: '', max: '', unit: '' },
];
const RETIRED = 'Offre retirée de la saison passée';

// png: a small PNG image (w × h, one colour), made here.
function png(w, h) {
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = table[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; ihdr[9] = 2; // 8 bits, RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: w }, () => [46, 125, 50]).flat())]);
  const raw = Buffer.concat(Array.from({ length: h }, () => row));
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

process.env.ESSAIM_DEMO_ACCOUNTS = '1';

process.exitCode = await run('catalogue pages', { size: 1500, seed: 7, timeoutMs: 60000 }, async ({ page, base, check, newPage, expectStatus }) => {
  try {
    execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
  } catch {
    throw new Error('pdftotext is missing: tools/install-deps installs Debian\'s poppler-utils');
  }
  const call = async (method, path, body, token) => {
    const headers = { 'Content-Type': 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    const res = await fetch(`${base}${path}`, { method, headers, body: body && JSON.stringify(body) });
    const type = res.headers.get('content-type') || '';
    return { status: res.status, type, headers: res.headers, body: type.includes('json') ? await res.json() : await res.text() };
  };
  // signIn: through account.html, as tenders.test.mjs does.
  const signIn = async (p, email, password) => {
    await p.goto(`${base}/account.html`);
    await p.locator('#f-connexion').getByLabel('Adresse e-mail').fill(email);
    await p.locator('#f-connexion').getByLabel('Mot de passe').fill(password);
    const roles = p.waitForResponse((r) => r.url().endsWith('/api/v1/me'));
    await p.getByRole('button', { name: 'Se connecter' }).click();
    await p.locator('#moncompte h1:visible').waitFor();
    await roles;
    await p.waitForFunction(() => ![...document.querySelectorAll('#fiche dd')].some((d) => d.textContent.startsWith('n° ')));
  };

  // Three public gardeners of two cooperatives, as anyone finds them.
  const found = (await call('GET', `/api/v1/search?kind=entrepreneur&trade=${TRADE}&limit=100`)).body.results;
  const a = found[0];
  const c = found.find((x) => x.cooperative.id !== a.cooperative.id);
  const b = found.find((x) => x !== a && x !== c && x.cooperative.id === a.cooperative.id)
    || found.find((x) => x !== a && x !== c && x.cooperative.id === c.cooperative.id);
  const people = [a, b, c];
  check(people.every((x) => x && x.external_id) && new Set(people.map((x) => x.cooperative.id)).size === 2,
    `three gardeners of two cooperatives: ${people.map((x) => `${x.name} (${x.cooperative.name}, ${x.city})`).join(', ')}`);
  const account = (x) => ({ email: `${x.external_id}@essaim.demo`, password: 'essaim-demo' });

  // 1. The first creates the trade group on group.html.
  const pa = await newPage();
  await signIn(pa, account(a).email, account(a).password);
  await pa.goto(`${base}/group.html`);
  await pa.getByRole('heading', { name: 'Créer un groupe' }).waitFor();
  await pa.getByLabel('Groupe métier').check();
  await pa.locator('#f-creer').getByLabel('Nom du groupe').fill(GROUP);
  await pa.locator('#f-creer').getByLabel('Présentation').fill('Trois jardiniers, deux coopératives : un seul interlocuteur.\nDevis sous 48 h.');
  const made = pa.waitForResponse((r) => r.url().endsWith('/api/v1/groups') && r.request().method() === 'POST');
  await pa.getByRole('button', { name: 'Créer le groupe' }).click();
  const group = await (await made).json();
  await pa.locator('#groupe-titre', { hasText: GROUP }).waitFor();
  check(group.kind === 'trade_group' && new URL(pa.url()).hash === `#id=${group.id}`
    && await pa.locator('#admin').isVisible() && await pa.getByRole('link', { name: 'Voir le catalogue public du groupe' }).getAttribute('href') === `/catalogues/${group.slug}`,
    `"Créer le groupe" makes the trade group n° ${group.id} (slug ${group.slug}); its admin section and catalogue link show`);

  // 2. ... invites the two others, found by the page's search.
  for (const x of [b, c]) {
    await pa.getByLabel('Chercher un entrepreneur').fill(x.name);
    const searched = pa.waitForResponse((r) => r.url().includes('/api/v1/search?') && r.url().includes('kind=entrepreneur'));
    await pa.getByRole('button', { name: 'Chercher', exact: true }).click();
    await searched;
    const invited = pa.waitForResponse((r) => r.url().endsWith(`/api/v1/groups/${group.id}/invitations`));
    await pa.locator(`#c-${x.id}`).getByRole('button', { name: 'Inviter' }).click();
    check((await invited).status() === 201, `${a.name} finds ${x.name} by name and invites them (201)`);
    await pa.locator(`#m-${x.id} .invitation-statut`, { hasText: 'invitation envoyée' }).waitFor();
  }

  // 3. Both accept, each in their own browser.
  for (const x of [b, c]) {
    const px = await newPage();
    await signIn(px, account(x).email, account(x).password);
    await px.goto(`${base}/group.html#id=${group.id}`);
    await px.getByRole('heading', { name: 'Votre invitation' }).waitFor();
    const ok = px.waitForResponse((r) => /\/api\/v1\/invitations\/\d+\/accept$/.test(r.url()));
    await px.getByRole('button', { name: 'Accepter' }).click();
    check((await ok).status() === 200, `${x.name} accepts the invitation`);
    await px.locator('#etat', { hasText: 'Vous avez accepté' }).waitFor();
    check(await px.locator('#admin').isHidden(), `${x.name}, a member but not an admin, has no admin section`);
    await px.close();
  }
  const fresh = pa.waitForResponse((r) => r.url().endsWith(`/api/v1/groups/${group.id}`));
  await pa.getByRole('button', { name: 'Actualiser' }).click();
  await fresh;
  await pa.locator('#groupe-statut', { hasText: 'constitué' }).waitFor();
  await pa.locator('#offre-cases input').nth(2).waitFor({ state: 'attached' });

  // 4. Four offers through the page's form; the first with a photo.
  const photo = png(48, 32);
  for (const [i, o] of OFFERS.entries()) {
    await pa.getByRole('button', { name: 'Nouvelle offre' }).click();
    await pa.getByLabel('Titre de l’offre').fill(o.title);
    await pa.getByLabel('Description').fill(o.description);
    await pa.getByLabel('Métiers (codes)').fill(i === 3 ? `${TRADE}, élagage` : TRADE);
    await pa.getByLabel('Prix minimum (€)').fill(o.min);
    await pa.getByLabel('Prix maximum (€)').fill(o.max);
    await pa.getByLabel('Unité').selectOption(o.unit);
    // Delivered by everyone, but the second offer by the first two.
    if (i === 1) await pa.locator(`#offre-par-${c.id}`).uncheck();
    if (o.photo) {
      await pa.getByLabel('Ajouter une photo').setInputFiles({ name: 'haie.png', mimeType: 'image/png', buffer: photo });
      await pa.locator('#offre-apercu:visible').waitFor();
      check((await pa.locator('#offre-apercu').getAttribute('src')).startsWith('data:image/png;base64,'),
        'the chosen photo is previewed before it is sent');
    }
    const posted = pa.waitForResponse((r) => r.url().endsWith(`/api/v1/groups/${group.id}/offers`) && r.request().method() === 'POST');
    const sent = o.photo ? pa.waitForResponse((r) => /\/api\/v1\/offers\/\d+\/photos$/.test(r.url())) : null;
    await pa.getByRole('button', { name: 'Publier l’offre' }).click();
    const res = await posted;
    if (res.status() !== 201) throw new Error(`offer "${o.title}": ${res.status()} ${await res.text()}`);
    if (sent) check((await sent).status() === 201, 'the photo is uploaded (201)');
    await pa.locator('#offres-admin-liste .nom', { hasText: o.title }).waitFor();
  }
  const listed = text(await pa.locator('#offres-admin-liste').textContent());
  check(await pa.locator('#offres-admin-liste > li').count() === 4 && listed.includes('1 photo')
    && listed.includes('à partir de 900 € le forfait') && listed.includes('prix sur devis'),
    'four offers published through the form, listed with their prices and the photo');

  // A fifth, retired from the page: absent from the catalogue.
  const aToken = (await call('POST', '/api/v1/auth/login', account(a))).body.token;
  const fifth = await call('POST', `/api/v1/groups/${group.id}/offers`,
    { title: RETIRED, trades: [{ scheme: 'rome', code: TRADE }], delivered_by: [a.id] }, aToken);
  await pa.getByRole('button', { name: 'Actualiser' }).click();
  await pa.locator(`#offre-${fifth.body.id}`).waitFor();
  const retired = pa.waitForResponse((r) => r.url().endsWith(`/api/v1/offers/${fifth.body.id}`) && r.request().method() === 'DELETE');
  await pa.locator(`#offre-${fifth.body.id}`).getByRole('button', { name: 'Retirer' }).click();
  check((await retired).status() === 200, '"Retirer" retires an offer');
  await pa.locator(`#offre-${fifth.body.id}.offre-retired`).waitFor();

  // A business group: the revenue split, its total as typed, the 400.
  const brand = await call('POST', '/api/v1/groups', { kind: 'business_group', name: 'Marque des jardins', members: [{ entrepreneur_id: b.id }] }, aToken);
  await pa.goto(`${base}/group.html#id=${brand.body.id}`);
  await pa.getByRole('heading', { name: 'Partage des recettes' }).waitFor();
  await pa.getByLabel(`Part de ${a.name} (%)`).fill('60');
  await pa.getByLabel(`Part de ${b.name} (%)`).fill('30');
  check(text(await pa.locator('#partage-total').textContent()) === 'Total : 90 % (il faut 100 %)',
    'the split\'s total shows as it is typed: "Total : 90 % (il faut 100 %)"');
  await expectStatus(`/api/v1/groups/${brand.body.id}`, 400, async () => {
    const refused = pa.waitForResponse((r) => r.url().endsWith(`/api/v1/groups/${brand.body.id}`) && r.request().method() === 'PATCH');
    await pa.getByRole('button', { name: 'Enregistrer le partage' }).click();
    check((await refused).status() === 400, 'a split summing to 90 is refused by the API (400)');
    await pa.locator('#f-partage-erreur:visible').waitFor();
  });
  check(text(await pa.locator('#f-partage-erreur').textContent()) === 'Les parts doivent faire 100 % au total (elles font 90 %).',
    `the refusal shows next to the split: "${text(await pa.locator('#f-partage-erreur').textContent())}"`);
  await pa.getByLabel(`Part de ${b.name} (%)`).fill('40');
  const saved = pa.waitForResponse((r) => r.url().endsWith(`/api/v1/groups/${brand.body.id}`) && r.request().method() === 'PATCH');
  await pa.getByRole('button', { name: 'Enregistrer le partage' }).click();
  check((await saved).status() === 200 && await pa.locator('#f-partage-ok').isVisible(), '60 + 40 is saved');

  // The group's page, for someone who is not in it: its public face and
  // the link to its catalogue.
  const pc = await newPage();
  await pc.goto(`${base}/group.html#id=${group.id}`);
  await pc.locator('#groupe-titre', { hasText: GROUP }).waitFor();
  check(await pc.locator('#groupe-statut').isHidden() && await pc.locator('#admin').isHidden()
    && text(await pc.locator('#membres-compte').textContent()) === '3 membres : 3 acceptés.'
    && await pc.getByRole('link', { name: 'Voir le catalogue public du groupe' }).isVisible(),
    'group.html for an anonymous reader: the public face (3 members), no admin section, the catalogue link');
  await pc.close();

  // 5. A client, not signed in, searches the trade near one member.
  // Near the first member, who delivers every offer (an offer's area is
  // the union of its delivering members' areas).
  const near = `${a.city} (${a.location.departement})`;
  const q = 'espaces verts';
  // As typed in the search form: every kind of result.
  await page.goto(`${base}/`);
  await page.getByLabel('Quel métier, quelle compétence').fill(q);
  await page.getByLabel('Où ? (commune, code postal)').fill(near);
  const all = page.waitForResponse((r) => r.url().includes('/api/v1/search?'));
  await page.getByRole('button', { name: 'Rechercher' }).click();
  const mixed = await (await all).json();
  await page.locator('#compte', { hasText: /trouvé|Aucun résultat/ }).waitFor();
  const kinds = mixed.results.map((r) => r.kind);
  check(kinds.includes('group') && kinds.includes('offer') && text(await page.locator('#liste').textContent()).includes(GROUP),
    `the search form, "${q}" near ${near}: ${mixed.total} results, groups and offers among the first ${kinds.length} (${[...new Set(kinds)].join(', ')})`);
  await page.goto(`${base}/?${new URLSearchParams({ q, near, kind: 'group' })}`);
  await page.locator('#compte', { hasText: /trouvé|Aucun résultat/ }).waitFor();
  const groupsFound = text(await page.locator('#liste').textContent());
  check(groupsFound.includes(GROUP),
    `the search page, "${q}" near ${near}, kind=group: the group is found (${text(await page.locator('#compte').textContent())})`);
  await page.goto(`${base}/?${new URLSearchParams({ q, near, kind: 'offer' })}`);
  await page.locator('#compte', { hasText: /trouvé|Aucun résultat/ }).waitFor();
  const offersFound = text(await page.locator('#liste').textContent());
  check(OFFERS.every((o) => offersFound.includes(o.title)) && !offersFound.includes(RETIRED),
    `... kind=offer: its four offers, not the retired one (${text(await page.locator('#compte').textContent())})`);

  // 6. The catalogue page.
  const link = page.locator(`#liste a[href$="/catalogues/${group.slug}"]`).first();
  check(await link.count() === 1, 'the offers found link to the group\'s catalogue');
  await link.click();
  await page.waitForURL(`**/catalogues/${group.slug}`);
  await page.locator('body[data-pret]').waitFor({ state: 'attached' });
  const blocks = page.locator('#offres-liste .offre');
  const titles = await blocks.locator('h3').allTextContents();
  check(text(await page.locator('h1').textContent()) === GROUP && titles.length === 4
    && OFFERS.every((o) => titles.includes(o.title)) && !titles.includes(RETIRED),
    `/catalogues/${group.slug}: the group's name and one block per active offer (${titles.length})`);
  const first = page.locator('.offre', { hasText: OFFERS[0].title });
  check(text(await first.locator('.prix').textContent()) === 'De 35 € à 45 € de l’heure'
    && text(await first.textContent()).includes('Aménagement et entretien des espaces verts')
    && text(await first.locator('.realise').textContent()).includes(`${c.name} (${c.cooperative.name})`),
    `an offer shows its price range and unit, its trade, and who delivers it with their cooperative`);
  const img = first.locator('.photos img');
  await img.waitFor();
  await page.waitForFunction(() => [...document.querySelectorAll('.photos img')].every((i) => i.complete && i.naturalWidth > 0));
  check(await img.evaluate((i) => i.naturalWidth) === 48, 'its photo shows (48 × 32, served by the API)');
  const second = text(await page.locator('.offre', { hasText: OFFERS[1].title }).locator('.realise').textContent());
  check(!second.includes(c.name) && second.includes(b.name), 'the second offer names only its two members');
  const shownMembers = await page.locator('.membre-catalogue').evaluateAll((l) => l.map((e) => e.id));
  check(shownMembers.length === 3 && people.every((x) => shownMembers.includes(`m-${x.id}`))
    && await page.locator('#cooperatives-liste li').count() === 2,
    'the three members and their two cooperatives');
  await page.locator('#carte .pin').nth(2).waitFor();
  check(await page.locator('#carte .pin').count() === 3 && await page.locator('#lieux li').count() >= 3,
    'the map marks the three members\' places; the places are listed too');
  const csvHref = await page.getByRole('link', { name: 'Télécharger les offres (CSV)' }).getAttribute('href');
  const csv = await call('GET', csvHref);
  check(csv.status === 200 && csv.type === 'text/csv; charset=utf-8'
    && csv.headers.get('content-disposition') === `attachment; filename="${group.slug}.csv"`
    && OFFERS.every((o) => csv.body.includes(o.title)) && csv.body.includes('"Élagage « en hauteur », sur devis"')
    && !csv.body.includes(RETIRED),
    `the CSV export (${csvHref}): text/csv, an attachment, the four offers, quoted where needed`);
  const jsonHref = await page.getByRole('link', { name: 'Données du catalogue (JSON)' }).getAttribute('href');
  const json = await call('GET', jsonHref);
  check(json.status === 200 && json.body.offers.length === 4 && json.body.area.type === 'FeatureCollection',
    `the JSON export (${jsonHref})`);

  // 7. Printed: the print style, then the PDF.
  await page.emulateMedia({ media: 'print' });
  const shown = (sel) => page.locator(sel).first().evaluate((e) => getComputedStyle(e).display !== 'none');
  check(!await shown('header.top nav') && !await shown('#exports') && !await shown('.carte-catalogue')
    && await shown('#lieux') && await blocks.first().evaluate((e) => getComputedStyle(e).breakInside) === 'avoid',
    'print style: no navigation, no buttons nor export links, the map replaced by the list of places, offers unbroken');
  const pdf = join(tmpdir(), `essaim-catalogue-${process.pid}.pdf`);
  writeFileSync(pdf, await page.pdf({ format: 'A4' }));
  const printed = execFileSync('pdftotext', ['-enc', 'UTF-8', pdf, '-']).toString();
  const flat = text(printed);
  const address = `${base}/catalogues/${group.slug}`;
  check(flat.includes(GROUP) && OFFERS.every((o) => flat.includes(o.title)) && !flat.includes(RETIRED),
    `the printed PDF (A4) holds the group's name and the ${OFFERS.length} offers' titles`);
  check(!flat.includes('Rechercher un entrepreneur') && !flat.includes('Télécharger') && flat.split(address).length === 2,
    'the PDF has no navigation nor export links, and the catalogue\'s address once');
  await page.emulateMedia({ media: 'screen' });
  rmSync(pdf, { force: true });

  // An address without a catalogue says so.
  await expectStatus('/api/v1/catalogues/pas-de-tel-groupe', 404, async () => {
    await page.goto(`${base}/catalogues/pas-de-tel-groupe`);
    await page.locator('#introuvable:visible').waitFor();
  });
  check(text(await page.locator('#introuvable-texte').textContent()) === 'Ce catalogue n’existe pas (ou plus).'
    && await page.locator('#catalogue').isHidden(), '/catalogues/pas-de-tel-groupe: "Ce catalogue n’existe pas (ou plus)."');
});
