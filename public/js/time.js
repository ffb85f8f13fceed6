// time.js: contribution-temps, an entrepreneur's hours of mutual help
// (time.html). "Mon solde": GET /api/v1/time/accounts/{me} (balance, the
// limits of the cooperative as a gauge, hours given and received);
// "À confirmer": its pending transfers, Confirmer (POST
// /api/v1/time/transfers/{id}/confirm) or Refuser with a reason
// (.../reject) when the other side recorded them, "en attente" when I
// did; "Historique": its movements, newest first, "Plus" for the next
// page (cursor). "Enregistrer un échange": POST /api/v1/time/transfers
// {from, to, hours, note, post_id}, the other person found through GET
// /api/v1/search?kind=entrepreneur&q=; the hours go FROM the one who
// received the help TO the one who helped. Each transfer carries an
// Idempotency-Key made once for its body and kept until it is recorded:
// a retry after a lost answer gets the same transfer back, never a
// second one. A limit the transfer would pass (409) is said in French
// next to the form, with the API's figures. "Offres et demandes
// d'entraide": GET /api/v1/time/posts?kind=, and a form to publish one
// (POST /api/v1/time/posts); a search of the open posts through the
// search engine (GET /api/v1/search?kind=post&q=), its words marked.
// "Mes annonces": GET /api/v1/time/posts?author={me}&status=all, each
// with its state (ouverte, fermée, terminée) and Modifier (the publish
// form again, sending the fields changed: PATCH /api/v1/time/posts/{id}),
// Fermer or Rouvrir (PATCH {status}), Supprimer after a confirmation
// (DELETE). #transfer=ID (the links of the e-mails and of the inbox)
// opens that transfer with its buttons. Signed out, or not an
// entrepreneur: a short explanation and a link.
import { api, csrf, me, ROLES, french, clearErrors, showErrors, busy, el, date } from './session.js';

const $ = (id) => document.getElementById(id);
const NB = '\u00a0';   // before : ; ! ? and inside "1 h 30"

let self = null;          // my entrepreneur id
let historyNext = null;   // next_cursor of the history
let postsNext = null;     // next_cursor of the posts
let postsKind = '';       // the posts' filter: '', offer, need
const posts = new Map();  // id -> post, of the posts listed
let chosen = null;        // the other person of the form {id, name, cooperative}
let idem = null;          // {key, body}: the transfer being recorded
let recordedAt = 0;       // when the form last recorded one (ms)
let detailId = null;      // the transfer shown by #transfer=ID
let detailSeq = 0;
let editing = null;       // my post being changed in the form, or null
let searched = '';        // the words of the posts' search; '': the list

// ------------------------------------------------------------- words

// hours: a number of hours in words: 2 -> "2 h", 1.5 -> "1 h 30",
// 0.25 -> "15 min", -2 -> "−2 h"; plus: "+2 h" for a positive amount.
function hours(n, plus = false) {
  const x = Number(n);
  const q = Math.round(Math.abs(x) * 4);
  const h = Math.floor(q / 4);
  const m = (q % 4) * 15;
  const hh = h.toLocaleString('fr-FR');
  const text = h && m ? `${hh}${NB}h${NB}${m}` : h ? `${hh}${NB}h` : m ? `${m}${NB}min` : `0${NB}h`;
  return (x < 0 && q ? '−' : plus && q ? '+' : '') + text;
}

const coopName = (c) => (c && c.name) || '';
const person = (name, coop) => name || (coop ? `un entrepreneur de ${coop.name}` : 'un profil supprimé');
const day = (s) => {
  const [y, m, d] = String(s).split('-').map(Number);
  return new Date(y, m - 1, d).toLocaleDateString('fr-FR', { dateStyle: 'long' });
};
const capital = (s) => s.charAt(0).toUpperCase() + s.slice(1);
// after: a sentence after "Something : ", its first word in lower case
// (not a name or an acronym: only a capital then a small letter).
const after = (prefix, s) => `${prefix}${NB}: ${/^[A-ZÀ-Ý][a-zà-ÿ’']/.test(s) ? s.charAt(0).toLowerCase() + s.slice(1) : s}`;

// The limits of the ledger, named in the API's 409 messages (English,
// with figures), said in French with the same figures. ctx: is the payer
// (who received the help) or the earner me?
const LIMITS = [
  [/^the balance of (.+) \(who pays\) would go from (\S+) h to (\S+) h, under the account_min of (\S+) h set by (.+)$/,
    (m, ctx) => `${ctx.payer ? 'votre solde' : `le solde de ${m[1]}`} ne peut pas descendre sous ${hours(m[4])}, le minimum fixé par ${m[5]}${NB}: il passerait de ${hours(m[2], true)} à ${hours(m[3], true)}`],
  [/^the balance of (.+) \(who earns\) would go from (\S+) h to (\S+) h, over the account_max of (\S+) h set by (.+)$/,
    (m, ctx) => `${ctx.earner ? 'votre solde' : `le solde de ${m[1]}`} ne peut pas dépasser ${hours(m[4], true)}, le maximum fixé par ${m[5]}${NB}: il passerait de ${hours(m[2], true)} à ${hours(m[3], true)}`],
  [/^the members of (.+) would hold (\S+) h together \(now (\S+) h\), under its coop_min of (\S+) h/,
    (m) => `le solde de l’ensemble des membres de ${m[1]} ne peut pas descendre sous ${hours(m[4])}${NB}: il passerait de ${hours(m[3], true)} à ${hours(m[2], true)}`],
  [/^the members of (.+) would hold (\S+) h together \(now (\S+) h\), over its coop_max of (\S+) h/,
    (m) => `le solde de l’ensemble des membres de ${m[1]} ne peut pas dépasser ${hours(m[4], true)}${NB}: il passerait de ${hours(m[3], true)} à ${hours(m[2], true)}`],
  [/^the net balance of the exchanges of (.+?) with (.+) is (\S+) h \(.*\); this transfer would take it to (\S+) h, beyond the pair_max of (\S+) h/,
    (m) => `le solde des échanges entre vos deux coopératives ne peut pas dépasser ${hours(m[5])} dans un sens ou dans l’autre${NB}: pour ${m[1]} envers ${m[2]}, il est de ${hours(m[3], true)} et passerait à ${hours(m[4], true)}`],
];

