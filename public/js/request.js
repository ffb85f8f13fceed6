// request.js: a client's requests. Without parameters: the form
// "Décrire votre besoin" (POST /api/v1/requests) and, for a client
// signed in, "Mes demandes" (GET /api/v1/requests). Signed in, the new
// request opens at once (?id=ID); anonymous, the server mails a
// confirmation link, /request.html#confirm=TOKEN, which opens it (POST
// /api/v1/requests/confirm; the person is then signed in as a client).
// ?id=ID: the client's view of a request, the providers it was matched
// to and their answers; while it is open, "Retenir" a provider who
// answered (POST .../outcome won) or "Annuler la demande", each confirmed
// in the page.
import { api, me, ROLES, french, clearErrors, showErrors, busy, el, date } from './session.js';
import { placeBox } from './place.js';

const $ = (id) => document.getElementById(id);
const SECTIONS = ['depot', 'envoyee', 'demande'];
const form = $('f-demande');

const REQUEST_STATUS = {
  unconfirmed: 'à confirmer', open: 'ouverte', won: 'attribuée', cancelled: 'annulée',
};
const REASONS = {
  unavailable: 'pas disponible',
  out_of_area: 'hors de sa zone',
  out_of_trade: 'hors de son métier',
  budget: 'budget',
  deadline: 'délai',
  other: 'autre raison',
};

let account = null;
let current = null;      // the request shown
let names = new Map();   // entrepreneur id -> display_name, of the request shown
let next = null;         // next_cursor of "Mes demandes"

placeBox(form.elements.location, $('demande-location-liste'));

// owner: may the person signed in close the request shown (its client,
// or an administrator)?
const owner = () => Boolean(account && (account.role === 'client' || account.role === 'admin'));

function say(text) {
  $('etat').textContent = text;
}

function show(id, focus) {
  for (const s of SECTIONS) $(s).hidden = s !== id;
  $('refus').hidden = true;
  if (focus) $(`${id}-titre`).focus();
}

// refuse: a message instead of the page; link: to account.html, or
// [href, text].
function refuse(text, link = true) {
  for (const s of SECTIONS) $(s).hidden = true;
  $('mes-demandes').hidden = true;
  say('');
  $('refus-texte').textContent = text;
  const a = $('refus-lien').querySelector('a');
  [a.href, a.textContent] = Array.isArray(link) ? link : ['/account.html', 'Aller à la page Mon compte'];
  $('refus-lien').hidden = !link;
  $('refus').hidden = false;
}

const euros = (n) => `${Number(n).toLocaleString('fr-FR', Number.isInteger(Number(n)) ? {} : { minimumFractionDigits: 2, maximumFractionDigits: 2 })}\u00a0€`;
function budget(b) {
  if (!b) return '';
  if (b.min != null && b.max != null) return b.min === b.max ? euros(b.max) : `de ${euros(b.min)} à ${euros(b.max)}`;
  if (b.max != null) return `jusqu’à ${euros(b.max)}`;
  return b.min != null ? `à partir de ${euros(b.min)}` : '';
}
const wanted = (w) => (w || []).map((x) => (typeof x === 'string' ? x : x.label || x.code)).join(', ');
// A day "YYYY-MM-DD" in words, in the local calendar (not UTC midnight).
const day = (s) => {
  const [y, m, d] = String(s).split('-').map(Number);
  return new Date(y, m - 1, d).toLocaleDateString('fr-FR', { dateStyle: 'long' });
};
const place = (l) => (l ? `${l.city}${l.postcode ? ` (${l.postcode})` : ''}` : '');

// ------------------------------------------------------------ the form

function values() {
  const f = form.elements;
  const v = (name) => f[name].value.trim();
  const out = { title: v('title') };
  if (v('description')) out.description = v('description');
  if (v('location')) out.location = { city: v('location') };
  const words = v('wanted').split(',').map((w) => w.trim()).filter(Boolean);
  if (words.length) out.wanted = words;
  if (v('deadline')) out.deadline = v('deadline');
  if (v('budget')) out.budget = Number(v('budget'));
  const contact = {};
  for (const k of ['name', 'email', 'phone']) if (v(`contact.${k}`)) contact[k] = v(`contact.${k}`);
  if (Object.keys(contact).length) out.contact = contact;
  return out;
}

