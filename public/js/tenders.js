// tenders.js: the tender board (tenders.html). The query string is the
// search (q, cpv, departement, deadline_after, status), so a search can be
// shared, reloaded, and Back works; GET /api/v1/tenders answers it, a
// page at a time ("Plus d’appels d’offres" follows next_cursor). An
// entrepreneur signed in has a second tab, "Mes appels d’offres" (GET
// /api/v1/me/tenders: the tenders that fit their trades and area;
// #mes-appels opens it). Staff and administrators get the import form:
// a file (OCDS JSON or eForms XML, sent as is) or a web address, POSTed to
// /api/v1/tenders/import; the answer's imported and rejected lines show
// under it.
import { api, me, csrf, french, clearErrors, showErrors, busy, el } from './session.js';

const $ = (id) => document.getElementById(id);
const form = $('f-recherche');
const FIELDS = ['q', 'cpv', 'departement', 'deadline_after', 'status'];
const STATUS = {
  planned: 'annoncé', active: 'ouvert', complete: 'attribué', cancelled: 'annulé', unsuccessful: 'infructueux',
};
const MAX_BYTES = 8 * 1024 * 1024;

let account = null;
let current = new URLSearchParams();
let next = null;
let nextMine = null;
let seq = 0;

// ------------------------------------------------------------ words

const plural = (n, one, many) => `${n.toLocaleString('fr-FR')} ${n > 1 ? many : one}`;

// deadline: the date limit in words, and whether it has passed.
function deadline(iso) {
  if (!iso) return { text: 'sans date limite', past: false };
  const d = new Date(iso.length === 10 ? `${iso}T23:59:59` : iso);
  if (Number.isNaN(d.getTime())) return { text: iso, past: false };
  const timed = iso.length > 10;
  const text = d.toLocaleString('fr-FR', timed ? { dateStyle: 'long', timeStyle: 'short' } : { dateStyle: 'long' });
  return { text, past: d.getTime() < Date.now() };
}

// placeText: "Rouen (76)", "département 76", the NUTS code at worst.
// (precision "departement": the commune the API gives only stands for
// the département, so the département is said.)
function placeText(p) {
  if (!p) return '';
  const dep = p.departement;
  const city = p.precision === 'departement' ? p.city : p.city || p.name;
  if (city) return dep ? `${city} (${dep})` : city;
  if (p.departement_name) return `${p.departement_name} (${dep})`;
  if (dep) return `département ${dep}`;
  if (p.departements && p.departements.length) return `départements ${p.departements.join(', ')}`;
  if (p.in_france === false || (p.country && p.country !== 'FR')) return `hors de France${p.country ? ` (${p.country})` : ''}`;
  return p.nuts ? `code NUTS ${p.nuts}` : '';
}

// CPV labels: the board's summaries carry the codes only; the labels
// come from the documents (each lot's wanted[] names its CPV codes with
// their label), from "fit" in "Mes appels d’offres", or from cpv_labels
// if the API gives them. A summary whose codes stay unnamed has its
// document fetched once, after the list shows.
const cpvNames = new Map();   // code -> label
const fetched = new Set();    // tender ids whose document was read

function learn(t) {
  if (t.cpv_labels && !Array.isArray(t.cpv_labels)) {
    for (const [code, label] of Object.entries(t.cpv_labels)) cpvNames.set(code, label);
  }
  for (const l of [...(Array.isArray(t.lots) ? t.lots : []), ...((t.fit && t.fit.lots) || [])]) {
    for (const w of l.wanted || []) if (w.scheme === 'cpv' && w.label) cpvNames.set(w.code, w.label);
  }
}

function cpvChips(t, ul) {
  const codes = (t.cpv || []).map((c) => (c && typeof c === 'object' ? c.code : c));
  ul.replaceChildren(...codes.map((c) => {
    const li = el('li', null, cpvNames.has(c) ? `${cpvNames.get(c)} (${c})` : c);
    return li;
  }));
  if (codes.some((c) => !cpvNames.has(c)) && !fetched.has(t.id)) {
    fetched.add(t.id);
    api('GET', `/api/v1/tenders/${encodeURIComponent(t.id)}`).then((r) => {
      if (!r.ok || !r.body) return;
      learn(r.body);
      for (const other of document.querySelectorAll(`[data-tender="${CSS.escape(t.id)}"] .cpv`)) cpvChips(t, other);
    });
  }
}

