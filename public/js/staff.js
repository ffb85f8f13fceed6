// staff.js: the cooperative's page for its staff (an administrator names
// the cooperative with ?cooperative=ID). Lists every profile of the
// cooperative, private ones included (GET /api/v1/entrepreneurs, "Voir
// plus" follows next_cursor) with the state of each one's account, from
// the cooperative's accounts (GET /api/v1/cooperatives/{id}/accounts, every
// page). "Inviter" creates an entrepreneur's account (POST
// /api/v1/accounts) and shows the link where the person chooses a
// password; for an account that exists, "Nouveau lien" makes a new link
// (POST /api/v1/accounts/{id}/invitation: forgotten password, lost link).
// "Équipe" lists the cooperative's staff accounts, each with its
// "Nouveau lien"; the latest entries of the audit log close the page.
import { api, me, ROLES, clearErrors, showErrors, busy, el, date } from './session.js';

const $ = (id) => document.getElementById(id);
const PAGE = 50;
const STATUS = { porteur: 'porteur de projet', salarie: 'entrepreneur salarié', associe: 'associé' };
const VISIBILITY = { public: 'public', network: 'réseau', cooperative: 'coopérative', private: 'privé' };
const ACTIONS = {
  'account.create': 'compte créé',
  'account.invite': 'nouveau lien d’invitation',
  'entrepreneur.create': 'profil créé',
  'entrepreneur.update': 'profil modifié',
  'entrepreneur.delete': 'profil supprimé',
  'cooperative.create': 'coopérative créée',
  'cooperative.update': 'coopérative modifiée',
};
const TARGETS = { account: 'compte', entrepreneur: 'profil', cooperative: 'coopérative' };

let coop = null;        // the cooperative's id
let next = null;        // next_cursor of the entrepreneurs
let shown = 0;
const names = new Map();   // entrepreneur id -> display_name, for the log
const owners = new Map();  // entrepreneur id -> their account
const emails = new Map();  // account id -> email, for the log
let accounts = Promise.resolve(false);
const COLUMNS = 7;   // of the entrepreneurs' table   // true once the accounts are in

function say(text) {
  $('etat').textContent = text;
}

function refuse(text) {
  say('');
  $('refus-texte').textContent = text;
  $('refus').hidden = false;
}

function fail(box, r, what) {
  const detail = r.status === 403 ? 'votre compte n’y a pas accès.'
    : r.status === 401 ? 'votre session a expiré, reconnectez-vous.'
      : r.status === 0 ? 'le serveur ne répond pas.' : `erreur ${r.status}.`;
  $(box).textContent = `${what} : ${detail}`;
  $(box).hidden = false;
}

async function start() {
  const a = await me();
  if (!a) return refuse('Cette page est réservée à l’équipe des coopératives : connectez-vous d’abord.');
  if (a.role !== 'staff' && a.role !== 'admin') {
    return refuse(`Cette page est réservée à l’équipe des coopératives ; votre compte (${ROLES[a.role] || a.role}) n’y a pas accès.`);
  }
  coop = a.role === 'staff' ? a.cooperative_id : new URLSearchParams(location.search).get('cooperative');
  if (!coop) {
    say('Quelle coopérative afficher ?');
    $('choix-cooperative').hidden = false;
    $('choix-numero').focus();
    return;
  }
  const r = await api('GET', `/api/v1/cooperatives/${encodeURIComponent(coop)}`);
  if (!r.ok) {
    return refuse(r.status === 404 ? `La coopérative n° ${coop} n’existe pas.`
      : 'La coopérative n’a pas pu être chargée : réessayez plus tard.');
  }
  $('titre').textContent = r.body.name;
  document.title = `${r.body.name} · essaim`;
  say('');
  $('entrepreneurs').hidden = false;
  $('equipe').hidden = false;
  $('journal').hidden = false;
  accounts = loadAccounts(a);
  await entrepreneurs(null);
  await journal();
}

