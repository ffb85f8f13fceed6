// account.test.mjs: the account pages (account.html, staff.html, the
// sign-in link of the search page) as people use them, in headless
// Chromium, on a small demo (300 entrepreneurs, seed 7). An administrator
// made on the command line invites a staff member of cooperative 1 through
// the API; from there everything goes through the pages: the staff member
// chooses a password, lists the cooperative's entrepreneurs and invites
// one; the entrepreneur, in another browser, takes the link, downloads
// their data, signs out, mistypes their password, signs in; the staff
// page then shows the account active and gives a new link, with which the
// entrepreneur, in a third browser, chooses a new password (the old one
// and its sessions end); a client registers and erases their account.
// Run by tools/test-pages.
import { readFileSync } from 'node:fs';
import { run } from './harness.mjs';

const text = (s) => (s || '').replace(/\s+/g, ' ').trim();
const COOP = '1';
const ADMIN = { email: 'admin@essaim.example', password: 'admin-mot-de-passe' };
const STAFF = { email: 'equipe@faubourgs.example', password: 'ruche-2026-staff' };
const ENT = { email: 'entrepreneur@faubourgs.example', password: 'abeille-2026', renewed: 'essaim-2027-neuf' };
const CLIENT = { email: 'cliente@exemple.fr', name: 'Mairie de Thiais', password: 'cliente-2026' };