// The API names nested fields ("location.city", "wanted[2]", "budget.max"):
// each goes next to the input that holds it.
function fieldOf(name) {
  for (const f of ['location', 'wanted', 'budget']) if (name === f || name.startsWith(`${f}.`) || name.startsWith(`${f}[`)) return f;
  return name;
}

function local(field, message) {
  return { status: 400, body: { errors: [{ field, message }] } };
}

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  if (!busy(form, true)) return;
  clearErrors(form);
  if (form.elements.budget.validity.badInput) {
    busy(form, false);
    return showErrors(form, local('budget', 'Indiquez un montant en euros (un nombre positif).'));
  }
  const sent = values();
  const r = await api('POST', '/api/v1/requests', sent);
  busy(form, false);
  if (!r.ok) {
    const errors = ((r.body && r.body.errors) || []).map((x) => ({ ...x, field: fieldOf(x.field || '') }));
    if (r.status === 403) errors.push({ field: '', message: 'Les demandes se déposent avec un compte client, ou sans compte : votre compte ne le permet pas.' });
    return showErrors(form, { ...r, body: { ...(r.body || {}), errors } });
  }
  form.reset();
  if (r.body.status === 'unconfirmed') {
    $('envoyee-texte').textContent = `Un e-mail de confirmation vous a été envoyé à ${r.body.contact.email}.`;
    say('');
    return show('envoyee', true);
  }
  go(`/request.html?id=${encodeURIComponent(r.body.id)}`);
  return view(r.body.id, told(r.body));
});

function told(req, done = 'envoyée') {
  const n = req.matches ? req.matches.notified : 0;
  return n ? `Votre demande est ${done} : ${n} entrepreneur${n > 1 ? 's en sont prévenus' : ' en est prévenu'}.`
    : `Votre demande est ${done}. Aucun entrepreneur ne lui correspond pour l’instant.`;
}

async function depot(focus) {
  if (account && !owner()) {
    return account.role === 'entrepreneur'
      ? refuse('Les demandes se déposent avec un compte client. Votre compte d’entrepreneur reçoit les demandes qui vous correspondent.',
        ['/inbox.html', 'Voir mes demandes reçues'])
      : refuse(`Les demandes se déposent avec un compte client ; votre compte (${ROLES[account.role] || account.role}) ne le permet pas.`, false);
  }
  say('');
  $('depot-anonyme').hidden = Boolean(account);
  $('email-facultatif').hidden = !account;
  $('demande-contact-email-aide').textContent = account
    ? `Facultatif : sans autre adresse, celle de votre compte (${account.email}).`
    : 'Obligatoire sans compte : le lien de confirmation y est envoyé.';
  form.elements.deadline.min = new Date().toLocaleDateString('sv-SE');
  show('depot', focus);
  if (account && account.role === 'client') mine();
}

// ------------------------------------------------------- "Mes demandes"

async function mine(cursor) {
  const box = $('mes-demandes');
  box.hidden = false;
  $('mes-demandes-erreur').hidden = true;
  const q = new URLSearchParams({ limit: '20' });
  if (cursor) q.set('cursor', cursor);
  const r = await api('GET', `/api/v1/requests?${q}`);
  if (!r.ok) {
    $('mes-demandes-erreur').textContent = 'Vos demandes n’ont pas pu être chargées : rechargez la page.';
    $('mes-demandes-erreur').hidden = false;
    return;
  }
  const list = $('mes-demandes-liste');
  if (!cursor) list.replaceChildren();
  for (const d of r.body.results) {
    const li = el('li', 'resultat demande-resume');
    const h = el('h3', 'nom');
    const a = el('a', null, d.title);
    a.href = `/request.html?id=${encodeURIComponent(d.id)}`;
    h.append(a);
    const meta = [place(d.location), `déposée le ${date(d.created_at, false)}`];
    if (d.deadline) meta.push(`échéance le ${day(d.deadline)}`);
    li.append(h, el('p', `etiquette-statut statut-${d.status}`, REQUEST_STATUS[d.status] || d.status),
      el('p', 'meta', meta.join(' · ')));
    list.append(li);
  }
  const n = r.body.total;
  $('mes-demandes-compte').textContent = n ? `${n} demande${n > 1 ? 's' : ''}.` : 'Vous n’avez pas encore déposé de demande.';
  next = r.body.next_cursor;
  $('mes-demandes-plus').hidden = !next;
  if (!cursor && location.hash === '#mes-demandes') box.focus();
}