// loadAccounts: every account of the cooperative, 100 at a time. The
// entrepreneurs' ones go to their rows (owners), the staff ones to
// "Équipe". Resolves to false when they could not be loaded.
async function loadAccounts(self) {
  const all = [];
  let cursor = null;
  const body = $('table-equipe').tBodies[0];
  body.setAttribute('aria-busy', 'true');
  do {
    const q = new URLSearchParams({ limit: '100' });
    if (cursor) q.set('cursor', cursor);
    const r = await api('GET', `/api/v1/cooperatives/${encodeURIComponent(coop)}/accounts?${q}`);
    if (!r.ok) {
      body.removeAttribute('aria-busy');
      fail('equipe-erreur', r, 'Les comptes de la coopérative n’ont pas pu être chargés');
      $('compte-equipe').textContent = '';
      return false;
    }
    all.push(...r.body.results);
    cursor = r.body.next_cursor;
  } while (cursor);
  body.removeAttribute('aria-busy');
  $('equipe-erreur').hidden = true;
  for (const a of all) {
    emails.set(String(a.id), a.email);
    if (a.role === 'entrepreneur' && a.entrepreneur_id) owners.set(String(a.entrepreneur_id), a);
  }
  const team = all.filter((a) => a.role === 'staff');
  body.replaceChildren(...team.map((a) => member(a, self)));
  const n = team.length;
  $('compte-equipe').textContent = n === 0 ? 'Aucun compte d’équipe dans cette coopérative.'
    : `${n} compte${n > 1 ? 's' : ''} d’équipe`;
  $('table-equipe').parentElement.hidden = n === 0;
  return true;
}

// state: the "Compte" cell's words: aucun, invité·e (email), actif
// (email); without the email in "Équipe"; "inconnu" when the accounts
// could not be loaded.
function state(cell, account, known, email = true) {
  if (!account) {
    cell.replaceChildren(el('span', 'compte-etat compte-aucun', known ? 'aucun' : 'inconnu'));
    return;
  }
  const on = account.activated;
  cell.replaceChildren(el('span', `compte-etat compte-${on ? 'actif' : 'invite'}`, on ? 'actif' : 'invité·e'));
  if (email) cell.append(` (${account.email})`);
}

// member: one row of "Équipe".
function member(a, self) {
  const tr = el('tr');
  tr.dataset.account = a.id;
  const mail = el('th', null, a.email);
  mail.scope = 'row';
  if (self && String(self.id) === String(a.id)) mail.append(' (vous)');
  const cell = el('td');
  state(cell, a, true, false);
  const action = el('td', 'inviter');
  action.append(renewButton(tr, `eq-${a.id}`, a, a.email, 3));
  tr.append(mail, cell, action);
  labelled(tr, 'table-equipe');
  return tr;
}

async function entrepreneurs(cursor) {
  const q = new URLSearchParams({ cooperative: coop, limit: String(PAGE) });
  if (cursor) q.set('cursor', cursor);
  const body = $('table-entrepreneurs').tBodies[0];
  body.setAttribute('aria-busy', 'true');
  const r = await api('GET', `/api/v1/entrepreneurs?${q}`);
  body.removeAttribute('aria-busy');
  $('entrepreneurs-erreur').hidden = true;
  if (!r.ok) return fail('entrepreneurs-erreur', r, 'La liste des entrepreneurs n’a pas pu être chargée');
  const known = await accounts;
  const first = body.rows.length;
  for (const e of r.body.results) body.append(row(e, known));
  shown += r.body.results.length;
  next = r.body.next_cursor;
  $('plus-entrepreneurs').hidden = !next;
  const n = r.body.total;
  $('compte-entrepreneurs').textContent = n === 0 ? 'Aucun entrepreneur dans cette coopérative.'
    : `${n.toLocaleString('fr-FR')} entrepreneur${n > 1 ? 's' : ''}${shown < n ? `, ${shown} affichés` : ''}`;
  if (cursor && body.rows[first]) body.rows[first].querySelector('th').focus();
}