function tenderItem(t, prefix = 't') {
  const li = el('li', 'resultat appel');
  li.id = `${prefix}-${t.id}`;
  li.dataset.tender = t.id;
  learn(t);
  const h = el('h3', 'nom');
  const a = el('a', null, t.title || `Appel d’offres n° ${t.id}`);
  a.href = `/tender.html#id=${encodeURIComponent(t.id)}`;
  h.append(a);
  li.append(h);
  const dl = deadline(t.deadline);
  const line = el('p', 'meta');
  if (t.buyer) line.append(el('span', 'acheteur', t.buyer));
  const where = placeText(t.place);
  if (where) line.append(el('span', 'lieu', where));
  li.append(line);
  const limit = el('p', `date-limite${dl.past ? ' passee' : ''}`);
  limit.append(el('span', 'reponse-mot', 'Date limite : '), el('span', null, dl.text));
  if (dl.past) limit.append(' ', el('strong', 'clos', 'clos'));
  else if (t.status && t.status !== 'active') limit.append(' ', el('strong', `etat etat-${t.status}`, STATUS[t.status] || t.status));
  li.append(limit);
  if (t.cpv && t.cpv.length) {
    const ul = el('ul', 'metiers cpv');
    ul.setAttribute('aria-label', 'Codes CPV');
    li.append(ul);
    cpvChips(t, ul);
  }
  const lots = t.lots_count ?? (Array.isArray(t.lots) ? t.lots.length : t.lots);
  if (typeof lots === 'number') li.append(el('p', 'meta lots', lots > 1 ? `${lots} lots` : lots === 1 ? '1 lot' : 'sans lot'));
  if (t.why && t.why.length) {
    const ul = el('ul', 'pourquoi');
    ul.setAttribute('aria-label', 'Pourquoi cet appel d’offres');
    for (const w of t.why) ul.append(el('li', null, w));
    li.append(ul);
  }
  return li;
}

// ------------------------------------------------------------ the board

function formParams() {
  const p = new URLSearchParams();
  for (const f of FIELDS) {
    const v = form.elements[f].value.trim();
    if (v) p.set(f, v);
  }
  return p;
}

function fill(p) {
  for (const f of FIELDS) form.elements[f].value = p.get(f) || '';
}

async function board(p, cursor) {
  const my = ++seq;
  current = p;
  const q = new URLSearchParams(p);
  q.set('limit', '20');
  if (cursor) q.set('cursor', cursor);
  $('liste').setAttribute('aria-busy', 'true');
  const r = await api('GET', `/api/v1/tenders?${q}`);
  if (my !== seq) return;
  $('liste').removeAttribute('aria-busy');
  clearErrors(form);
  if (!r.ok || !r.body) {
    $('liste').replaceChildren();
    $('vide').hidden = true;
    $('plus').hidden = true;
    $('compte').textContent = 'La recherche n’a pas abouti : voyez le message ci-dessus.';
    showErrors(form, r);
    return;
  }
  const list = $('liste');
  if (!cursor) list.replaceChildren();
  const first = list.children.length;
  list.append(...r.body.results.map((t) => tenderItem(t)));
  next = r.body.next_cursor;
  $('plus').hidden = !next;
  const n = r.body.total ?? list.children.length;
  $('vide').hidden = n > 0;
  let count = n ? `${plural(n, 'appel d’offres trouvé', 'appels d’offres trouvés')}` : 'Aucun appel d’offres';
  if (n > list.children.length) count += `, ${list.children.length} affichés`;
  $('compte').textContent = count;
  if (cursor && list.children[first]) list.children[first].querySelector('a').focus();
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  const p = formParams();
  const qs = p.toString();
  if (qs !== location.search.slice(1)) history.pushState(null, '', `${qs ? `?${qs}` : location.pathname}${location.hash}`);
  board(p);
});
$('plus').addEventListener('click', () => board(current, next));