// The other messages of the time API, in French.
const WORDS = [
  [/must be a multiple of 0\.25 hours/, () => 'Indiquez une durée par quarts d’heure.'],
  [/must be more than 0 hours/, () => 'Indiquez une durée.'],
  [/must be at most (\S+) hours per transfer/, (m) => `Au plus ${hours(m[1])} par échange.`],
  [/must be another entrepreneur than from/, () => 'Choisissez une autre personne que vous-même.'],
  [/^no such entrepreneur/, () => 'Cette personne est introuvable, ou son profil ne vous est pas visible.'],
  [/^no such post|must be a post of from or to/, () => 'Choisissez une offre ou une demande publiée par l’un de vous deux.'],
  [/must not be before from/, () => 'Cette date précède la date de début.'],
  [/unknown (\w+) code (\S+)/, (m) => `Code ${m[1].toUpperCase()} inconnu${NB}: ${m[2]}.`],
  [/'(.*)' is not a (\w+) code \(like (\S+?)\)?$/, (m) => `«${NB}${m[1]}${NB}» n’est pas un code ${m[2].toUpperCase()}.`],
  [/must have at most (\d+) items/, (m) => `Au plus ${m[1]} métiers.`],
  [/the transfer is (\w+) already/, (m) => `Cet échange est déjà ${{ confirmed: 'confirmé', rejected: 'refusé', cancelled: 'annulé' }[m[1]] || m[1]}${NB}: il n’attend plus de réponse.`],
  [/for another request body/, () => 'Cet enregistrement a changé pendant l’envoi\u00a0: envoyez-le à nouveau.'],
  [/not allowed for this account/, () => 'Seule l’autre personne de l’échange peut y répondre.'],
];

// say: one error of the API in French (field, message); ctx as LIMITS.
function say(field, message, ctx = {}) {
  for (const [re, fr] of LIMITS) {
    const m = re.exec(message || '');
    if (m) return `${capital(fr(m, ctx))}.`;
  }
  for (const [re, fr] of WORDS) {
    const m = re.exec(message || '');
    if (m) return fr(m);
  }
  if (field === 'place' && /is required/.test(message)) {
    return 'Votre profil n’indique pas de lieu\u00a0: complétez-le d’abord.';
  }
  return french(message, field);
}

// problem: an answer that is not OK, in one French sentence or more.
function problem(r, ctx) {
  if (r.status === 0) return 'Le serveur ne répond pas\u00a0: vérifiez votre connexion et réessayez.';
  if (r.status === 401) return 'Votre session a expiré\u00a0: reconnectez-vous.';
  const errors = (r.body && r.body.errors) || [];
  if (errors.length) return errors.map((e) => say(e.field, e.message, ctx)).join(' ');
  if (r.status >= 500) return `Le serveur n’a pas pu répondre (erreur ${r.status})\u00a0: réessayez dans un instant.`;
  return french((r.body && (r.body.detail || r.body.title)) || `Erreur ${r.status}.`);
}

const limitRefused = (r) => r.status === 409 && ((r.body && r.body.errors) || [])
  .some((e) => /^(account|coop|pair)_(min|max)$/.test(e.field));

// record: POST /api/v1/time/transfers with its Idempotency-Key; resolves
// like api() in session.js (which sends no header of the caller's).
async function record(body, idemKey) {
  const headers = {
    Accept: 'application/json', 'Content-Type': 'application/json', 'Idempotency-Key': idemKey,
  };
  const token = csrf();
  if (token) headers['X-CSRF-Token'] = token;
  let res;
  try {
    res = await fetch('/api/v1/time/transfers', {
      method: 'POST', headers, credentials: 'same-origin', body: JSON.stringify(body),
    });
  } catch {
    return { ok: false, status: 0, body: null, retry: 0 };
  }
  let data = null;
  try { data = await res.json(); } catch { data = null; }
  return { ok: res.ok, status: res.status, body: data, retry: Number(res.headers.get('Retry-After')) || 0 };
}

// key: a new Idempotency-Key (crypto.randomUUID needs a secure context;
// getRandomValues does not).
function key() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function status(id, text) {
  const box = $(id);
  box.textContent = '';
  // Emptied first, so that the same words twice are said twice.
  requestAnimationFrame(() => { box.textContent = text; });
}

function refuse(text, link) {
  $('etat').textContent = '';
  $('entraide').hidden = true;
  $('refus-texte').textContent = text;
  const a = $('refus-lien').querySelector('a');
  [a.href, a.textContent] = link;
  $('refus').hidden = false;
}

// --------------------------------------------------------- my account

function balance(a) {
  const b = Number(a.balance);
  const min = Math.min(Number(a.limits.min), 0, b);
  const max = Math.max(Number(a.limits.max), 0, b);
  const at = (x) => (max > min ? ((x - min) / (max - min)) * 100 : 50);
  const shown = $('solde-heures');
  shown.textContent = hours(b, true);
  shown.className = `heures ${b > 0 ? 'positif' : b < 0 ? 'negatif' : ''}`;
  const g = $('jauge');
  g.setAttribute('aria-valuemin', String(a.limits.min));
  g.setAttribute('aria-valuemax', String(a.limits.max));
  g.setAttribute('aria-valuenow', String(b));
  g.setAttribute('aria-valuetext', `${hours(b, true)}, entre ${hours(a.limits.min, true)} et ${hours(a.limits.max, true)}`);
  g.classList.toggle('negatif', b < 0);
  g.style.setProperty('--zero', `${at(0)}%`);
  g.style.setProperty('--debut', `${Math.min(at(0), at(b))}%`);
  g.style.setProperty('--largeur', `${Math.abs(at(b) - at(0))}%`);
  g.style.setProperty('--valeur', `${at(b)}%`);
  $('solde-min').textContent = `minimum ${hours(a.limits.min, true)}`;
  $('solde-max').textContent = `maximum ${hours(a.limits.max, true)}`;
  $('solde-donne').textContent = hours(a.given);
  $('solde-recu').textContent = hours(a.received);
  $('solde-cooperative').textContent = coopName(a.cooperative);
}