function row(e, known) {
  names.set(String(e.id), e.display_name);
  const tr = el('tr');
  tr.dataset.id = e.id;
  const name = el('th', null, e.display_name);
  name.scope = 'row';
  name.tabIndex = -1;
  const vis = el('span', `visibilite visibilite-${e.visibility}`, VISIBILITY[e.visibility] || e.visibility);
  const visCell = el('td');
  visCell.append(vis);
  const account = owners.get(String(e.id));
  const compte = el('td', 'compte');
  state(compte, account, known);
  const action = el('td', 'inviter');
  if (account) {
    action.append(renewButton(tr, `inv-${e.id}`, account, e.display_name, COLUMNS));
  } else {
    const invite = el('button', 'secondaire', 'Inviter');
    invite.type = 'button';
    invite.setAttribute('aria-label', `Inviter ${e.display_name}`);
    invite.setAttribute('aria-expanded', 'false');
    invite.addEventListener('click', () => toggle(tr, e, invite));
    action.append(invite);
  }
  tr.append(name, el('td', null, e.headline || ''), el('td', null, (e.location && e.location.city) || ''),
    visCell, el('td', null, STATUS[e.status] || e.status || ''), compte, action);
  labelled(tr, 'table-entrepreneurs');
  return tr;
}

// renewButton: "Nouveau lien" for an account that exists: a new
// invitation link (older ones stop working), shown in a line under the
// row `tr`. key names that line's elements; who says whose link it is.
function renewButton(tr, key, account, who, columns) {
  const button = el('button', 'secondaire', 'Nouveau lien');
  button.type = 'button';
  button.setAttribute('aria-label', `Nouveau lien pour ${who}`);
  button.addEventListener('click', () => renew(tr, key, account, who, columns, button));
  return button;
}

async function renew(tr, key, account, who, columns, button) {
  if (button.getAttribute('aria-busy') === 'true') return;
  button.setAttribute('aria-busy', 'true');
  const r = await api('POST', `/api/v1/accounts/${encodeURIComponent(account.id)}/invitation`);
  button.removeAttribute('aria-busy');
  const cell = line(tr, key, columns, button);
  if (!r.ok) {
    const err = el('p', 'erreur');
    err.id = `${key}-erreur`;
    err.setAttribute('role', 'alert');
    cell.replaceChildren(err);
    fail(err.id, r, `Le nouveau lien pour ${who} n’a pas pu être créé`);
    return;
  }
  cell.replaceChildren(linkBox(key, account.email, r.body.invitation,
    `Nouveau lien pour ${account.email}, valable jusqu’au ${date(r.body.invitation.expires_at, false)} : `
    + `la personne y choisira ${account.activated ? 'un nouveau' : 'son'} mot de passe. Les liens précédents ne marchent plus${
      account.activated ? ' ; son mot de passe actuel reste valable jusque-là.' : '.'}`));
  journal();
}

// line: the line under a row that holds a form or a link (made once).
function line(tr, key, columns, button) {
  let row = $(`${key}-ligne`);
  if (!row) {
    row = el('tr', 'invitation');
    row.id = `${key}-ligne`;
    const cell = el('td');
    cell.colSpan = columns;
    row.append(cell);
    tr.after(row);
  }
  row.hidden = false;
  button.setAttribute('aria-controls', row.id);
  return row.cells[0];
}

// labelled: each cell names its column (data-label), shown when the
// table turns into cards at phone width.
function labelled(tr, table) {
  const heads = $(table).tHead.rows[0].cells;
  [...tr.cells].forEach((c, i) => { c.dataset.label = heads[i].textContent; });
}

// toggle: open or close the invitation row under an entrepreneur's row.
function toggle(tr, e, button) {
  const open = $(`inv-${e.id}-ligne`);
  if (open) {
    open.hidden = !open.hidden;
    button.setAttribute('aria-expanded', String(!open.hidden));
    if (!open.hidden) open.querySelector('input').focus();
    return;
  }
  const cell = line(tr, `inv-${e.id}`, COLUMNS, button);
  cell.append(inviteForm(e, button));
  button.setAttribute('aria-expanded', 'true');
  cell.querySelector('input').focus();
}