// ------------------------------------------------ "Mes appels d’offres"

async function mine(cursor) {
  $('miens-erreur').hidden = true;
  const q = new URLSearchParams({ limit: '20' });
  if (cursor) q.set('cursor', cursor);
  if (!cursor) $('miens-compte').textContent = 'Chargement…';
  const r = await api('GET', `/api/v1/me/tenders?${q}`);
  if (!r.ok || !r.body) {
    $('miens-compte').textContent = '';
    $('miens-erreur').textContent = r.status === 0 ? 'Le serveur ne répond pas : réessayez.'
      : french((r.body && (r.body.detail || r.body.title)) || 'Vos appels d’offres n’ont pas pu être chargés : rechargez la page.');
    $('miens-erreur').hidden = false;
    return;
  }
  const list = $('miens-liste');
  if (!cursor) list.replaceChildren();
  list.append(...r.body.results.map((t) => tenderItem(t, 'm')));
  nextMine = r.body.next_cursor;
  $('miens-plus').hidden = !nextMine;
  const n = r.body.total ?? list.children.length;
  $('miens-compte').textContent = n
    ? `${plural(n, 'appel d’offres correspond', 'appels d’offres correspondent')} à vos métiers et à votre zone.`
    : 'Aucun appel d’offres ne correspond pour l’instant à vos métiers et à votre zone d’intervention.';
}
$('miens-plus').addEventListener('click', () => mine(nextMine));

// The tabs (ARIA tabs: arrows move between them, the panel follows).
const TABS = [['onglet-tous', 'tous'], ['onglet-miens', 'miens']];
let mineLoaded = false;
function tab(which, focus) {
  for (const [t, panel] of TABS) {
    const on = panel === which;
    $(t).setAttribute('aria-selected', String(on));
    $(t).tabIndex = on ? 0 : -1;
    $(panel).hidden = !on;
  }
  if (focus) $(TABS.find(([, p]) => p === which)[0]).focus();
  if (which === 'miens' && !mineLoaded) {
    mineLoaded = true;
    mine();
  }
}
for (const [t, panel] of TABS) {
  $(t).addEventListener('click', () => {
    history.replaceState(null, '', `${location.pathname}${location.search}${panel === 'miens' ? '#mes-appels' : ''}`);
    tab(panel);
  });
  $(t).addEventListener('keydown', (e) => {
    const i = TABS.findIndex(([x]) => x === t);
    let j = -1;
    if (e.key === 'ArrowRight') j = (i + 1) % TABS.length;
    else if (e.key === 'ArrowLeft') j = (i + TABS.length - 1) % TABS.length;
    else if (e.key === 'Home') j = 0;
    else if (e.key === 'End') j = TABS.length - 1;
    if (j < 0) return;
    e.preventDefault();
    $(TABS[j][0]).click();
    $(TABS[j][0]).focus();
  });
}

// ------------------------------------------------------------- import

const importForm = $('f-import');

// send: the file as it is (its type from its name), or {"url"}.
async function send(file, url) {
  if (!file) return api('POST', '/api/v1/tenders/import', { url });
  const xml = /\.xml$/i.test(file.name) || /xml/.test(file.type);
  const headers = { Accept: 'application/json', 'Content-Type': xml ? 'application/xml' : 'application/json' };
  const token = csrf();
  if (token) headers['X-CSRF-Token'] = token;
  let res;
  try {
    res = await fetch('/api/v1/tenders/import', { method: 'POST', headers, credentials: 'same-origin', body: file });
  } catch {
    return { ok: false, status: 0, body: null, retry: 0 };
  }
  let body = null;
  try { body = await res.json(); } catch { body = null; }
  return { ok: res.ok, status: res.status, body, retry: Number(res.headers.get('Retry-After')) || 0 };
}