function movement(m) {
  const tr = el('tr');
  const cell = (label, value, className) => {
    const td = el('td', className || null);
    td.dataset.label = label;
    if (value instanceof Node) td.append(value); else td.textContent = value;
    tr.append(td);
    return td;
  };
  const c = m.counterparty || {};
  cell('Date', date(m.at));
  const who = el('span', null, person(c.name, c.cooperative));
  const withWho = el('span', 'avec');
  withWho.append(who);
  if (c.cooperative && c.name) withWho.append(el('span', 'meta', c.cooperative.name));
  cell('Avec', withWho);
  cell('Heures', hours(m.hours, true), `heures ${m.hours > 0 ? 'positif' : 'negatif'}`);
  const note = el('span', 'texte-long', m.note || '');
  const post = m.post_id && posts.get(String(m.post_id));
  if (post) note.append(el('span', 'meta', `${post.kind === 'offer' ? 'Offre' : 'Demande'}${NB}: ${post.title}`));
  cell('Note', note);
  cell('Solde après', hours(m.balance, true), 'heures');
  tr.id = `m-${m.id}`;
  return tr;
}

// loadAccount: the balance, the pending transfers and the first page of
// the history; with a cursor, the next page of the history only.
async function loadAccount(cursor) {
  const q = new URLSearchParams({ limit: '20' });
  if (cursor) q.set('cursor', cursor);
  const r = await api('GET', `/api/v1/time/accounts/${encodeURIComponent(self)}?${q}`);
  $('solde-erreur').hidden = r.ok;
  if (!r.ok) {
    $('solde-erreur').textContent = after('Votre compte d’heures n’a pas pu être chargé', problem(r));
    return false;
  }
  const a = r.body;
  const rows = $('historique-lignes');
  if (!cursor) {
    balance(a);
    pending(a.pending || []);
    rows.replaceChildren();
  }
  rows.append(...a.history.map(movement));
  historyNext = a.next_cursor;
  $('historique-plus').hidden = !historyNext;
  const n = rows.children.length;
  $('historique-tableau').hidden = !n;
  $('historique-compte').textContent = !n ? 'Aucun échange confirmé pour l’instant. Ils s’inscrivent ici dès que l’autre personne les confirme.'
    : historyNext ? `Les ${n} derniers mouvements.` : `${n} mouvement${n > 1 ? 's' : ''}.`;
  return true;
}

$('historique-plus').addEventListener('click', async () => {
  const first = $('historique-lignes').children.length;
  if (await loadAccount(historyNext)) {
    const row = $('historique-lignes').children[first];
    if (row) {
      row.setAttribute('tabindex', '-1');
      row.focus();
    }
  }
});

// ----------------------------------------------------------- transfers

// transfer: a transfer as I see it: who helped whom, how long, its state,
// and, when I am to answer, Confirmer and Refuser. where: 'liste' or
// 'detail' (ids stay unique when a transfer shows in both).
function transfer(t, where) {
  const box = el(where === 'detail' ? 'div' : 'li', 'resultat echange');
  box.id = `${where}-${t.id}`;
  box.dataset.id = t.id;
  const iPay = String(t.from) === String(self);   // I received the help
  const name = iPay ? t.to_name : t.from_name;
  const coop = iPay ? t.to_cooperative : t.from_cooperative;
  const who = person(name, coop);
  const h = hours(t.hours);
  const pendingNow = t.status === 'pending';
  const byMe = String(t.recorded_by) === String(self);

  const title = el('h3', 'nom', iPay ? `${who} vous a aidé·e${NB}: ${h}` : `Vous avez aidé ${who}${NB}: ${h}`);
  const meta = [];
  if (name && coop) meta.push(coop.name);
  meta.push(`enregistré par ${byMe ? 'vous' : who} le ${date(t.created_at)}`);
  box.append(title, el('p', 'meta', meta.join(' · ')));
  if (t.note) box.append(el('p', 'note texte-long', t.note));
  const post = t.post_id && posts.get(String(t.post_id));
  if (post) box.append(el('p', 'meta', `${post.kind === 'offer' ? 'Offre' : 'Demande'} liée${NB}: ${post.title}`));

  const state = el('p', `etiquette-statut statut-${t.status}`);
  if (pendingNow) {
    state.textContent = t.can_answer ? 'À confirmer par vous' : `En attente de la réponse de ${who}`;
  } else if (t.status === 'confirmed') {
    state.textContent = `Confirmé le ${date(t.answered_at)}`;
  } else if (t.status === 'rejected') {
    state.textContent = `Refusé le ${date(t.answered_at)}${t.reason ? `${NB}: ${t.reason}` : ''}`;
  } else {
    state.textContent = 'Annulé';
  }
  box.append(state);
  if (pendingNow) {
    box.append(el('p', 'effet', iPay
      ? `Une fois confirmé, ${h} passeront de votre compte au sien.`
      : `Une fois confirmé, ${h} passeront de son compte au vôtre.`));
  }
  const error = el('p', 'erreur');
  error.setAttribute('role', 'alert');
  error.hidden = true;
  if (t.can_answer) {
    const actions = el('div', 'actions');
    const yes = el('button', 'confirmer-oui', 'Confirmer');
    yes.type = 'button';
    const no = el('button', 'danger-leger', 'Refuser');
    no.type = 'button';
    const formId = `refus-${where}-${t.id}`;
    no.setAttribute('aria-expanded', 'false');
    no.setAttribute('aria-controls', formId);
    actions.append(yes, no);

    const form = el('form', 'refus-form alerte');
    form.id = formId;
    form.noValidate = true;
    form.hidden = true;
    const field = el('div', 'field');
    const label = el('label', null, 'Pourquoi refusez-vous cet échange\u00a0?');
    label.htmlFor = `${formId}-reason`;
    const reason = el('textarea');
    reason.id = `${formId}-reason`;
    reason.name = 'reason';
    reason.rows = 2;
    reason.maxLength = 500;
    reason.setAttribute('aria-describedby', `${formId}-reason-aide ${formId}-reason-erreur`);
    const help = el('p', 'aide', `${capital(who)} lira votre réponse.`);
    help.id = `${formId}-reason-aide`;
    const own = el('p', 'erreur');
    own.id = `${formId}-reason-erreur`;
    own.hidden = true;
    field.append(label, reason, help, own);
    const general = el('p', 'erreur');
    general.id = `${formId}-erreur`;
    general.hidden = true;
    const formActions = el('div', 'actions');
    const send = el('button', 'danger', 'Refuser l’échange');
    send.type = 'submit';
    const close = el('button', 'secondaire', 'Fermer');
    close.type = 'button';
    formActions.append(send, close);
    form.append(field, general, formActions);

    yes.addEventListener('click', () => answer(t, true, box, error));
    no.addEventListener('click', () => {
      form.hidden = !form.hidden;
      no.setAttribute('aria-expanded', String(!form.hidden));
      if (!form.hidden) reason.focus();
    });
    close.addEventListener('click', () => {
      form.hidden = true;
      no.setAttribute('aria-expanded', 'false');
      no.focus();
    });
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const why = reason.value.trim();
      if (!why) {
        return showErrors(form, { status: 400, body: { errors: [{ field: 'reason', message: 'Dites en quelques mots pourquoi\u00a0: la personne le lira.' }] } });
      }
      clearErrors(form);
      return answer(t, false, box, error, why);
    });
    box.append(actions, form);
  }
  box.append(error);
  return box;
}

