// request.test.mjs: client requests and the providers' inbox
// (request.html, inbox.html) as people use them, in headless Chromium, on
// the demo data (1,500 entrepreneurs, seed 7: a bathroom request in Lyon,
// where a demo cooperative is, finds providers). An administrator made on
// the command line; a client made through the API signs in on
// account.html and describes the need (commune through the
// autocomplete); the request view lists the providers told. The
// administrator gives one of them an account; that provider, in another
// browser, signs in, opens the inbox, sees the notification and the
// request and answers "Intéressé·e"; the client sees it, retains them,
// and the request is attributed. The provider's stale page then tries a
// quote: the 409 is said in French. Last, someone without an account
// asks: the confirmation message, then the link of the e-mail (read from
// the outbox) opens the request. A group of another instance invites the
// provider: the inbox lists it, and they decline or accept it there. Run
// by tools/test-pages.
import { execFileSync } from 'node:child_process';
import { run } from './harness.mjs';

const text = (s) => (s || '').replace(/\s+/g, ' ').trim();
const ADMIN = { email: 'admin@essaim.example', password: 'admin-mot-de-passe' };
const CLIENT = { email: 'cliente@exemple.fr', password: 'cliente-2026', name: 'Camille Martin' };
const PROVIDER = { email: 'artisan@exemple.fr', password: 'abeille-2026' };
const ANONYMOUS = 'sans-compte@exemple.fr';
const TITLE = 'Rénovation de salle de bain';
const day = (n) => new Date(Date.now() + n * 86400000).toISOString().slice(0, 10);