function inviteForm(e, button) {
  const form = el('form', 'carte-form');
  form.id = `inv-${e.id}`;
  form.noValidate = true;
  form.setAttribute('aria-label', `Inviter ${e.display_name}`);
  const field = el('div', 'field');
  const label = el('label', null, `Adresse e-mail de ${e.display_name}`);
  label.htmlFor = `inv-${e.id}-email`;
  const input = el('input');
  Object.assign(input, { id: `inv-${e.id}-email`, name: 'email', type: 'email', autocomplete: 'off', required: true });
  input.setAttribute('aria-describedby', `inv-${e.id}-email-erreur`);
  const err = el('p', 'erreur');
  err.id = `inv-${e.id}-email-erreur`;
  err.hidden = true;
  field.append(label, input, err);
  const general = el('p', 'erreur');
  general.id = `inv-${e.id}-erreur`;
  general.setAttribute('role', 'alert');
  general.hidden = true;
  const send = el('button', null, 'Créer le compte et le lien');
  send.type = 'submit';
  const cancel = el('button', 'secondaire', 'Annuler');
  cancel.type = 'button';
  cancel.addEventListener('click', () => {
    $(`inv-${e.id}-ligne`).hidden = true;
    button.setAttribute('aria-expanded', 'false');
    button.focus();
  });
  const actions = el('div', 'actions');
  actions.append(send, cancel);
  form.append(field, general, actions);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!busy(form, true)) return;
    clearErrors(form);
    const r = await api('POST', '/api/v1/accounts',
      { email: input.value.trim(), role: 'entrepreneur', entrepreneur_id: e.id });
    busy(form, false);
    if (!r.ok) return showErrors(form, r);
    const account = r.body;
    owners.set(String(e.id), account);
    emails.set(String(account.id), account.email);
    form.replaceWith(linkBox(`inv-${e.id}`, account.email, account.invitation,
      `Compte créé pour ${account.email}. Transmettez-lui ce lien, valable jusqu’au ${date(account.invitation.expires_at, false)} : il y choisira son mot de passe.`));
    const tr = $(`inv-${e.id}-ligne`).previousElementSibling;
    state(tr.querySelector('td.compte'), account, true);
    const renewal = renewButton(tr, `inv-${e.id}`, account, e.display_name, COLUMNS);
    renewal.setAttribute('aria-controls', `inv-${e.id}-ligne`);
    button.replaceWith(renewal);
    journal();
  });
  return form;
}

// linkBox: the link to hand over, with a copy button; message above it.
function linkBox(key, email, invitation, message) {
  const box = el('div', 'lien-box');
  const url = new URL(invitation.url, location.origin).href;
  const id = `${key}-lien`;
  box.append(el('p', 'ok', message));
  const label = el('label', null, `Lien d’invitation pour ${email}`);
  label.htmlFor = id;
  const input = el('input');
  Object.assign(input, { id, type: 'text', readOnly: true, value: url });
  input.dataset.url = url;
  input.addEventListener('focus', () => input.select());
  const copy = el('button', 'secondaire', 'Copier le lien');
  copy.type = 'button';
  copy.setAttribute('aria-label', `Copier le lien pour ${email}`);
  const status = el('p', 'aide');
  status.setAttribute('role', 'status');
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(url);
      status.textContent = 'Lien copié dans le presse-papiers.';
    } catch {
      input.focus();
      input.select();
      status.textContent = 'Copie impossible ici : le lien est sélectionné, copiez-le avec Ctrl+C.';
    }
  });
  const line = el('div', 'lien-invitation');
  line.append(input, copy);
  box.append(label, line, status);
  setTimeout(() => input.focus());
  return box;
}

async function journal() {
  const r = await api('GET', `/api/v1/cooperatives/${encodeURIComponent(coop)}/audit?limit=20`);
  $('journal-erreur').hidden = true;
  const body = $('table-journal').tBodies[0];
  if (!r.ok) return fail('journal-erreur', r, 'Le journal n’a pas pu être chargé');
  body.replaceChildren(...r.body.results.map((a) => {
    const tr = el('tr');
    const [kind, id] = String(a.target || '').split(':');
    let target = TARGETS[kind] ? `${TARGETS[kind]} n° ${id}` : a.target || '';
    if (kind === 'entrepreneur' && names.has(id)) target += ` (${names.get(id)})`;
    if (kind === 'account' && emails.has(id)) target += ` (${emails.get(id)})`;
    const when = el('td');
    const t = el('time', null, date(a.at));
    t.dateTime = a.at;
    when.append(t);
    tr.append(when, el('td', null, ROLES[a.actor_role] || a.actor_role || ''),
      el('td', null, ACTIONS[a.action] || a.action), el('td', null, target));
    labelled(tr, 'table-journal');
    return tr;
  }));
  $('journal-vide').hidden = r.body.results.length > 0;
  $('table-journal').parentElement.hidden = r.body.results.length === 0;
}

$('plus-entrepreneurs').addEventListener('click', () => entrepreneurs(next));
start();