function pending(list) {
  const mine = list.filter((t) => t.can_answer);
  const theirs = list.filter((t) => !t.can_answer);
  $('a-repondre').replaceChildren(...mine.map((t) => transfer(t, 'liste')));
  $('en-attente').replaceChildren(...theirs.map((t) => transfer(t, 'liste')));
  $('a-repondre-bloc').hidden = !mine.length;
  $('en-attente-bloc').hidden = !theirs.length;
  $('attente-vide').hidden = list.length > 0;
}

// answer: confirm or reject transfer t (from its card box); the account
// and the transfer open are shown again, as they are now.
async function answer(t, confirm, box, error, reason) {
  if (!busy(box, true)) return;
  error.hidden = true;
  const path = `/api/v1/time/transfers/${encodeURIComponent(t.id)}/${confirm ? 'confirm' : 'reject'}`;
  const r = await api('POST', path, confirm ? undefined : { reason });
  busy(box, false);
  const iPay = String(t.from) === String(self);
  if (!r.ok) {
    error.textContent = after(confirm ? 'Confirmation impossible' : 'Refus impossible', problem(r, { payer: iPay, earner: !iPay }));
    error.hidden = false;
    error.setAttribute('tabindex', '-1');
    error.focus();
    return;
  }
  const u = r.body;
  const who = person(iPay ? u.to_name : u.from_name, iPay ? u.to_cooperative : u.from_cooperative);
  const text = confirm
    ? `Échange confirmé${NB}: ${hours(u.hours)} ${iPay ? `passent de votre compte à celui de ${who}` : `passent du compte de ${who} au vôtre`}.`
    : `Échange refusé${NB}: ${who} en est informé·e, rien ne change sur les comptes.`;
  const inDetail = box.id.startsWith('detail-');
  await loadAccount();
  if (detailId && String(detailId) === String(u.id)) showDetail(u);
  if (inDetail) {
    status('echange-etat', text);
    $('echange-titre').focus();
  } else {
    status('attente-etat', text);
    $('attente-titre').focus();
  }
}

// ----------------------------------------------------- #transfer=ID

const transferId = () => {
  const m = /^#transfer=([0-9]+)$/.exec(location.hash);
  return m ? m[1] : null;
};

function showDetail(t) {
  $('echange-titre').textContent = `L’échange n° ${t.id}`;
  $('echange-contenu').replaceChildren(transfer(t, 'detail'));
}

async function openTransfer(id) {
  const my = ++detailSeq;
  detailId = id;
  $('echange-etat').textContent = '';
  const r = await api('GET', `/api/v1/time/transfers/${encodeURIComponent(id)}`);
  if (my !== detailSeq) return;
  $('echange').hidden = false;
  if (r.ok) {
    showDetail(r.body);
  } else {
    $('echange-titre').textContent = 'Échange introuvable';
    $('echange-contenu').replaceChildren(el('p', null, r.status === 404
      ? 'Cet échange n’existe pas, ou il ne vous concerne pas.'
      : after('L’échange n’a pas pu être chargé', problem(r))));
  }
  $('echange-titre').focus();
}

$('echange-fermer').addEventListener('click', () => {
  detailId = null;
  detailSeq++;
  $('echange').hidden = true;
  history.replaceState(null, '', `${location.pathname}${location.search}`);
  $('attente-titre').focus();
});

window.addEventListener('hashchange', () => {
  const id = transferId();
  if (id && self) openTransfer(id);
});

// ------------------------------------------------ the other person