process.exitCode = await run('request pages', { size: 1500, seed: 7 }, async ({ page, base, check, expect400, expectStatus, newPage, db, cli }) => {
  const call = async (method, path, body, token) => {
    const headers = { 'Content-Type': 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    const res = await fetch(`${base}${path}`, { method, headers, body: body && JSON.stringify(body) });
    return { status: res.status, body: res.status === 204 ? null : await res.json() };
  };
  cli(['admin', 'create', ADMIN.email, '--db', db, '--password', ADMIN.password]);
  const admin = (await call('POST', '/api/v1/auth/login', ADMIN)).body.token;
  const made = await call('POST', '/api/v1/accounts', { email: CLIENT.email, password: CLIENT.password, display_name: CLIENT.name });
  check(admin && made.status === 201 && made.body.role === 'client', 'an administrator (CLI) and a client (API) exist');

  // 1. The client signs in; "Mon compte" leads to the request form.
  await page.goto(`${base}/account.html`);
  await page.locator('#f-connexion').getByLabel('Adresse e-mail').fill(CLIENT.email);
  await page.locator('#f-connexion').getByLabel('Mot de passe').fill(CLIENT.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByRole('link', { name: 'Déposer une demande' }).last().click();
  await page.getByRole('heading', { name: 'Décrire votre besoin' }).waitFor();
  check(await page.locator('#depot-anonyme').isHidden() && await page.locator('#mes-demandes').isVisible(),
    'signed in, "Déposer une demande" on account.html opens the form, "Mes demandes" below it');

  // An empty form: the errors next to their fields.
  await expect400('/api/v1/requests', async () => {
    await page.getByRole('button', { name: 'Envoyer la demande' }).click();
    await page.locator('#demande-location-erreur').filter({ hasText: 'À remplir' }).waitFor();
  });
  check(text(await page.locator('#demande-title-erreur').textContent()) === 'À remplir.'
    && await page.getByLabel('Titre').getAttribute('aria-invalid') === 'true'
    && await page.getByLabel('Titre').evaluate((e) => e === document.activeElement),
    'an empty form: "À remplir." next to the title and the commune, the title focused');

  // 2. The need, the commune chosen in the autocomplete.
  await page.getByLabel('Titre').fill(TITLE);
  await page.getByLabel('Description').fill('Remplacer la baignoire par une douche à l’italienne, refaire le carrelage.');
  const commune = page.getByRole('combobox', { name: 'Commune' });
  await commune.fill('Lyon');
  await page.getByRole('option', { name: /^Lyon \(69\)/ }).first().click();
  check(await commune.inputValue() === 'Lyon (69)', 'the autocomplete fills the commune: "Lyon (69)"');
  await page.getByLabel('Échéance').fill(day(60));
  await page.getByLabel('Budget en euros').fill('8000');
  check(text(await page.locator('#demande-budget-aide').textContent()).includes('le budget n’est jamais un critère de classement'),
    'the budget says it is never a ranking criterion');
  await page.getByLabel('Téléphone').fill('06 12 34 56 78');
  await page.getByRole('button', { name: 'Envoyer la demande' }).click();
  await page.locator('#demande-titre', { hasText: TITLE }).waitFor();
  const id = new URL(page.url()).searchParams.get('id');
  const want = (await call('GET', `/api/v1/requests/${id}/matches`, null, admin)).body;
  const told = want.results.filter((m) => m.notified);
  const rows = page.locator('#reponses-liste > li');
  await rows.first().waitFor();
  check(id && told.length >= 3 && await rows.count() === told.length
    && await page.locator('#autres-liste > li').count() === want.total - told.length,
    `the request is sent: request.html?id=${id} lists the ${told.length} providers told (and the ${want.total - told.length} others matched, folded)`);
  check(text(await page.locator('#etat').textContent()).startsWith(`Votre demande est envoyée : ${told.length} entrepreneurs`)
    && text(await page.locator('#demande-statut').textContent()) === 'Demande ouverte',
    `"${text(await page.locator('#etat').textContent())}", status "Demande ouverte"`);
  const target = told[0].entrepreneur;
  const row = page.locator(`#p-${target.id}`);
  check(text(await row.locator('h3').textContent()) === target.display_name
    && text(await row.locator('.reponse').textContent()) === 'Réponse : prévenu·e'
    && (await row.locator('.pourquoi li').count()) === told[0].why.length,
    `the first told, ${target.display_name}, shows with the reasons and "prévenu·e"`);
  check(await page.getByRole('button', { name: 'Retenir' }).count() === 0,
    'no "Retenir" before a provider answers');

  // 3. The administrator gives that provider an account.
  const acc = await call('POST', '/api/v1/accounts',
    { email: PROVIDER.email, password: PROVIDER.password, role: 'entrepreneur', entrepreneur_id: target.id }, admin);
  check(acc.status === 201, `the administrator gives ${target.display_name} an entrepreneur account`);

  // 4. The provider, in another browser: sign in, the inbox.
  const pro = await newPage();
  await pro.goto(`${base}/account.html`);
  await pro.locator('#f-connexion').getByLabel('Adresse e-mail').fill(PROVIDER.email);
  await pro.locator('#f-connexion').getByLabel('Mot de passe').fill(PROVIDER.password);
  await pro.getByRole('button', { name: 'Se connecter' }).click();
  await pro.getByRole('link', { name: 'Voir les demandes reçues' }).click();
  const notif = pro.locator('#notifications-liste li.non-lue');
  await notif.first().waitFor();
  check(text(await pro.locator('#notifications-compte').textContent()) === '1 notification non lue sur 1.'
    && text(await notif.textContent()).includes(`Nouvelle demande à Lyon : ${TITLE}`),
    `the inbox shows 1 unread notification: "${text(await notif.locator('a').textContent())}"`);
  const received = pro.locator(`#d-${id}`);
  check(text(await received.textContent()).includes('Vous : nouvelle'), 'the request is listed, "Vous : nouvelle"');
  await notif.getByRole('link').click();
  await pro.locator('#detail-titre', { hasText: TITLE }).waitFor();
  await received.filter({ hasText: 'Vous : vue, sans réponse' }).waitFor();
  check(new URL(pro.url()).hash === `#request=${id}`
    && await pro.locator('#detail-titre').evaluate((e) => e === document.activeElement)
    && await pro.locator('#detail-fiche').getByText(CLIENT.email).count() === 0,
    'the notification opens the request (#request=ID, focused), marked viewed, the client\'s contact not yet shown');
  await pro.getByRole('button', { name: 'Tout marquer comme lu' }).click();
  await pro.locator('#notifications-compte', { hasText: 'Toutes lues (1).' }).waitFor();
  check(await pro.locator('#notifications-liste li.non-lue').count() === 0, '"Tout marquer comme lu" marks the notification read');
  await pro.getByRole('button', { name: 'Intéressé·e' }).click();
  await pro.locator('#detail-fiche').getByText(CLIENT.email).waitFor();
  check(text(await received.textContent()).includes('Vous : vous êtes intéressé·e')
    && await pro.getByRole('button', { name: 'Intéressé·e' }).isHidden()
    && await pro.getByRole('button', { name: 'Proposer un devis' }).isVisible(),
    '"Intéressé·e" answers: the client\'s contact shows, a quote is still possible');

  // 5. The client sees the answer and retains the provider.
  await page.getByRole('button', { name: 'Actualiser' }).click();
  await row.locator('.reponse', { hasText: 'intéressé·e' }).waitFor();
  check(text(await row.locator('.reponse').textContent()) === 'Réponse : intéressé·e', `${target.display_name}: "intéressé·e"`);
  await row.getByRole('button', { name: 'Retenir' }).click();
  const yes = row.getByRole('button', { name: `Oui, retenir ${target.display_name}` });
  check(await yes.evaluate((e) => e === document.activeElement), '"Retenir" asks for a confirmation in the page');
  await yes.click();
  await page.locator('#demande-statut', { hasText: 'attribuée' }).waitFor();
  check(text(await page.locator('#demande-statut').textContent()) === `Demande attribuée à ${target.display_name}`
    && text(await row.locator('.reponse').textContent()) === 'Réponse : retenu·e'
    && await page.getByRole('button', { name: 'Annuler la demande' }).isHidden()
    && await page.getByRole('button', { name: 'Retenir' }).count() === 0,
    `the request shows "Demande attribuée à ${target.display_name}", the provider "retenu·e"`);
  const closed = (await call('GET', `/api/v1/requests/${id}`, null, admin)).body;
  check(closed.status === 'won' && closed.won_by === target.id, 'the API agrees: status won, won_by the provider');

  // 6. The provider's page is stale: a quote now is a 409, said in French.
  await pro.getByRole('button', { name: 'Proposer un devis' }).click();
  await pro.getByLabel('Montant en euros').fill('4200');
  await pro.getByLabel('Message au client').fill('Dépose, douche, carrelage et finitions.');
  await expectStatus('/responses', 409, async () => {
    await pro.getByRole('button', { name: 'Envoyer le devis' }).click();
    await pro.locator('#detail-erreur:visible').waitFor();
  });
  check(text(await pro.locator('#detail-erreur').textContent()) === 'Cette demande est close : elle n’attend plus de réponse.'
    && text(await pro.locator('#detail-moi').textContent()).startsWith('Votre réponse est retenue')
    && await pro.locator('#reponses-possibles').isHidden(),
    `a quote after the request is won: "${text(await pro.locator('#detail-erreur').textContent())}" (409), the request shown as retained`);
  await pro.goto(`${base}/inbox.html#request=${id}`);
  await pro.locator('#detail-moi', { hasText: 'Votre réponse est retenue' }).waitFor();
  check(text(await pro.locator('#detail-statut').textContent()) === 'Demande attribuée',
    'inbox.html#request=ID (the e-mail\'s link) opens the request directly');

  // 7. "Mes demandes".
  await page.getByRole('link', { name: 'Mes demandes' }).click();
  const mine = page.locator('#mes-demandes-liste > li');
  await mine.first().waitFor();
  check(await mine.count() === 1 && text(await mine.first().textContent()).includes(TITLE)
    && text(await mine.first().locator('.etiquette-statut').textContent()) === 'attribuée',
    '"Mes demandes" lists the request, "attribuée"');

  // 8. Without an account: the e-mail is required, then a confirmation.
  const anon = await newPage();
  await anon.goto(`${base}/request.html`);
  await anon.getByRole('heading', { name: 'Décrire votre besoin' }).waitFor();
  check(await anon.locator('#depot-anonyme').isVisible() && await anon.locator('#mes-demandes').isHidden(),
    'anonymous: the form says a confirmation e-mail will be asked, no "Mes demandes"');
  await anon.getByLabel('Titre').fill(TITLE);
  await anon.getByRole('combobox', { name: 'Commune' }).fill('Marseille');
  await anon.getByRole('option', { name: /^Marseille \(13\)/ }).first().click();
  await expect400('/api/v1/requests', async () => {
    await anon.getByRole('button', { name: 'Envoyer la demande' }).click();
    await anon.locator('#demande-contact-email-erreur').filter({ hasText: 'À remplir' }).waitFor();
  });
  check(true, 'anonymous without an e-mail address: "À remplir." next to it');
  await anon.getByLabel('Adresse e-mail').fill(ANONYMOUS);
  await anon.getByRole('button', { name: 'Envoyer la demande' }).click();
  await anon.locator('#envoyee-texte').waitFor();
  check(text(await anon.locator('#envoyee-texte').textContent()) === `Un e-mail de confirmation vous a été envoyé à ${ANONYMOUS}.`,
    `anonymous: "Un e-mail de confirmation vous a été envoyé à ${ANONYMOUS}."`);
  const mail = execFileSync('sqlite3', [db, `SELECT body FROM outbox WHERE recipient = '${ANONYMOUS}' ORDER BY id DESC LIMIT 1`]).toString();
  const link = /\/request\.html#confirm=[A-Za-z0-9_-]+/.exec(mail);
  check(link, 'the outbox holds the confirmation e-mail with its link');
  await anon.goto(`${base}${link[0]}`);
  await anon.locator('#etat', { hasText: 'Votre demande est confirmée' }).waitFor();
  await anon.locator('#reponses-liste > li').first().waitFor();
  check(new URL(anon.url()).searchParams.get('id') && new URL(anon.url()).hash === ''
    && text(await anon.locator('#demande-statut').textContent()) === 'Demande ouverte',
    `the link confirms: "${text(await anon.locator('#etat').textContent())}", the person signed in sees the request`);

  // 9. Cancelling, confirmed in the page.
  await anon.getByRole('button', { name: 'Annuler la demande' }).click();
  await anon.getByRole('button', { name: 'Non, la garder' }).click();
  check(await anon.locator('#annulation-confirmer').isHidden()
    && await anon.getByRole('button', { name: 'Annuler la demande' }).evaluate((e) => e === document.activeElement),
    '"Non, la garder" closes the confirmation, the focus back on "Annuler la demande"');
  await anon.getByRole('button', { name: 'Annuler la demande' }).click();
  await anon.getByRole('button', { name: 'Oui, annuler la demande' }).click();
  await anon.locator('#demande-statut', { hasText: 'annulée' }).waitFor();
  check(await anon.getByRole('button', { name: 'Annuler la demande' }).isHidden(),
    `"Oui, annuler la demande": "${text(await anon.locator('#etat').textContent())}"`);

  // 10. A group of another instance invites the provider (its message
  // as stored here: tests/test_fed.c checks the messages themselves);
  // the inbox lists them, the provider declines one with a reason (it
  // leaves the list) and accepts the other, and each answer waits to go
  // to that instance.
  const sql = (q) => execFileSync('sqlite3', [db, q]).toString().trim();
  sql("INSERT INTO peer(url, origin, name) VALUES('http://127.0.0.1:9', 'http://127.0.0.1:9', 'Coopérative du Sud')");
  const peer = sql("SELECT id FROM peer WHERE url = 'http://127.0.0.1:9'");
  for (const [rid, name] of [['41', 'Groupement Mairie de Lyon'], ['42', 'Groupement Lycée']]) {
    sql(`INSERT INTO grp_invitation_in(peer_id, remote_id, entrepreneur_id, grp, invited_by, role, status, round)
      VALUES(${peer}, '${rid}', ${target.id}, json_object('id', '7', 'kind', 'tender_team', 'name', '${name}',
      'description', 'Rénovation des sanitaires', 'tender', json_object('title', 'Rénovation de la mairie',
      'lot', json_object('id', '1', 'title', 'Plomberie'))), 'Anne Architecte', 'member', 'invited', 1)`);
  }
  await pro.goto(`${base}/inbox.html`);
  const invites = pro.locator('#invitations-liste > li');
  await invites.first().waitFor();
  const first = pro.locator('#invitations-liste > li', { hasText: 'Groupement Mairie de Lyon' });
  check(await invites.count() === 2
    && text(await first.textContent()).includes('Rénovation de la mairie (lot Plomberie)')
    && text(await first.textContent()).includes('invité·e par Anne Architecte')
    && text(await first.textContent()).includes('depuis Coopérative du Sud'),
    'the inbox lists the 2 invitations of the other instance, with the tender, the lot, who invites and from where');
  const second = pro.locator('#invitations-liste > li', { hasText: 'Groupement Lycée' });
  await second.getByLabel(/Raison/).fill('Pas disponible en juin');
  await second.getByRole('button', { name: 'Décliner' }).click();
  await pro.locator('#etat', { hasText: 'Vous avez décliné l’invitation de « Groupement Lycée »' }).waitFor();
  check(await second.count() === 0 && await invites.count() === 1,
    '"Décliner" with a reason: said, and the invitation leaves the list');
  await first.getByRole('button', { name: 'Accepter' }).click();
  await first.filter({ hasText: 'Invitation acceptée' }).waitFor();
  check(sql(`SELECT group_concat(remote_id || ':' || status || ':' || coalesce(reason, ''), ' ') FROM
      (SELECT * FROM grp_invitation_in WHERE peer_id = ${peer} ORDER BY remote_id)`) === '41:accepted: 42:declined:Pas disponible en juin'
    && sql(`SELECT count(*) FROM fed_message WHERE peer_id = ${peer} AND path LIKE '/federation/v1/invitations/%/answer'`) === '2',
    '"Accepter": the invitation shows accepted; both answers kept and queued for the other instance');
});