// importLines: the answer's lines ({imported, updated, rejected:
// [{record, field, message}], ids}): what was imported, each a link to
// its tender (titles fetched after), and what was rejected, the record
// and field named.
function importLines(body) {
  const ids = body.ids || [];
  const rejected = Array.isArray(body.rejected) ? body.rejected : [];
  const nNew = body.imported || 0;
  const nUpd = body.updated || 0;
  let text = body.not_modified ? 'Rien de nouveau à cette adresse depuis le dernier import. '
    : '';
  text += `${plural(nNew, 'avis importé', 'avis importés')}`;
  if (nUpd) text += `, ${plural(nUpd, 'mis à jour', 'mis à jour')}`;
  text += `, ${plural(rejected.length, 'rejeté', 'rejetés')}.`;
  $('import-bilan').textContent = text;
  $('import-importes').replaceChildren(...ids.map((id) => {
    const li = el('li');
    const a = el('a', null, `Appel d’offres n° ${id}`);
    a.href = `/tender.html#id=${encodeURIComponent(id)}`;
    li.append(a);
    api('GET', `/api/v1/tenders/${encodeURIComponent(id)}`).then((r) => {
      if (r.ok && r.body && r.body.title) a.textContent = r.body.title;
    });
    return li;
  }));
  $('import-rejetes').replaceChildren(...rejected.map((x) => {
    const li = el('li');
    const where = [x.record, x.field].filter(Boolean).join(' · ');
    if (where) li.append(el('code', null, where), ' : ');
    li.append(french(x.message || ''));
    return li;
  }));
  $('import-importes').hidden = !ids.length;
  $('import-rejetes').hidden = !rejected.length;
  $('import-resultat').hidden = false;
  $('import-bilan').focus();
}

importForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  if (!busy(importForm, true)) return;
  clearErrors(importForm);
  $('import-resultat').hidden = true;
  const file = importForm.elements.file.files[0];
  const url = importForm.elements.url.value.trim();
  const local = (field, message) => ({ status: 400, body: { errors: [{ field, message }] } });
  let r;
  if (!file && !url) r = local('file', 'Choisissez un fichier, ou indiquez une adresse web.');
  else if (file && url) r = local('url', 'Un fichier ou une adresse, pas les deux.');
  else if (file && file.size > MAX_BYTES) r = local('file', 'Ce fichier dépasse 8 Mo.');
  else if (url && !/^https?:\/\/\S+$/i.test(url)) r = local('url', 'Indiquez une adresse web (https://…).');
  else r = await send(file, url);
  busy(importForm, false);
  if (!r.ok) {
    if (r.status === 413) r = local(file ? 'file' : 'url', 'Ce document est trop gros (8 Mo au plus).');
    else if (r.status === 415) r = local(file ? 'file' : 'url', 'Ce document n’est ni un paquet OCDS (JSON) ni un avis eForms (XML).');
    else if (r.status === 403) r = local('', 'Seules l’équipe d’une coopérative et l’administration du site importent des avis.');
    const errors = ((r.body && r.body.errors) || []).map((x) => (
      ['file', 'url'].includes(x.field) ? x : { field: file ? '' : 'url', message: x.field && x.field !== 'url' ? `${x.field} : ${x.message}` : x.message }));
    // The notices refused: said first, then each field the API names.
    if (r.status === 400 && errors.some((x) => !x.field)) {
      errors.unshift({ field: '', message: 'Aucun avis importé, rien n’a été enregistré :' });
    }
    return showErrors(importForm, { ...r, body: { ...(r.body || {}), errors } });
  }
  importForm.reset();
  importLines(r.body);
  board(current);
  if (mineLoaded) mine();
});

// ------------------------------------------------------------ start

async function start() {
  const p = new URLSearchParams(location.search);
  fill(p);
  const shown = board(p);
  account = await me();
  const role = account && account.role;
  $('import').hidden = !(role === 'staff' || role === 'admin');
  $('onglets').hidden = role !== 'entrepreneur';
  if (role === 'entrepreneur' && location.hash === '#mes-appels') tab('miens');
  await shown;
}

window.addEventListener('popstate', () => {
  const p = new URLSearchParams(location.search);
  fill(p);
  board(p);
});
start();