// personBox: the search of an entrepreneur, an ARIA combobox over GET
// /api/v1/search?kind=entrepreneur (myself left out). Picking one sets
// `chosen`; typing again forgets it.
function personBox(input, list) {
  let timer = 0;
  let seq = 0;
  let active = -1;
  let items = [];
  const label = (p) => `${p.name} (${coopName(p.cooperative)})`;

  function close() {
    clearTimeout(timer);
    seq++;
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  }
  function highlight(i) {
    active = i;
    [...list.children].forEach((li, j) => li.setAttribute('aria-selected', String(j === i)));
    input.setAttribute('aria-activedescendant', list.children[i].id);
    list.children[i].scrollIntoView({ block: 'nearest' });
  }
  function pick(i) {
    choose({ id: items[i].id, name: items[i].name, cooperative: items[i].cooperative });
    close();
  }
  function show(results) {
    items = results;
    list.replaceChildren(...results.map((p, i) => {
      const li = el('li');
      li.id = `personne-option-${i}`;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', 'false');
      const where = [coopName(p.cooperative), p.headline, p.city].filter(Boolean).join(' · ');
      li.append(p.name, ' ', el('span', 'cp', where));
      li.addEventListener('mousedown', (e) => e.preventDefault());   // keep the focus
      li.addEventListener('click', () => pick(i));
      return li;
    }));
    if (!results.length) {
      const none = el('li', 'aucun', 'Personne ne correspond à ce nom.');
      none.setAttribute('role', 'option');
      none.setAttribute('aria-disabled', 'true');
      list.replaceChildren(none);
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
      items = [];
      return;
    }
    active = -1;
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    input.removeAttribute('aria-activedescendant');
  }
  async function suggest() {
    const q = input.value.trim();
    const my = ++seq;
    if (q.length < 2) return close();
    const r = await api('GET', `/api/v1/search?${new URLSearchParams({ kind: 'entrepreneur', q, limit: '8' })}`);
    if (my !== seq || document.activeElement !== input) return undefined;
    return show(r.ok ? r.body.results.filter((p) => String(p.id) !== String(self)) : []);
  }

  input.addEventListener('input', () => {
    if (chosen) choose(null, true);
    clearTimeout(timer);
    timer = setTimeout(suggest, 200);
  });
  input.addEventListener('keydown', (e) => {
    const open = !list.hidden && items.length;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (!open) return suggest();
      const n = items.length;
      const next = e.key === 'ArrowDown' ? active + 1 : (active < 0 ? n : active) - 1;
      highlight((next + n) % n);
    } else if (e.key === 'Enter' && open && active >= 0) {
      e.preventDefault();
      pick(active);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      if (!list.hidden) close();
      else { input.value = ''; choose(null, true); }
    }
    return undefined;
  });
  input.addEventListener('blur', close);
  return { label };
}

const form = $('f-echange');
const box = personBox(form.elements.other, $('echange-other-liste'));

// choose: the other person (null: none); keep: leave the text typed.
function choose(p, keep = false) {
  chosen = p;
  if (p) form.elements.other.value = box.label(p);
  else if (!keep) form.elements.other.value = '';
  postOptions();
}

// postOptions: the posts of me or of the person chosen, for "Offre ou
// demande liée".
function postOptions() {
  const select = form.elements.post_id;
  const was = select.value;
  const mine = [...posts.values()].filter((p) => String(p.author.id) === String(self)
    || (chosen && String(p.author.id) === String(chosen.id)));
  select.replaceChildren(el('option', null, 'aucune'), ...mine.map((p) => {
    const o = el('option', null, `${p.kind === 'offer' ? 'Offre' : 'Demande'} de ${String(p.author.id) === String(self) ? 'vous' : p.author.name}${NB}: ${p.title}`);
    o.value = p.id;
    return o;
  }));
  select.options[0].value = '';
  select.value = mine.some((p) => String(p.id) === was) ? was : '';
}

// The durations: every quarter of an hour up to 8 h (the API's cap per
// transfer, time_transfer_max).
form.elements.hours.append(el('option', null, 'choisissez'), ...Array.from({ length: 32 }, (_, i) => {
  const o = el('option', null, hours((i + 1) / 4));
  o.value = String((i + 1) / 4);
  return o;
}));
form.elements.hours.options[0].value = '';

// local: errors found before sending, shown as the API's would be.
const local = (f, errors) => showErrors(f, { status: 400, body: { errors } });

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  if (!busy(form, true)) return;   // a second click while the first runs
  const sens = form.elements.sens.value;
  // The second click of a double click that came after the answer finds
  // the form emptied: nothing to say.
  if (!sens && !form.elements.other.value && Date.now() - recordedAt < 1500) {
    busy(form, false);
    return;
  }
  $('f-echange-ok').textContent = '';
  const errors = [];
  if (!sens) errors.push({ field: 'sens-groupe', message: 'Choisissez qui a aidé qui.' });
  if (!chosen) {
    errors.push({ field: 'other', message: form.elements.other.value.trim()
      ? 'Choisissez la personne dans la liste proposée.' : 'Cherchez la personne par son nom, puis choisissez-la dans la liste.' });
  }
  if (!form.elements.hours.value) errors.push({ field: 'hours', message: 'Choisissez la durée.' });
  if (errors.length) {
    busy(form, false);
    local(form, errors);
    return;
  }
  // The hours go from the one who received the help to the one who
  // helped.
  const body = {
    from: sens === 'recu' ? self : chosen.id,
    to: sens === 'recu' ? chosen.id : self,
    hours: Number(form.elements.hours.value),
  };
  const note = form.elements.note.value.trim();
  if (note) body.note = note;
  if (form.elements.post_id.value) body.post_id = form.elements.post_id.value;
  const text = JSON.stringify(body);
  if (!idem || idem.body !== text) idem = { key: key(), body: text };
  clearErrors(form);
  const r = await record(body, idem.key);
  busy(form, false);
  if (!r.ok) {
    const ctx = { payer: sens === 'recu', earner: sens === 'donne' };
    const errs = ((r.body && r.body.errors) || []).map((x) => ({
      field: x.field === 'from' || x.field === 'to' ? 'other' : x.field,
      message: say(x.field, x.message, ctx),
    }));
    if (limitRefused(r)) {
      const general = $('f-echange-erreur');
      general.textContent = after('Échange refusé', errs.map((x) => x.message).join(' '));
      general.hidden = false;
      general.setAttribute('tabindex', '-1');
      general.focus();
      return;
    }
    if (r.status === 0 || r.status >= 500) {
      local(form, [{ field: '', message: `${problem(r)} L’échange ne sera pas enregistré deux fois.` }]);
      return;
    }
    showErrors(form, { ...r, body: { ...r.body, errors: errs } });
    return;
  }
  idem = null;
  recordedAt = Date.now();
  const t = r.body;
  const who = person(sens === 'recu' ? t.to_name : t.from_name, sens === 'recu' ? t.to_cooperative : t.from_cooperative);
  form.reset();
  choose(null);
  status('f-echange-ok', `Échange enregistré${NB}: ${who} doit maintenant le confirmer (un e-mail l’en avertit).`);
  await loadAccount();
});

// ------------------------------------------------------------- posts

