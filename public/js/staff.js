// staff.js: the cooperative's page for its staff (an administrator names
// the cooperative with ?cooperative=ID). Lists every profile of the
// cooperative, private ones included (GET /api/v1/entrepreneurs, "Voir
// plus" follows next_cursor); "Inviter" creates an entrepreneur's account
// (POST /api/v1/accounts) and shows the link where the person chooses a
// password; the latest entries of the audit log close the page.
import { api, me, ROLES, clearErrors, showErrors, busy, el, date } from './session.js';

const $ = (id) => document.getElementById(id);
const PAGE = 50;
const STATUS = { porteur: 'porteur de projet', salarie: 'entrepreneur salarié', associe: 'associé' };
const VISIBILITY = { public: 'public', network: 'réseau', cooperative: 'coopérative', private: 'privé' };
const ACTIONS = {
  'account.create': 'compte créé',
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
  $('journal').hidden = false;
  await entrepreneurs(null);
  await journal();
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
  const first = body.rows.length;
  for (const e of r.body.results) body.append(row(e));
  shown += r.body.results.length;
  next = r.body.next_cursor;
  $('plus-entrepreneurs').hidden = !next;
  const n = r.body.total;
  $('compte-entrepreneurs').textContent = n === 0 ? 'Aucun entrepreneur dans cette coopérative.'
    : `${n.toLocaleString('fr-FR')} entrepreneur${n > 1 ? 's' : ''}${shown < n ? `, ${shown} affichés` : ''}`;
  if (cursor && body.rows[first]) body.rows[first].querySelector('th').focus();
}

function row(e) {
  names.set(String(e.id), e.display_name);
  const tr = el('tr');
  tr.dataset.id = e.id;
  const name = el('th', null, e.display_name);
  name.scope = 'row';
  name.tabIndex = -1;
  const vis = el('span', `visibilite visibilite-${e.visibility}`, VISIBILITY[e.visibility] || e.visibility);
  const visCell = el('td');
  visCell.append(vis);
  const invite = el('button', 'secondaire', 'Inviter');
  invite.type = 'button';
  invite.setAttribute('aria-label', `Inviter ${e.display_name}`);
  invite.setAttribute('aria-expanded', 'false');
  invite.addEventListener('click', () => toggle(tr, e, invite));
  const action = el('td', 'inviter');
  action.append(invite);
  tr.append(name, el('td', null, e.headline || ''), el('td', null, (e.location && e.location.city) || ''),
    visCell, el('td', null, STATUS[e.status] || e.status || ''), action);
  labelled(tr, 'table-entrepreneurs');
  return tr;
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
  const line = el('tr', 'invitation');
  line.id = `inv-${e.id}-ligne`;
  const cell = el('td');
  cell.colSpan = 6;
  line.append(cell);
  cell.append(inviteForm(e, button));
  tr.after(line);
  button.setAttribute('aria-controls', line.id);
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
    form.replaceWith(invited(e, r.body));
    button.textContent = 'Invitation';
    button.setAttribute('aria-label', `Invitation de ${e.display_name}`);
    journal();
  });
  return form;
}

// invited: the link to hand over, with a copy button.
function invited(e, account) {
  const box = el('div', 'lien-box');
  const url = new URL(account.invitation.url, location.origin).href;
  const id = `inv-${e.id}-lien`;
  box.append(el('p', 'ok', `Compte créé pour ${account.email}. Transmettez-lui ce lien, valable jusqu’au ${date(account.invitation.expires_at, false)} : il y choisira son mot de passe.`));
  const label = el('label', null, 'Lien d’invitation');
  label.htmlFor = id;
  const input = el('input');
  Object.assign(input, { id, type: 'text', readOnly: true, value: url });
  input.dataset.url = url;
  input.addEventListener('focus', () => input.select());
  const copy = el('button', 'secondaire', 'Copier le lien');
  copy.type = 'button';
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
