// tenders.test.mjs: public tenders and tender teams (tenders.html,
// tender.html, group.html) as people use them, in headless Chromium, on
// the demo data of `make run` (10,000 entrepreneurs, seed 1: two
// gardeners can work at Rouen, the buyer's commune, which stands for
// Seine-Maritime, the notice's only place) with its demo accounts (demo-N@essaim.demo, password
// essaim-demo). The issue's "done when": an administrator made on the
// command line signs in and imports the French eForms notice for green
// spaces maintenance (Rouen Habitat, place NUTS FRD22 = Seine-Maritime,
// CPV 77310000) through the board's import form; the tender shows on the
// board filtered on département 76, closed (its deadline is in 2019);
// its page proposes teams whose members all can work in Seine-Maritime,
// on the map with the place; two entrepreneurs of the proposed teams
// sign in with their demo accounts, in two other browsers: one forms the
// group from the tender page, the other opens the group's page (the link
// of the invitation e-mail) and accepts; each then sees the other's
// acceptance and the group "constitué". Run by tools/test-pages.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { run } from './harness.mjs';

const text = (s) => (s || '').replace(/\s+/g, ' ').trim();
const ADMIN = { email: 'admin@essaim.example', password: 'admin-mot-de-passe' };
const NOTICE = fileURLToPath(new URL('../fixtures/tenders/eforms/cn_24_FRA_comments.xml', import.meta.url));
const TITLE = 'Service d\'entretien de remise en état et de nettoyage des espaces verts';
const GROUP = 'Espaces verts Rouen Habitat';

// `essaim demo` makes the demo accounts when ESSAIM_DEMO_ACCOUNTS is set
// (the harness runs it with this environment).
process.env.ESSAIM_DEMO_ACCOUNTS = '1';