// postItem: a post of the list, or of the search with its snippet (the
// API's, HTML-escaped, the words found in <mark>).
function postItem(p, snippet) {
  const li = el('li', `resultat entraide-annonce entraide-annonce-${p.kind}`);
  li.id = `p-${p.id}`;
  li.append(el('p', `genre genre-${p.kind}`, p.kind === 'offer' ? 'Offre d’aide' : 'Demande d’aide'));
  li.append(el('h3', 'nom', p.title));
  const a = p.author || {};
  const mine = String(a.id) === String(self);
  const meta = [mine ? 'Vous' : a.name, coopName(a.cooperative)];
  if (p.place) meta.push(`${p.place.city}${p.place.departement ? ` (${p.place.departement})` : ''}`);
  li.append(el('p', 'meta', meta.filter(Boolean).join(' · ')));
  const when = p.from && p.until ? `du ${day(p.from)} au ${day(p.until)}`
    : p.from ? `à partir du ${day(p.from)}` : p.until ? `jusqu’au ${day(p.until)}` : '';
  if (when) li.append(el('p', 'meta', capital(when)));
  if (snippet) {
    const x = el('p', 'extrait texte-long');
    x.innerHTML = snippet;
    li.append(x);
  } else if (p.description) {
    li.append(el('p', 'extrait texte-long', p.description));
  }
  if (p.trades && p.trades.length) {
    const ul = el('ul', 'metiers');
    ul.append(...p.trades.map((t) => el('li', null, t.label || t.code)));
    li.append(ul);
  }
  if (!mine && a.id && a.name) {
    const b = el('button', 'secondaire', `Enregistrer un échange avec ${a.name}`);
    b.type = 'button';
    b.addEventListener('click', () => {
      // An offer: they helped me; a need: I helped them.
      form.elements.sens.value = p.kind === 'offer' ? 'recu' : 'donne';
      choose({ id: a.id, name: a.name, cooperative: a.cooperative });
      form.elements.post_id.value = p.id;
      $('f-echange-ok').textContent = '';
      form.elements.hours.focus();
    });
    const actions = el('div', 'actions');
    actions.append(b);
    li.append(actions);
  }
  return li;
}

async function loadPosts(cursor) {
  if (!cursor) showSearch('');
  const q = new URLSearchParams({ limit: '10' });
  if (postsKind) q.set('kind', postsKind);
  if (cursor) q.set('cursor', cursor);
  const r = await api('GET', `/api/v1/time/posts?${q}`);
  $('annonces-erreur').hidden = r.ok;
  if (!r.ok) {
    $('annonces-erreur').textContent = after('Les annonces n’ont pas pu être chargées', problem(r));
    return false;
  }
  const list = $('annonces-liste');
  if (!cursor) list.replaceChildren();
  for (const p of r.body.results) posts.set(String(p.id), p);
  list.append(...r.body.results.map(postItem));
  postsNext = r.body.next_cursor;
  $('annonces-plus').hidden = !postsNext;
  const n = r.body.total;
  const what = postsKind === 'offer' ? ['offre', 'offres'] : postsKind === 'need' ? ['demande', 'demandes'] : ['annonce', 'annonces'];
  $('annonces-compte').textContent = n ? `${n} ${what[n > 1 ? 1 : 0]} en cours.`
    : `Aucune ${what[0]} en cours pour l’instant.`;
  postOptions();
  return true;
}

for (const b of document.querySelectorAll('.filtres-annonces button')) {
  b.addEventListener('click', () => {
    postsKind = b.dataset.kind;
    for (const x of document.querySelectorAll('.filtres-annonces button')) {
      x.setAttribute('aria-pressed', String(x === b));
    }
    loadPosts();
  });
}
$('annonces-plus').addEventListener('click', async () => {
  const first = $('annonces-liste').children.length;
  if (await loadPosts(postsNext)) {
    const li = $('annonces-liste').children[first];
    if (li) {
      li.setAttribute('tabindex', '-1');
      li.focus();
    }
  }
});

// --------------------------------------------- search of the posts

// fromSearch: a result of kind post as the list shows a post.
const fromSearch = (x) => ({
  id: x.id, kind: x.post_kind, title: x.name, place: x.place, from: x.from, until: x.until, trades: x.trades,
  author: { id: x.author && x.author.id, name: x.author && x.author.name, cooperative: x.cooperative },
});

// showSearch: the list is the search of q ('' the list of posts).
function showSearch(q) {
  searched = q;
  $('chercher-effacer').hidden = !q;
  for (const x of document.querySelectorAll('.filtres-annonces button')) {
    x.setAttribute('aria-pressed', String(q ? false : x.dataset.kind === postsKind));
  }
}

const seek = $('f-chercher');

// runSearch: the open posts the search engine finds for q, in the list;
// focus: move the focus to the count (a search asked for, not a
// refresh).
async function runSearch(q, focus) {
  if (!busy(seek, true)) return;
  clearErrors(seek);
  const r = await api('GET', `/api/v1/search?${new URLSearchParams({ kind: 'post', q, limit: '20' })}`);
  busy(seek, false);
  if (!r.ok) {
    showErrors(seek, r);
    return;
  }
  showSearch(q);
  const found = r.body.results.map((x) => [fromSearch(x), x.snippet]);
  for (const [p] of found) if (!posts.has(String(p.id))) posts.set(String(p.id), p);
  $('annonces-liste').replaceChildren(...found.map(([p, snippet]) => postItem(p, snippet)));
  $('annonces-plus').hidden = true;
  const n = r.body.total;
  $('annonces-compte').textContent = !n ? `Aucune annonce ouverte ne correspond à «${NB}${q}${NB}».`
    : `${n} annonce${n > 1 ? 's' : ''} trouvée${n > 1 ? 's' : ''} pour «${NB}${q}${NB}»${n > found.length ? `, les ${found.length} premières` : ''}.`;
  status('annonces-etat', '');
  if (focus) {
    $('annonces-compte').setAttribute('tabindex', '-1');
    $('annonces-compte').focus();
  }
}