process.exitCode = await run('account pages', { size: 300, seed: 7 }, async ({ page, base, check, expectStatus, newPage, db, cli }) => {
  // The administrator, from the command line; then the staff member's
  // invitation, through the API.
  cli(['admin', 'create', ADMIN.email, '--db', db], { ESSAIM_PASSWORD: ADMIN.password });
  const call = async (method, path, body, token) => {
    const headers = { 'Content-Type': 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    const res = await fetch(`${base}${path}`, { method, headers, body: body && JSON.stringify(body) });
    return { status: res.status, body: res.status === 204 ? null : await res.json() };
  };
  const login = await call('POST', '/api/v1/auth/login', ADMIN);
  check(login.status === 200 && login.body.account.role === 'admin', 'the administrator made by `essaim admin create` signs in');
  const admin = login.body.token;
  const staff = await call('POST', '/api/v1/accounts', { email: STAFF.email, role: 'staff', cooperative_id: COOP }, admin);
  check(staff.status === 201 && staff.body.invitation.url.startsWith('/account.html#invite='),
    `the administrator invites a staff member of cooperative ${COOP}`);
  const coop = (await call('GET', `/api/v1/cooperatives/${COOP}`)).body;
  const want = (await call('GET', `/api/v1/entrepreneurs?cooperative=${COOP}&limit=100`, null, admin)).body;
  check(want.total > 50 && want.total <= 100 && want.results.some((e) => e.visibility === 'private'),
    `cooperative ${COOP} (${coop.name}) has ${want.total} entrepreneurs, private ones among them`);

  const heading = (p) => p.locator('main h1:visible');
  const fiche = async (p) => {
    const dts = (await p.locator('#fiche dt').allTextContents()).map(text);
    const dds = (await p.locator('#fiche dd').allTextContents()).map(text);
    return Object.fromEntries(dts.map((k, i) => [k, dds[i]]));
  };

  // 1. The staff member takes the invitation link and chooses a password.
  await page.goto(`${base}${staff.body.invitation.url}`);
  await heading(page).filter({ hasText: 'Choisissez votre mot de passe' }).waitFor();
  await page.getByLabel('Nouveau mot de passe').fill(STAFF.password);
  await page.getByRole('button', { name: 'Enregistrer et me connecter' }).click();
  await heading(page).filter({ hasText: 'Mon compte' }).waitFor();
  await page.locator('#fiche dd', { hasText: coop.name }).waitFor();
  let f = await fiche(page);
  check(f['Adresse e-mail'] === STAFF.email && f['Rôle'] === 'équipe de la coopérative' && f['Coopérative'] === coop.name,
    `the invitation signs the staff member in: "Mon compte" shows ${f['Adresse e-mail']}, ${f['Rôle']}, ${f['Coopérative']}`);
  check(new URL(page.url()).hash === '', 'the spent invitation token leaves the URL');

  // 2. The cooperative's page: every profile, private ones too, 50 at a time.
  await page.getByRole('link', { name: 'Gérer les entrepreneurs de la coopérative' }).click();
  await heading(page).filter({ hasText: coop.name }).waitFor();
  const rows = page.locator('#table-entrepreneurs tbody tr:not(.invitation)');
  const count = page.locator('#compte-entrepreneurs');
  await count.filter({ hasText: `${want.total} entrepreneurs, 50 affichés` }).waitFor();
  const cells = async (i) => (await rows.nth(i).locator('th, td').allTextContents()).map(text);
  const first = await cells(0);
  check(await rows.count() === 50 && first[0] === want.results[0].display_name
    && first[1] === want.results[0].headline && first[2] === want.results[0].location.city,
    `staff.html lists 50 of the ${want.total} entrepreneurs, the first ${first.slice(0, 3).join(' | ')}`);
  await page.getByRole('button', { name: 'Voir plus' }).click();
  await count.filter({ hasText: new RegExp(`^${want.total} entrepreneurs$`) }).waitFor();
  const names = (await rows.locator('th').allTextContents()).map(text);
  check(names.join('|') === want.results.map((e) => e.display_name).join('|') && await page.getByRole('button', { name: 'Voir plus' }).isHidden(),
    `"Voir plus" shows the other ${want.total - 50}: the table holds the API's list, in order`);
  const privateOne = want.results.findIndex((e) => e.visibility === 'private');
  check((await cells(privateOne))[3] === 'privé', `a private profile is listed (${want.results[privateOne].display_name})`);
  check((await cells(2))[5] === 'aucun' && (await cells(3))[5] === 'aucun',
    'the "Compte" column says "aucun" for entrepreneurs without an account');
  const team = page.locator('#table-equipe tbody tr');
  await team.first().waitFor();
  const teamRow = (await team.first().locator('th, td').allTextContents()).map(text);
  check(await team.count() === 1 && teamRow[0] === `${STAFF.email} (vous)` && teamRow[1] === 'actif'
    && await page.getByRole('button', { name: `Nouveau lien pour ${STAFF.email}` }).count() === 1,
    `"Équipe" lists the staff account: ${teamRow.slice(0, 2).join(' | ')}, with "Nouveau lien"`);

  // 3. Invite an entrepreneur: the link to hand over.
  const target = want.results[2];
  await page.getByRole('button', { name: `Inviter ${target.display_name}` }).click();
  await page.getByLabel(`Adresse e-mail de ${target.display_name}`).fill(ENT.email);
  await page.getByRole('button', { name: 'Créer le compte et le lien' }).click();
  const link = page.getByLabel('Lien d’invitation');
  await link.waitFor();
  const url = await link.inputValue();
  check(url.startsWith(`${base}/account.html#invite=`) && await link.evaluate((e) => e === document.activeElement),
    `"Inviter" gives the absolute invitation link, focused (${url.slice(0, url.indexOf('#') + 8)}…)`);
  await page.getByRole('button', { name: 'Copier le lien' }).click();
  const copied = page.locator('.lien-box [role="status"]');
  await copied.filter({ hasText: /copié|Ctrl\+C/ }).waitFor();
  check(true, `"Copier le lien" answers: ${text(await copied.textContent())}`);
  const invitedCells = await cells(2);
  check(invitedCells[5] === `invité·e (${ENT.email})`
    && await page.getByRole('button', { name: `Inviter ${target.display_name}` }).count() === 0
    && await page.getByRole('button', { name: `Nouveau lien pour ${target.display_name}` }).count() === 1,
    `after "Inviter", the row says "${invitedCells[5]}" and its button is "Nouveau lien"`);
  const journal = page.locator('#table-journal tbody tr');
  await journal.filter({ hasText: 'compte créé' }).filter({ hasText: 'équipe de la coopérative' }).first().waitFor();
  check((await journal.count()) >= 2, 'the log shows the new account, created by the staff (and the staff account, by the administrator)');

  // The same address for another entrepreneur: 409, said next to the field.
  const other = want.results[3];
  await page.getByRole('button', { name: `Inviter ${other.display_name}` }).click();
  await page.getByLabel(`Adresse e-mail de ${other.display_name}`).fill(ENT.email);
  await expectStatus('/api/v1/accounts', 409, async () => {
    await page.getByRole('button', { name: 'Créer le compte et le lien' }).click();
    await page.locator(`#inv-${other.id}-email-erreur`).filter({ hasText: 'déjà un compte' }).waitFor();
  });
  check(await page.getByLabel(`Adresse e-mail de ${other.display_name}`).getAttribute('aria-invalid') === 'true',
    `an address already used shows "${text(await page.locator(`#inv-${other.id}-email-erreur`).textContent())}" (409)`);

  // 4. The entrepreneur, in another browser, takes the link.
  const ent = await newPage();
  await ent.goto(url);
  await ent.getByLabel('Nouveau mot de passe').fill('court');
  await expectStatus('/api/v1/auth/activate', 400, async () => {
    await ent.getByRole('button', { name: 'Enregistrer et me connecter' }).click();
    await ent.locator('#invitation-password-erreur').filter({ hasText: '8 caractères' }).waitFor();
  });
  check(true, 'a too short password is refused next to the field');
  await ent.getByLabel('Nouveau mot de passe').fill(ENT.password);
  await ent.getByRole('button', { name: 'Enregistrer et me connecter' }).click();
  await heading(ent).filter({ hasText: 'Mon compte' }).waitFor();
  await ent.locator('#fiche dd', { hasText: target.display_name }).waitFor();
  f = await fiche(ent);
  check(f['Rôle'] === 'entrepreneur' && f['Adresse e-mail'] === ENT.email && f['Mon profil'].startsWith(target.display_name)
    && f['Coopérative'] === coop.name && await ent.locator('#lien-staff').isHidden(),
    `the entrepreneur is signed in: role ${f['Rôle']}, profile ${f['Mon profil']}`);

  await ent.goto(`${base}/staff.html`);
  await ent.locator('#refus').filter({ hasText: 'réservée à l’équipe' }).waitFor();
  check(await ent.locator('#refus a[href="/account.html"]').count() === 1 && await ent.locator('#entrepreneurs').isHidden(),
    'staff.html refuses an entrepreneur, with a link to account.html');
  await ent.goto(`${base}/`);
  await ent.locator('#lien-compte', { hasText: 'Mon compte' }).waitFor();
  check(true, 'the search page\'s header says "Mon compte" to someone signed in');

  // Without X-CSRF-Token, the session cookie does not make a write.
  const refused = await expectStatus('/api/v1/', 403, () => ent.evaluate(async () => {
    const del = await fetch('/api/v1/me', { method: 'DELETE', credentials: 'same-origin' });
    const add = await fetch('/api/v1/accounts', { method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'x@exemple.fr', role: 'staff', cooperative_id: '1' }) });
    const me = await fetch('/api/v1/me', { credentials: 'same-origin' });
    // Bodies read to the end: a navigation would abort them otherwise.
    const detail = (await del.json()).detail;
    await add.text();
    await me.text();
    return { del: del.status, detail, add: add.status, me: me.status };
  }));
  check(refused.del === 403 && refused.add === 403 && /X-CSRF-Token/.test(refused.detail) && refused.me === 200,
    'a cookie-authenticated DELETE /me or POST /accounts without X-CSRF-Token is refused (403), the account stays');

  // 5. Download my data, sign out.
  await ent.goto(`${base}/account.html`);
  await heading(ent).filter({ hasText: 'Mon compte' }).waitFor();
  const [download] = await Promise.all([
    ent.waitForEvent('download'),
    ent.getByRole('button', { name: 'Télécharger mes données' }).click(),
  ]);
  const exported = JSON.parse(readFileSync(await download.path(), 'utf8'));
  check(download.suggestedFilename() === 'essaim-export.json' && exported.account.email === ENT.email
    && exported.entrepreneur.id === target.id,
    'the download is essaim-export.json with the account and the profile');

  await ent.getByRole('button', { name: 'Se déconnecter' }).click();
  await heading(ent).filter({ hasText: 'Se connecter' }).waitFor();
  const after = await expectStatus('/api/v1/me', 401, () => ent.evaluate(async () => {
    const r = await fetch('/api/v1/me');
    await r.text();
    return r.status;
  }));
  check(after === 401 && text(await ent.locator('#etat').textContent()) === 'Vous êtes déconnecté.',
    'after "Se déconnecter", GET /api/v1/me from the page answers 401');
  await ent.goto(`${base}/`);
  await ent.locator('#compte').filter({ hasText: 'trouvés' }).waitFor();
  check(text(await ent.locator('#lien-compte').textContent()) === 'Se connecter', 'the search page\'s header says "Se connecter" again');

  // 6. A wrong password, then the right one.
  await ent.getByRole('link', { name: 'Se connecter' }).click();
  await ent.getByLabel('Adresse e-mail').first().fill(ENT.email);
  await ent.getByLabel('Mot de passe', { exact: true }).first().fill('pas-le-bon');
  await expectStatus('/api/v1/auth/login', 401, async () => {
    await ent.getByRole('button', { name: 'Se connecter' }).click();
    await ent.locator('#connexion-password-erreur').filter({ hasText: 'incorrect' }).waitFor();
  });
  const password = ent.locator('#connexion-password');
  check(await password.getAttribute('aria-invalid') === 'true' && await password.evaluate((e) => e === document.activeElement),
    `a wrong password shows "${text(await ent.locator('#connexion-password-erreur').textContent())}" and focuses the field`);
  await password.fill(ENT.password);
  await ent.getByRole('button', { name: 'Se connecter' }).click();
  await heading(ent).filter({ hasText: 'Mon compte' }).waitFor();
  check(text(await ent.locator('#connexion-password-erreur').textContent()) === '', 'the right password signs in');

  // 6b. The staff page shows the account active; "Nouveau lien" gives
  // another link, with which the entrepreneur, in a third browser,
  // chooses a new password: the old one and its sessions end.
  await page.goto(`${base}/staff.html`);
  await heading(page).filter({ hasText: coop.name }).waitFor();
  const targetRow = page.locator(`#table-entrepreneurs tbody tr[data-id="${target.id}"]`);
  await targetRow.locator('td.compte', { hasText: 'actif' }).waitFor();
  check(text(await targetRow.locator('td.compte').textContent()) === `actif (${ENT.email})`,
    `after the activation, reloading staff.html shows "actif (${ENT.email})"`);
  await page.getByRole('button', { name: `Nouveau lien pour ${target.display_name}` }).click();
  const renewed = page.getByLabel(`Lien d’invitation pour ${ENT.email}`);
  await renewed.waitFor();
  const url2 = await renewed.inputValue();
  check(url2.startsWith(`${base}/account.html#invite=`) && url2 !== url && await renewed.evaluate((e) => e === document.activeElement),
    '"Nouveau lien" gives another absolute link, focused, with its copy button');
  await journal.filter({ hasText: 'nouveau lien d’invitation' }).filter({ hasText: ENT.email }).first().waitFor();
  check(await page.getByRole('button', { name: `Copier le lien pour ${ENT.email}` }).count() === 1,
    'the log shows the new link for the account, named by its email');

  const fresh = await newPage();
  await fresh.goto(url2);
  await heading(fresh).filter({ hasText: 'Choisissez votre mot de passe' }).waitFor();
  await fresh.getByLabel('Nouveau mot de passe').fill(ENT.renewed);
  await fresh.getByRole('button', { name: 'Enregistrer et me connecter' }).click();
  await heading(fresh).filter({ hasText: 'Mon compte' }).waitFor();
  await fresh.locator('#fiche dd', { hasText: target.display_name }).waitFor();
  f = await fiche(fresh);
  check(f['Adresse e-mail'] === ENT.email && f['Mon profil'].startsWith(target.display_name),
    'the new link, in a fresh browser, sets a new password and signs the entrepreneur in');
  const oldLogin = await call('POST', '/api/v1/auth/login', { email: ENT.email, password: ENT.password });
  const newLogin = await call('POST', '/api/v1/auth/login', { email: ENT.email, password: ENT.renewed });
  check(oldLogin.status === 401 && newLogin.status === 200, 'the old password no longer signs in (401), the new one does');
  const oldSession = await expectStatus('/api/v1/me', 401, () => ent.evaluate(async () => {
    const r = await fetch('/api/v1/me');
    await r.text();
    return r.status;
  }));
  check(oldSession === 401, 'the session opened with the old password has ended');

  // 7. A client registers, then erases the account.
  await page.goto(`${base}/account.html`);
  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await heading(page).filter({ hasText: 'Se connecter' }).waitFor();
  const reg = page.locator('#f-inscription');
  await reg.getByLabel('Adresse e-mail').fill(CLIENT.email);
  await reg.getByLabel('Nom affiché').fill(CLIENT.name);
  await reg.getByLabel('Mot de passe').fill(CLIENT.password);
  await reg.getByRole('button', { name: 'Créer mon compte' }).click();
  await heading(page).filter({ hasText: 'Mon compte' }).waitFor();
  f = await fiche(page);
  check(f['Adresse e-mail'] === CLIENT.email && f['Nom affiché'] === CLIENT.name && f['Rôle'] === 'client'
    && await page.locator('#lien-staff').isHidden(),
    `a client registers and sees "Mon compte" (${f['Nom affiché']}, ${f['Rôle']})`);

  await page.getByRole('button', { name: 'Supprimer mon compte' }).click();
  const confirm = page.getByLabel('Pour confirmer, tapez votre adresse e-mail');
  await confirm.fill('autre@exemple.fr');
  await page.getByRole('button', { name: 'Supprimer définitivement' }).click();
  await page.locator('#suppression-email-erreur').filter({ hasText: 'rien n’est supprimé' }).waitFor();
  check(await heading(page).textContent() === 'Mon compte', 'another address does not erase the account');
  await confirm.fill(CLIENT.email);
  await page.getByRole('button', { name: 'Supprimer définitivement' }).click();
  await heading(page).filter({ hasText: 'Se connecter' }).waitFor();
  check(text(await page.locator('#etat').textContent()) === 'Votre compte et vos données sont supprimés.',
    'the typed address confirms: the account is erased, the person signed out');
  await page.locator('#f-connexion').getByLabel('Adresse e-mail').fill(CLIENT.email);
  await page.locator('#f-connexion').getByLabel('Mot de passe').fill(CLIENT.password);
  await expectStatus('/api/v1/auth/login', 401, async () => {
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.locator('#connexion-password-erreur').filter({ hasText: 'incorrect' }).waitFor();
  });
  check(true, 'the erased client can no longer sign in');
});