$('mes-demandes-plus').addEventListener('click', () => mine(next));

// ------------------------------------------------------ one request

function status(m) {
  const at = m.at || {};
  const answer = () => {
    if (m.quote || at.quoted) return 'devis';
    if (at.interested) return 'intéressé·e';
    if (at.viewed) return 'a vu';
    return '';
  };
  switch (m.status) {
    case 'matched': return 'pas prévenu·e';
    case 'notified': return 'prévenu·e';
    case 'viewed': return 'a vu';
    case 'interested': return 'intéressé·e';
    case 'quoted': return 'devis';
    case 'declined': return `a décliné (${REASONS[m.reason] || m.reason || 'sans raison donnée'})`;
    case 'won': return 'retenu·e';
    case 'lost': return answer() ? `non retenu·e (${answer()})` : 'non retenu·e';
    default: return m.status;
  }
}

function fiche(d) {
  const dl = $('demande-fiche');
  dl.replaceChildren();
  const row = (k, v) => {
    if (v === '' || v == null) return;
    const dd = el('dd');
    if (v instanceof Node) dd.append(v); else dd.textContent = v;
    dl.append(el('dt', null, k), dd);
  };
  row('Lieu', place(d.location));
  row('Échéance', d.deadline ? day(d.deadline) : 'aucune');
  row('Métiers recherchés', wanted(d.wanted));
  row('Budget', budget(d.budget));
  if (d.description) row('Description', el('span', 'texte-long', d.description));
  if (d.contact) {
    row('Contact', [d.contact.name, d.contact.email, d.contact.phone].filter(Boolean).join(' · '));
  }
  row('Déposée le', date(d.created_at));
  if (d.closed_at) row(d.status === 'won' ? 'Attribuée le' : 'Close le', date(d.closed_at));
}

function statutDemande(d) {
  const p = $('demande-statut');
  p.className = `statut-demande etiquette-statut statut-${d.status}`;
  let text = `Demande ${REQUEST_STATUS[d.status] || d.status}`;
  if (d.status === 'won' && d.won_by) text += ` à ${names.get(d.won_by) || `l’entrepreneur n° ${d.won_by}`}`;
  p.textContent = text;
}

function renderRequest(d) {
  current = d;
  $('demande-titre').textContent = d.title;
  document.title = `${d.title} · essaim`;
  statutDemande(d);
  fiche(d);
  $('annulation').hidden = d.status !== 'open' || !owner();
  $('retour-liste').parentElement.hidden = !account || account.role !== 'client';
  $('annulation-confirmer').hidden = true;
  $('annuler').setAttribute('aria-expanded', 'false');
}