seek.addEventListener('submit', (e) => {
  e.preventDefault();
  const q = seek.elements.q.value.trim();
  if (!q) {
    local(seek, [{ field: 'q', message: 'Tapez un ou plusieurs mots.' }]);
    return;
  }
  runSearch(q, true);
});
$('chercher-effacer').addEventListener('click', async () => {
  seek.elements.q.value = '';
  await loadPosts();
  seek.elements.q.focus();
});

// ---------------------------------------------------------- my posts

// today: the day as the API counts it (UTC).
const today = () => new Date().toISOString().slice(0, 10);

// stateOf: a post's state [class, words]: open, closed, or ended (its
// `until` passed: no longer listed nor found, and still mine to close
// or change).
function stateOf(p) {
  if (p.status === 'closed') return ['closed', 'Fermée'];
  if (p.until && p.until < today()) return ['ended', `Terminée le ${day(p.until)}`];
  return ['open', p.until ? `Ouverte jusqu’au ${day(p.until)}` : 'Ouverte'];
}

// patchPost: PATCH one of my posts; then both lists again, the status
// said and the focus on what follows the change.
async function patchPost(p, body, done) {
  const r = await api('PATCH', `/api/v1/time/posts/${encodeURIComponent(p.id)}`, body);
  if (!r.ok) {
    const box = $('mes-annonces-erreur');
    box.textContent = after('L’annonce n’a pas été modifiée', problem(r));
    box.hidden = false;
    return null;
  }
  $('mes-annonces-erreur').hidden = true;
  await refreshPosts();
  status('mes-annonces-etat', done(r.body));
  return r.body;
}

function mineItem(p) {
  const li = el('li', `resultat entraide-annonce mon-annonce entraide-annonce-${p.kind}`);
  li.id = `mp-${p.id}`;
  li.append(el('p', `genre genre-${p.kind}`, p.kind === 'offer' ? 'Offre d’aide' : 'Demande d’aide'));
  const h = el('h3', 'nom', p.title);
  h.id = `mp-${p.id}-titre`;
  li.append(h);
  const [cls, words] = stateOf(p);
  li.append(el('p', `etiquette-statut statut-${cls}`, words));
  if (p.description) li.append(el('p', 'extrait texte-long', p.description));
  const actions = el('div', 'actions');
  const button = (label, className, fn) => {
    const b = el('button', className, label);
    b.type = 'button';
    b.setAttribute('aria-describedby', h.id);
    b.addEventListener('click', fn);
    actions.append(b);
    return b;
  };
  button('Modifier', 'secondaire', () => openEdit(p));
  if (p.status === 'open') {
    button('Fermer l’annonce', 'secondaire basculer', async () => {
      await patchPost(p, { status: 'closed' }, (x) => `Annonce fermée${NB}: «${NB}${x.title}${NB}» n’est plus proposée.`);
      focusMine(p.id, '.basculer');
    });
  } else {
    button('Rouvrir l’annonce', 'secondaire basculer', async () => {
      await patchPost(p, { status: 'open' }, (x) => `Annonce rouverte${NB}: «${NB}${x.title}${NB}».`);
      focusMine(p.id, '.basculer');
    });
  }
  const drop = button('Supprimer', 'danger-leger', () => {
    // A second step: the deletion cannot be undone.
    const ask = el('div', 'confirmer-suppression');
    ask.append(el('p', null, `Supprimer «${NB}${p.title}${NB}»${NB}? Les échanges qui la citent restent enregistrés.`));
    const row = el('div', 'actions');
    const yes = el('button', 'danger', 'Supprimer définitivement');
    yes.type = 'button';
    const no = el('button', 'secondaire', 'Annuler');
    no.type = 'button';
    row.append(yes, no);
    ask.append(row);
    actions.hidden = true;
    li.append(ask);
    no.addEventListener('click', () => {
      ask.remove();
      actions.hidden = false;
      drop.focus();
    });
    yes.addEventListener('click', async () => {
      const r = await api('DELETE', `/api/v1/time/posts/${encodeURIComponent(p.id)}`);
      if (!r.ok) {
        const box = $('mes-annonces-erreur');
        box.textContent = after('L’annonce n’a pas été supprimée', problem(r));
        box.hidden = false;
        return;
      }
      $('mes-annonces-erreur').hidden = true;
      posts.delete(String(p.id));
      await refreshPosts();
      status('mes-annonces-etat', `Annonce supprimée${NB}: «${NB}${p.title}${NB}».`);
      $('mes-annonces-titre').focus();
    });
    yes.focus();
  });
  li.append(actions);
  return li;
}

// focusMine: after a change, the focus on the same control of the post.
function focusMine(id, selector) {
  const b = document.querySelector(`#mp-${id} ${selector}`);
  if (b) b.focus();
}

async function loadMine() {
  const q = new URLSearchParams({ author: self, status: 'all', limit: '100' });
  const r = await api('GET', `/api/v1/time/posts?${q}`);
  $('mes-annonces-erreur').hidden = r.ok;
  if (!r.ok) {
    $('mes-annonces-erreur').textContent = after('Vos annonces n’ont pas pu être chargées', problem(r));
    return false;
  }
  for (const p of r.body.results) posts.set(String(p.id), p);
  $('mes-annonces-liste').replaceChildren(...r.body.results.map(mineItem));
  const n = r.body.total;
  $('mes-annonces-compte').textContent = n ? `${n} annonce${n > 1 ? 's' : ''}.`
    : 'Vous n’avez publié aucune annonce pour l’instant.';
  postOptions();
  return true;
}

// refreshPosts: my posts and the list (or the search shown) again.
async function refreshPosts() {
  await loadMine();
  if (searched) {
    await runSearch(searched, false);
  } else {
    await loadPosts();
  }
}

// ------------------------------------------ publishing and changing

const post = $('f-annonce');

// tradesText: a post's trades as the field writes them.
const tradesText = (p) => (p.trades || []).map((t) => (t.code
  ? (t.scheme === 'rome' ? t.code : `${t.scheme}:${t.code}`) : t.label)).join(', ');

// mode: the form publishes (null) or changes my post p.
function mode(p) {
  editing = p;
  $('annonce-titre').textContent = p ? 'Modifier l’annonce' : 'Publier une offre ou une demande';
  $('annonce-envoyer').textContent = p ? 'Enregistrer les modifications' : 'Publier';
}