process.exitCode = await run('tender pages', { size: 10000, seed: 1, timeoutMs: 60000 }, async ({ page, base, check, newPage, db, cli }) => {
  const call = async (method, path, body, token) => {
    const headers = { 'Content-Type': 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    const res = await fetch(`${base}${path}`, { method, headers, body: body && JSON.stringify(body) });
    return { status: res.status, body: res.status === 204 ? null : await res.json() };
  };
  // signIn: through account.html; it goes on reading after "Mon compte"
  // shows (the account for the links of its role, the cooperative's name,
  // the profile): leaving before the answers would abort them.
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
  cli(['admin', 'create', ADMIN.email, '--db', db], { ESSAIM_PASSWORD: ADMIN.password });
  const admin = (await call('POST', '/api/v1/auth/login', ADMIN)).body.token;
  check(admin, 'an administrator made by `essaim admin create` signs in');

  // 1. The administrator imports the notice through the board's form.
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto(`${base}/tenders.html`);
  await page.getByRole('heading', { name: 'Importer des avis de marché' }).waitFor();
  await page.getByLabel('Fichier').setInputFiles(NOTICE);
  const imported = page.waitForResponse((r) => r.url().endsWith('/api/v1/tenders/import'));
  await page.getByRole('button', { name: 'Importer' }).click();
  check((await imported).status() === 200, 'the import form sends the eForms notice (200)');
  await page.locator('#import-bilan:focus').waitFor();
  const link = page.locator('#import-importes a', { hasText: TITLE });
  await link.waitFor();
  const id = new URL(await link.getAttribute('href'), base).hash.replace('#id=', '');
  check(text(await page.locator('#import-bilan').textContent()) === '1 avis importé, 0 rejeté.' && /^\d+$/.test(id),
    `"${text(await page.locator('#import-bilan').textContent())}", the line links to the tender n° ${id}`);

  // 2. The board, filtered on département 76.
  await page.getByLabel('Département').fill('76');
  const listed = page.waitForResponse((r) => r.url().includes('/api/v1/tenders?') && r.url().includes('departement=76'));
  await page.getByRole('button', { name: 'Chercher' }).click();
  check((await listed).ok() && new URL(page.url()).searchParams.get('departement') === '76',
    'the board searches département 76 (?departement=76 in the address)');
  const item = page.locator(`#t-${id}`);
  await item.waitFor();
  const itemText = text(await item.textContent());
  check(itemText.includes('Rouen Habitat') && itemText.includes('Rouen (76)')
    && text(await item.locator('.date-limite').textContent()).startsWith('Date limite : 24 juin 2019')
    && await item.locator('.clos').isVisible() && itemText.includes('77310000') && itemText.includes('2 lots'),
    `the tender is on the board: "${itemText.slice(0, 160)}…"`);

  // 3. Its page: the notice, the lot, the proposed teams, the map.
  const teamsAnswer = page.waitForResponse((r) => r.url().includes(`/api/v1/tenders/${id}/teams`));
  await item.getByRole('link', { name: TITLE }).click();
  await page.locator('#appel-titre', { hasText: TITLE }).waitFor();
  const teams = await (await teamsAnswer).json();
  const cards = page.locator('#equipes-liste > li');
  await cards.first().waitFor();
  const fiche = text(await page.locator('#appel-fiche').textContent());
  check(fiche.includes('Rouen Habitat') && fiche.includes('procédure ouverte') && fiche.includes('clos')
    && fiche.includes('(76)') && await page.locator('#lots-liste > li').count() === 2,
    'tender.html shows the buyer, the procedure, the deadline (clos), the place and its two lots');
  check(teams.teams.length >= 2 && await cards.count() === teams.teams.length,
    `${teams.teams.length} teams proposed among ${teams.candidates} candidates, one card each`);
  // Every member can work in Seine-Maritime (their intervention area
  // covers the place of the tender).
  const everyone = [...new Map(teams.teams.flatMap((t) => t.members).map((m) => [m.entrepreneur_id, m])).values()];
  const profiles = await Promise.all(everyone.map((m) => call('GET', `/api/v1/entrepreneurs/${m.entrepreneur_id}`, null, admin)));
  const covers76 = (e, m) => {
    const a = e.intervention || {};
    if (a.zones) return a.zones.some((z) => z === 'FR' || z === 'dep:76' || z === 'reg:28');
    return a.radius_km != null && m.distance_km <= a.radius_km;
  };
  check(profiles.every((r, i) => r.status === 200 && covers76(r.body, everyone[i])),
    `all ${everyone.length} proposed entrepreneurs can work in Seine-Maritime (area zones or radius)`);
  const first = cards.first();
  const lead = teams.teams[0].members.find((m) => m.entrepreneur_id === teams.teams[0].lead);
  check(text(await first.textContent()).includes(`Mandataire proposé${lead.name}`)
    && (await first.locator('.membre').count()) === teams.teams[0].members.length,
    `the first card lists its ${teams.teams[0].members.length} member(s), the lead "${lead.name}"`);
  await page.locator('#carte .pin-lieu').waitFor();
  await page.locator('#carte .pin:not(.pin-lieu)').first().waitFor();
  check(await page.locator('#carte .pin:not(.pin-lieu)').count() === teams.teams[0].members.length,
    'the map shows the place of the tender and the first team\'s members');

  // Two entrepreneurs of the proposed teams, and their demo accounts: two
  // of one team, or (a single trade wanted: teams of one) the first of
  // the first two teams.
  const team = teams.teams.find((t) => t.members.length >= 2);
  const pair = team ? team.members.slice(0, 2) : [teams.teams[0].members[0], teams.teams[1].members[0]];
  const accounts = await Promise.all(pair.map(async (m) => {
    const e = (await call('GET', `/api/v1/entrepreneurs/${m.entrepreneur_id}`, null, admin)).body;
    return { id: m.entrepreneur_id, name: e.display_name, email: `${e.external_id}@essaim.demo`, password: 'essaim-demo' };
  }));
  const [a, b] = accounts;
  check(accounts.every((x) => /^demo-\d+@essaim\.demo$/.test(x.email)),
    `two of them: ${a.name} (${a.email}) and ${b.name} (${b.email})`);

  // 4. The first forms the group from the tender page.
  const pa = await newPage();
  await signIn(pa, a.email, a.password);
  await pa.goto(`${base}/tender.html#id=${id}`);
  const card = pa.locator('#equipes-liste > li', { has: pa.locator(`.membre[data-id="${a.id}"]`) }).first();
  await card.waitFor();
  check(await pa.locator('#equipes-liste .former').count() === await pa.locator(`#equipes-liste > li:has(.membre[data-id="${a.id}"])`).count(),
    `signed in, ${a.name} may form only the teams they are in`);
  await card.getByRole('button', { name: 'Former ce groupement' }).click();
  await card.getByLabel('Nom du groupement').fill(GROUP);
  if (!team) await card.getByRole('checkbox', { name: new RegExp(`^${b.name}`) }).check();
  const made = pa.waitForResponse((r) => r.url().endsWith('/api/v1/groups') && r.request().method() === 'POST');
  await card.getByRole('button', { name: 'Former et inviter' }).click();
  check((await made).status() === 201, `"Former et inviter" makes the group (201)${team ? '' : `, ${b.name} added from another team`}`);
  await pa.locator('#groupe-titre', { hasText: GROUP }).waitFor();
  const gid = new URL(pa.url()).hash.replace('#id=', '');
  const row = (p, who) => p.locator(`#m-${who.id}`);
  const status = async (p, who) => text(await row(p, who).locator('.invitation-statut').textContent());
  check(/^\d+$/.test(gid) && text(await pa.locator('#groupe-statut').textContent()) === 'Groupement en formation'
    && await status(pa, a) === 'a accepté' && await status(pa, b) === 'invitation envoyée'
    && text(await pa.locator('#groupe-fiche').textContent()).includes(`Mandataire${a.name}`),
    `group.html#id=${gid}: "Groupement en formation", ${a.name} "a accepté" (mandataire), ${b.name} "invitation envoyée"`);
  check(text(await row(pa, b).textContent()).includes('Estuaire Coopératif') || text(await row(pa, b).textContent()).includes('Coopérative'),
    'the members show with their cooperative');

  // 5. The second opens the link of the invitation e-mail and accepts.
  const mail = execFileSync('sqlite3', [db, `SELECT body FROM outbox WHERE group_id = ${gid} ORDER BY id DESC LIMIT 1`]).toString();
  const invite = /\/group\.html#id=\d+/.exec(mail);
  check(invite && invite[0] === `/group.html#id=${gid}`, `the invitation e-mail links to /group.html#id=${gid}`);
  const pb = await newPage();
  await signIn(pb, b.email, b.password);
  await pb.goto(`${base}${invite[0]}`);
  await pb.getByRole('heading', { name: 'Votre invitation' }).waitFor();
  check(text(await pb.locator('#invitation-texte').textContent()).includes(`par ${a.name}`),
    `${b.name} sees the invitation from ${a.name}`);
  const accepted = pb.waitForResponse((r) => /\/api\/v1\/invitations\/\d+\/accept$/.test(r.url()));
  await pb.getByRole('button', { name: 'Accepter' }).click();
  check((await accepted).status() === 200, '"Accepter" accepts the invitation (200)');
  await pb.locator('#etat', { hasText: 'Vous avez accepté' }).waitFor();
  check(await pb.locator('#invitation').isHidden() && await status(pb, a) === 'a accepté' && await status(pb, b) === 'a accepté'
    && text(await pb.locator('#groupe-statut').textContent()) === 'Groupement constitué',
    `${b.name} sees both acceptances, "Groupement constitué"`);

  // 6. The first sees the other's acceptance.
  const fresh = pa.waitForResponse((r) => r.url().endsWith(`/api/v1/groups/${gid}`));
  await pa.getByRole('button', { name: 'Actualiser' }).click();
  await fresh;
  await row(pa, b).locator('.invitation-statut', { hasText: 'a accepté' }).waitFor();
  check(text(await pa.locator('#groupe-statut').textContent()) === 'Groupement constitué'
    && text(await row(pa, b).locator('.reponse-date').textContent()).startsWith('le '),
    `${a.name}, after "Actualiser": ${b.name} "a accepté" (with the time), "Groupement constitué"`);

  // 7. "Mes appels d'offres": the tender fits the gardener's trade and area.
  await pb.goto(`${base}/tenders.html#mes-appels`);
  const fit = pb.locator(`#m-${id}`);
  await fit.waitFor();
  check(await pb.getByRole('tab', { name: 'Mes appels d’offres' }).getAttribute('aria-selected') === 'true'
    && text(await fit.locator('.pourquoi').textContent()).includes('LOT-0001')
    && text(await fit.locator('.cpv').textContent()).includes('Services de plantation et d\'entretien des espaces verts (77310000)'),
    `${b.name}'s tab "Mes appels d’offres" lists the tender, why, and the CPV label`);

  // 8. A third proposed entrepreneur, invited to another group, declines
  // with a reason; the group's admin sees it and the replacements.
  const c = teams.teams.flatMap((t) => t.members).find((m) => m.entrepreneur_id !== a.id && m.entrepreneur_id !== b.id);
  const cEnt = (await call('GET', `/api/v1/entrepreneurs/${c.entrepreneur_id}`, null, admin)).body;
  const aToken = (await call('POST', '/api/v1/auth/login', { email: a.email, password: a.password })).body.token;
  const second = await call('POST', '/api/v1/groups', {
    kind: 'tender_team', name: `${GROUP} (bis)`, tender_id: id, lead: a.id, liability: 'solidaire',
    members: [{ entrepreneur_id: c.entrepreneur_id }],
  }, aToken);
  check(second.status === 201, `${a.name} invites ${cEnt.display_name} to a second group (API)`);
  const pc = await newPage();
  await signIn(pc, `${cEnt.external_id}@essaim.demo`, 'essaim-demo');
  await pc.goto(`${base}/group.html#id=${second.body.id}`);
  await pc.getByRole('button', { name: 'Décliner' }).click();
  await pc.getByLabel('Raison').fill('Pas disponible en juin');
  await pc.getByRole('button', { name: 'Oui, décliner' }).click();
  await pc.locator('#etat', { hasText: 'Vous avez décliné' }).waitFor();
  check(await status(pc, { id: c.entrepreneur_id }) === 'a décliné : « Pas disponible en juin »'
    && text(await pc.locator('#groupe-statut').textContent()) === 'Groupement incomplet',
    `${cEnt.display_name} declines with a reason: "a décliné : « Pas disponible en juin »", "Groupement incomplet"`);
  await pa.goto(`${base}/group.html#id=${second.body.id}`);
  await pa.locator('#suggestions').waitFor();
  const offered = second.body.suggestions && (await call('GET', `/api/v1/groups/${second.body.id}`, null, aToken)).body.suggestions;
  if (offered && offered.length) {
    const s = offered[0];
    await pa.locator(`#s-${s.entrepreneur_id}`).getByRole('button', { name: 'Inviter' }).click();
    await row(pa, { id: s.entrepreneur_id }).locator('.invitation-statut', { hasText: 'invitation envoyée' }).waitFor();
    check(true, `the admin sees ${offered.length} replacement(s) and invites the first`);
  } else {
    check(await pa.locator('#suggestions-aucune').isVisible(),
      'the admin sees the decline and that no replacement is needed or possible (the others cover the lots)');
  }
});