function matchItem(m, open) {
  const e = m.entrepreneur;
  const li = el('li', `resultat prestataire statut-${m.status}`);
  li.id = `p-${e.id}`;
  const h = el('h3', 'nom', e.display_name);
  h.id = `p-${e.id}-nom`;
  li.append(h);
  if (e.headline) li.append(el('p', 'accroche', e.headline));
  if (e.city) li.append(el('p', 'meta', e.city));
  if (m.why && m.why.length) {
    const ul = el('ul', 'pourquoi');
    ul.setAttribute('aria-label', 'Pourquoi cet entrepreneur');
    for (const w of m.why) ul.append(el('li', null, w));
    li.append(ul);
  }
  const st = el('p', 'reponse');
  st.append(el('span', 'reponse-mot', 'Réponse : '), el('strong', `statut statut-${m.status}`, status(m)));
  li.append(st);
  if (m.quote && m.status !== 'declined') {
    const q = el('div', 'devis');
    if (m.quote.amount != null) q.append(el('p', null, `Devis : ${euros(m.quote.amount)}`));
    if (m.quote.message) q.append(el('p', 'texte-long', m.quote.message));
    li.append(q);
  }
  if (open && (m.status === 'interested' || m.status === 'quoted')) {
    const b = el('button', 'secondaire', 'Retenir');
    b.type = 'button';
    b.setAttribute('aria-describedby', h.id);
    b.setAttribute('aria-expanded', 'false');
    const box = el('div', 'confirmer');
    box.hidden = true;
    box.setAttribute('role', 'group');
    const qid = `p-${e.id}-question`;
    const question = el('p', null, `Confier la demande à ${e.display_name} ? Les autres entrepreneurs prévenus apprendront qu’elle est attribuée, et elle sera close.`);
    question.id = qid;
    box.setAttribute('aria-labelledby', qid);
    const yes = el('button', null, `Oui, retenir ${e.display_name}`);
    yes.type = 'button';
    yes.className = 'confirmer-oui';
    const no = el('button', 'secondaire', 'Non, revenir');
    no.type = 'button';
    const err = el('p', 'erreur');
    err.setAttribute('role', 'alert');
    err.hidden = true;
    const actions = el('div', 'actions');
    actions.append(yes, no);
    box.append(question, actions, err);
    b.addEventListener('click', () => {
      box.hidden = false;
      b.setAttribute('aria-expanded', 'true');
      yes.focus();
    });
    no.addEventListener('click', () => {
      box.hidden = true;
      b.setAttribute('aria-expanded', 'false');
      b.focus();
    });
    yes.addEventListener('click', () => outcome({ outcome: 'won', won_by: e.id }, err,
      `Vous avez retenu ${e.display_name} : la demande est attribuée.`));
    const act = el('div', 'actions');
    act.append(b);
    li.append(act, box);
  }
  return li;
}

async function matches() {
  const r = await api('GET', `/api/v1/requests/${encodeURIComponent(current.id)}/matches`);
  const list = $('reponses-liste');
  if (!r.ok) {
    $('reponses-compte').textContent = 'Les entrepreneurs proposés n’ont pas pu être chargés : réessayez avec « Actualiser ».';
    return;
  }
  names = new Map(r.body.results.map((m) => [m.entrepreneur.id, m.entrepreneur.display_name]));
  statutDemande(current);
  const open = current.status === 'open' && owner();
  // The providers told first; the others (matched, beyond the first few)
  // folded under them.
  const told = r.body.results.filter((m) => m.notified).length;
  list.replaceChildren(...r.body.results.filter((m) => m.notified).map((m) => matchItem(m, open)));
  const others = r.body.results.filter((m) => !m.notified);
  $('autres-liste').replaceChildren(...others.map((m) => matchItem(m, open)));
  $('autres').hidden = !others.length;
  $('autres-titre').textContent = `${others.length} autre${others.length > 1 ? 's' : ''} entrepreneur${others.length > 1 ? 's correspondent' : ' correspond'}, sans avoir été prévenu${others.length > 1 ? 's' : ''}`;
  const answered = r.body.results.filter((m) => ['interested', 'quoted'].includes(m.status)
    || (m.at && (m.at.interested || m.at.quoted))).length;
  const n = r.body.total;
  $('reponses-compte').textContent = !n
    ? 'Aucun entrepreneur ne correspond à cette demande pour l’instant.'
    : `${n} entrepreneur${n > 1 ? 's correspondent' : ' correspond'}, ${told} prévenu${told > 1 ? 's' : ''} ; intéressés ou devis : ${answered}.`;
}

async function outcome(body, errBox, done) {
  errBox.hidden = true;
  const r = await api('POST', `/api/v1/requests/${encodeURIComponent(current.id)}/outcome`, body);
  if (!r.ok) {
    const e = r.body && r.body.errors && r.body.errors[0];
    errBox.textContent = r.status === 0 ? 'Le serveur ne répond pas : réessayez.'
      : r.status === 401 ? 'Votre session a expiré : reconnectez-vous.'
        : french(e ? e.message : (r.body && r.body.detail) || `Erreur ${r.status}.`);
    errBox.hidden = false;
    if (r.status === 409) {
      // Closed meanwhile: show it as it is now, the message stays.
      await reload();
      $('demande-erreur').textContent = errBox.textContent;
      $('demande-erreur').hidden = false;
    }
    return;
  }
  renderRequest(r.body);
  await matches();
  say(done);
  $('demande-titre').focus();
}