function closeForm() {
  post.reset();
  clearErrors(post);
  post.hidden = true;
  $('ouvrir-annonce').setAttribute('aria-expanded', 'false');
  mode(null);
}

function openEdit(p) {
  closeForm();
  mode(p);
  const f = post.elements;
  f.kind.value = p.kind;
  f.title.value = p.title;
  f.description.value = p.description || '';
  f.trades.value = tradesText(p);
  f.from.value = p.from || '';
  f.until.value = p.until || '';
  post.hidden = false;
  $('ouvrir-annonce').setAttribute('aria-expanded', 'true');
  post.scrollIntoView({ block: 'start' });
  f.title.focus();
}

$('ouvrir-annonce').addEventListener('click', () => {
  const show = post.hidden || editing;
  closeForm();
  post.hidden = !show;
  $('ouvrir-annonce').setAttribute('aria-expanded', String(!post.hidden));
  if (!post.hidden) $('annonce-kind-offer').focus();
});
$('fermer-annonce').addEventListener('click', () => {
  const was = editing;
  closeForm();
  if (was) focusMine(was.id, 'button');
  else $('ouvrir-annonce').focus();
});

// trade: a trade as written in the list ("rome:M1203", "M1203",
// "62.01Z", "45330000", or words) -> a trade reference, as the API's
// search_trade_ref reads them.
function trade(s) {
  const m = /^(rome|naf|cpv|free):(.+)$/i.exec(s);
  if (m) return m[1].toLowerCase() === 'free' ? { scheme: 'free', label: m[2] } : { scheme: m[1].toLowerCase(), code: m[2] };
  if (/^[A-Za-z]\d{4}$/.test(s)) return { scheme: 'rome', code: s.toUpperCase() };
  if (/^\d{8}(-\d)?$/.test(s)) return { scheme: 'cpv', code: s };
  if (/^\d{2}[\d.A-Za-z]{0,4}$/.test(s)) return { scheme: 'naf', code: s.toUpperCase() };
  return { scheme: 'free', label: s };
}

post.addEventListener('submit', async (e) => {
  e.preventDefault();
  if (!busy(post, true)) return;
  const f = post.elements;
  const errors = [];
  if (!f.kind.value) errors.push({ field: 'kind-groupe', message: 'Choisissez\u00a0: une offre d’aide ou une demande.' });
  if (!f.title.value.trim()) errors.push({ field: 'title', message: 'À remplir.' });
  if (errors.length) {
    busy(post, false);
    local(post, errors);
    return;
  }
  const body = { kind: f.kind.value, title: f.title.value.trim() };
  if (f.description.value.trim()) body.description = f.description.value.trim();
  const trades = f.trades.value.split(',').map((s) => s.trim()).filter(Boolean);
  if (trades.length) body.trades = trades.map(trade);
  if (f.from.value) body.from = f.from.value;
  if (f.until.value) body.until = f.until.value;
  const was = editing;
  if (was) {
    // A change sends the fields changed only (an `until` already past
    // may stay as it is); an emptied field is removed (null).
    const now = { ...body, description: body.description || null, from: body.from || null, until: body.until || null };
    const before = { kind: was.kind, title: was.title, description: was.description || null, from: was.from || null, until: was.until || null };
    for (const k of Object.keys(before)) if (now[k] === before[k]) delete body[k]; else body[k] = now[k];
    delete body.trades;
    if (trades.join(', ') !== tradesText(was)) body.trades = trades.map(trade);
    if (!Object.keys(body).length) {
      busy(post, false);
      local(post, [{ field: '', message: 'Rien n’a changé.' }]);
      return;
    }
  }
  const r = was ? await api('PATCH', `/api/v1/time/posts/${encodeURIComponent(was.id)}`, body)
    : await api('POST', '/api/v1/time/posts', body);
  busy(post, false);
  if (!r.ok) {
    const errs = ((r.body && r.body.errors) || []).map((x) => ({
      field: x.field === 'kind' ? 'kind-groupe' : /^trades/.test(x.field) ? 'trades' : x.field,
      message: say(x.field, x.message),
    }));
    showErrors(post, { ...r, body: { ...r.body, errors: errs } });
    return;
  }
  closeForm();
  if (was) {
    await refreshPosts();
    status('mes-annonces-etat', `Votre annonce est modifiée${NB}: «${NB}${r.body.title}${NB}».`);
    focusMine(was.id, 'button');
    return;
  }
  postsKind = '';
  for (const x of document.querySelectorAll('.filtres-annonces button')) {
    x.setAttribute('aria-pressed', String(x.dataset.kind === ''));
  }
  await loadPosts();
  await loadMine();
  status('annonces-etat', `Votre ${r.body.kind === 'offer' ? 'offre' : 'demande'} est publiée${NB}: «${NB}${r.body.title}${NB}».`);
  $('annonces-titre').focus();
});

// ------------------------------------------------------------- start

async function start() {
  const a = await me();
  if (!a) {
    return refuse('Cette page est celle des entrepreneurs des coopératives\u00a0: connectez-vous pour voir votre solde d’heures, confirmer vos échanges et publier vos offres ou demandes d’entraide.',
      ['/account.html', 'Se connecter']);
  }
  if (a.role !== 'entrepreneur' || !a.entrepreneur_id) {
    return refuse(`Cette page est celle des entrepreneurs${NB}; votre compte (${ROLES[a.role] || a.role}) n’a pas de compte d’heures. L’équipe d’une coopérative suit les échanges de ses membres dans le rapport de la coopérative.`,
      ['/account.html', 'Aller à la page Mon compte']);
  }
  self = String(a.entrepreneur_id);
  $('refus').hidden = true;
  // Posts first: the history and the transfers name the posts they know.
  await loadPosts();
  await loadMine();
  const ok = await loadAccount();
  $('etat').textContent = '';
  $('entraide').hidden = false;
  if (!ok) $('solde-erreur').focus();
  const id = transferId();
  if (id) await openTransfer(id);
  return undefined;
}

start();