async function reload() {
  const r = await api('GET', `/api/v1/requests/${encodeURIComponent(current.id)}`);
  if (r.ok) {
    renderRequest(r.body);
    await matches();
  }
}

$('annuler').addEventListener('click', () => {
  $('annulation-confirmer').hidden = false;
  $('annuler').setAttribute('aria-expanded', 'true');
  $('annuler-oui').focus();
});
$('annuler-non').addEventListener('click', () => {
  $('annulation-confirmer').hidden = true;
  $('annuler').setAttribute('aria-expanded', 'false');
  $('annuler').focus();
});
$('annuler-oui').addEventListener('click', () => outcome({ outcome: 'cancelled' }, $('demande-erreur'),
  'La demande est annulée : les entrepreneurs prévenus en sont informés.'));
$('actualiser').addEventListener('click', async () => {
  await reload();
  say('Les réponses sont à jour.');
});

async function view(id, message, focus = true) {
  if (account && account.role === 'entrepreneur') {
    return refuse('Cette page est celle du client. Vous répondez aux demandes depuis vos demandes reçues.',
      [`/inbox.html#request=${encodeURIComponent(id)}`, 'Ouvrir cette demande dans mes demandes reçues']);
  }
  const r = await api('GET', `/api/v1/requests/${encodeURIComponent(id)}`);
  if (!r.ok) {
    if (!account) return refuse('Connectez-vous pour voir cette demande.');
    return refuse(r.status === 404 ? 'Cette demande n’existe pas, ou elle n’est pas la vôtre.'
      : 'La demande n’a pas pu être chargée : rechargez la page.', r.status === 404);
  }
  $('demande-erreur').hidden = true;
  renderRequest(r.body);
  $('reponses-liste').replaceChildren();
  $('autres').hidden = true;
  $('reponses-compte').textContent = 'Chargement des entrepreneurs proposés…';
  $('mes-demandes').hidden = true;
  show('demande', focus);
  say(message || '');
  await matches();
}

// -------------------------------------------------------- confirmation

async function confirm(token) {
  const r = await api('POST', '/api/v1/requests/confirm', { token });
  if (!r.ok) {
    const e = r.body && r.body.errors && r.body.errors[0];
    return refuse(r.status === 429 ? 'Trop de tentatives : réessayez dans quelques minutes.'
      : e ? french(e.message) : 'La confirmation n’a pas abouti : réessayez.', false);
  }
  const d = r.body.request;
  if (r.body.csrf) {
    // The address is a client's: the person is signed in now.
    account = await me();
    go(`/request.html?id=${encodeURIComponent(d.id)}`, true);
    return view(d.id, told(d, 'confirmée'));
  }
  go('/request.html', true);
  renderRequest(d);
  $('annulation').hidden = true;
  $('reponses').hidden = true;
  show('demande', true);
  return say(`${told(d, 'confirmée')} Leurs réponses vous parviendront par e-mail.`);
}

// ------------------------------------------------------------- routing

// What the page shows depends on ?id and #confirm= only (not on
// #contenu, #mes-demandes); a fragment navigation fires both popstate and
// hashchange: the page routes once.
let routed = null;
const key = () => location.search + (location.hash.startsWith('#confirm=') ? location.hash : '');
function go(url, replace) {
  history[replace ? 'replaceState' : 'pushState'](null, '', url);
  routed = key();
}

async function route(focus) {
  if (key() === routed) return undefined;
  routed = key();
  const token = /^#confirm=([A-Za-z0-9_-]+)$/.exec(location.hash);
  const id = new URLSearchParams(location.search).get('id');
  $('reponses').hidden = false;
  account = await me();
  if (token) return confirm(token[1]);
  if (id) {
    if (!account) return refuse('Connectez-vous pour voir cette demande : elle est liée à votre compte client.');
    return view(id, '', focus);
  }
  return depot(focus);
}

window.addEventListener('popstate', () => route(true));
window.addEventListener('hashchange', () => route(true));
route(false);
