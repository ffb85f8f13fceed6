// search.js: the search page. The query string is the search (q, near,
// kind, radius_km, sort, status, available_on and the facet filters), so
// a search can be shared, reloaded, and Back works. Calls GET
// /api/v1/search; everything is inserted as text except `snippet`, which
// the API escapes and marks with <mark>. Results are entrepreneurs,
// offers and groups (`kind`); a result is known by its key: the id for an
// entrepreneur, "offer-ID" or "group-ID" for the others.
import { placeBox } from './place.js';
import { SearchMap } from './map.js';

const $ = (id) => document.getElementById(id);
const form = $('recherche');
const FIELDS = ['q', 'near', 'kind', 'radius_km', 'sort', 'status', 'available_on'];
const FACETS = [['trade', 'Métier'], ['cooperative', 'Coopérative'], ['departement', 'Département']];
const STATUS = { porteur: 'porteur de projet', salarie: 'entrepreneur salarié', associe: 'associé' };
// Each kind of result: its name, and the agreement of "trouvé".
const KINDS = { entrepreneur: ['entrepreneur', 'trouvé'], offer: ['offre', 'trouvée'],
  group: ['groupe', 'trouvé'], post: ['annonce', 'trouvée'] };
const key = (r) => (r.kind && r.kind !== 'entrepreneur' ? `${r.kind}-${r.id}` : r.id);
const NAMES = { trade: 'métier', cooperative: 'coopérative', departement: 'département',
  cursor: 'page', limit: 'nombre de résultats', kind: 'type' };
// The API words its errors in English: say them in French.
const FRENCH = [
  [/^unknown place '(.*)'/, 'Lieu inconnu : « $1 ». Indiquez une commune, un code postal, un code INSEE ou « lat,lon ».'],
  [/out of range/, 'Latitude ou longitude hors des limites.'],
  [/kilometres/, 'Le rayon doit être un nombre de kilomètres, de 0 à 1000.'],
  [/sort=distance needs near/, 'Le tri par distance demande un lieu.'],
  [/must be relevance or distance/, 'Triez par pertinence ou par distance.'],
  [/must be a date/, 'Indiquez une date (AAAA-MM-JJ).'],
  [/must be porteur/, 'Statut inconnu.'],
  [/must be entrepreneur, offer or group/, 'Cherchez des entrepreneurs, des offres ou des groupes.'],
  [/no trade code starts with (.*)/, 'aucun métier ne porte le code $1.'],
  [/unknown département (.*)/, 'département $1 inconnu.'],
  [/must be a cooperative id/, 'coopérative inconnue.'],
  [/too long/, 'Texte trop long.'],
  [/not a cursor/, 'cette page de résultats a expiré : relancez la recherche.'],
];
function french(message) {
  for (const [re, fr] of FRENCH) {
    const m = re.exec(message);
    if (m) return fr.replace('$1', m[1]);
  }
  return message;
}

const labels = { trade: {}, cooperative: {}, departement: {} };
const opened = new Set(['trade']);
const SHOWN = 8;   // facet values shown before "Afficher N de plus"
let current = new URLSearchParams();
let next = null;
let seq = 0;
let refocus = null;   // after a facet click: the new filter's button, or the results

const map = new SearchMap($('carte'), (id) => {
  const li = $(`r-${id}`);
  li.scrollIntoView({ block: 'center' });
  li.focus();
});
const place = placeBox(form.elements.near, $('near-liste'));

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text != null) e.textContent = text;
  return e;
}

function button(className, text, onClick) {
  const b = el('button', className, text);
  b.type = 'button';
  b.addEventListener('click', onClick);
  return b;
}

const label = (kind, code) => {
  const name = labels[kind][code] || code;
  return kind === 'departement' ? `${name} (${code})` : name;
};
const distance = (km) => (km == null ? '' : km < 1 ? 'à moins d’1 km' : `à ${Math.round(km)}\u00a0km`);
const plural = (n, word) => `${n.toLocaleString('fr-FR')} ${word}${n > 1 ? 's' : ''}`;

function formParams() {
  const p = new URLSearchParams();
  for (const f of FIELDS) {
    const v = form.elements[f].value.trim();
    if (v && !(f === 'sort' && v === 'relevance')) p.set(f, v);
  }
  // Facet filters stay while the words and the place stay.
  if (p.get('q') === current.get('q') && p.get('near') === current.get('near')) {
    for (const [kind] of FACETS) if (current.has(kind)) p.set(kind, current.get(kind));
  }
  return p;
}

function go(p) {
  const qs = p.toString();
  if (qs !== location.search.slice(1)) history.pushState(null, '', qs ? `?${qs}` : location.pathname);
  search(p);
}

function load() {
  const p = new URLSearchParams(location.search);
  for (const f of FIELDS) form.elements[f].value = p.get(f) || (f === 'sort' ? 'relevance' : '');
  search(p);
}

function clearErrors() {
  for (const e of document.querySelectorAll('.erreur')) { e.textContent = ''; e.hidden = true; }
  for (const e of form.querySelectorAll('[aria-invalid]')) e.removeAttribute('aria-invalid');
}

function showErrors(body) {
  const errors = body && body.errors && body.errors.length ? body.errors
    : [{ field: '', message: body ? body.detail || body.title : 'Le serveur ne répond pas.' }];
  let first = null;
  for (const { field, message } of errors) {
    const own = $(`${field}-erreur`);
    const box = own || $('erreur-generale');
    const text = own || !NAMES[field] ? french(message) : `Filtre ${NAMES[field]} : ${french(message)}`;
    box.textContent = box.textContent ? `${box.textContent} ${text}` : text;
    box.hidden = false;
    if (own) form.elements[field].setAttribute('aria-invalid', 'true');
    first = first || (own && form.elements[field]);
  }
  $('compte').textContent = 'La recherche n’a pas abouti : voyez le message ci-dessous.';
  if (first) first.focus();
}

async function search(p, cursor) {
  const my = ++seq;
  current = p;
  const q = new URLSearchParams(p);
  q.set('limit', '20');
  if (cursor) q.set('cursor', cursor);
  $('liste').setAttribute('aria-busy', 'true');
  let res = null;
  let body = null;
  try {
    res = await fetch(`/api/v1/search?${q}`);
    body = await res.json();
  } catch {
    body = null;
  }
  if (my !== seq) return;
  $('liste').removeAttribute('aria-busy');
  clearErrors();
  if (!res || !res.ok || !body) {
    render({ total: 0, results: [], facets: {}, place: null }, false);
    $('vide').hidden = true;
    return showErrors(body);
  }
  render(body, Boolean(cursor));
}

function render(d, append) {
  const list = $('liste');
  for (const kind of Object.keys(labels)) Object.assign(labels[kind], (d.facet_labels || {})[kind]);
  if (!append) {
    list.replaceChildren();
    map.clear(d.place, current.get('radius_km'));
  }
  const first = list.children.length + 1;
  list.append(...d.results.map((r, i) => item(r, first + i)));
  map.add(d.results.map((r) => ({ ...r, id: key(r) })), first);
  map.fit();
  next = d.next_cursor;
  $('plus').hidden = !next;
  $('vide').hidden = d.total > 0;
  // "12 entrepreneurs trouvés", or with several kinds "14 résultats
  // trouvés … : 12 entrepreneurs, 1 offre, 1 groupe".
  const kinds = Object.entries((d.facets || {}).kind || {});
  const [word, found] = KINDS[kinds.length === 1 ? kinds[0][0] : 'entrepreneur'];
  let count = !d.total ? 'Aucun résultat'
    : kinds.length > 1 ? `${plural(d.total, 'résultat')} trouvés`
      : `${plural(d.total, word)} ${found}${d.total > 1 ? 's' : ''}`;
  if (d.place) count += ` autour de ${d.place.name} (${d.place.departement})`;
  if (d.total > list.children.length) count += `, ${list.children.length} affichés`;
  if (kinds.length > 1) count += ` : ${kinds.map(([k, n]) => plural(n, KINDS[k][0])).join(', ')}`;
  $('compte').textContent = count;
  alternatives(d.place);
  facets(d.facets || {});
  if (append && list.children[first - 1]) list.children[first - 1].focus();
}

function alternatives(p) {
  const box = $('near-autres');
  const others = (p && p.alternatives) || [];
  box.hidden = !others.length;
  box.replaceChildren();
  if (!others.length) return;
  box.append(el('span', null, `${p.name} (${p.departement}) retenue. Une autre commune ? `));
  for (const a of others) {
    box.append(button('lien', `${a.name} (${a.departement})`, () => {
      form.elements.near.value = `${a.name} (${a.departement})`;
      go(formParams());
    }), ' ');
  }
}

function filter(kind, value) {
  refocus = value ? kind : 'resultats';
  const p = new URLSearchParams(current);
  if (value) p.set(kind, value);
  else p.delete(kind);
  go(p);
}

function facets(counts) {
  const chips = $('filtres');
  const box = $('facettes');
  let target = null;
  chips.replaceChildren();
  box.replaceChildren();
  for (const [kind, title] of FACETS) {
    const active = current.get(kind);
    if (active) {
      const b = button('filtre', `${title} : ${label(kind, active)} ✕`, () => filter(kind, null));
      b.setAttribute('aria-label', `Retirer le filtre ${title} : ${label(kind, active)}`);
      chips.append(b);
      if (refocus === kind) target = b;
    }
    const values = Object.entries(counts[kind] || {}).sort((a, b) => b[1] - a[1]);
    if (!values.length) continue;
    const group = el('details', 'facette');
    group.open = opened.has(kind);
    group.addEventListener('toggle', () => (group.open ? opened.add(kind) : opened.delete(kind)));
    const ul = el('ul');
    values.forEach(([code, n], i) => {
      const b = button('facet', label(kind, code), () => filter(kind, code === active ? null : code));
      b.dataset.facet = kind;
      b.dataset.value = code;
      b.setAttribute('aria-pressed', String(code === active));
      b.append(' ', el('span', 'n', `(${n})`));
      const li = el('li');
      li.hidden = i >= SHOWN && code !== active;
      li.append(b);
      ul.append(li);
    });
    group.append(el('summary', null, title), ul);
    const hidden = ul.querySelectorAll('li[hidden]');
    if (hidden.length) {
      const all = button('lien', `Afficher ${hidden.length} de plus`, () => {
        for (const li of hidden) li.hidden = false;
        hidden[0].querySelector('button').focus();
        all.remove();
      });
      group.append(all);
    }
    box.append(group);
  }
  chips.hidden = !chips.children.length;
  if (refocus) (target || $('resultats')).focus();
  refocus = null;
}

function item(r, n) {
  const li = el('li', 'resultat');
  const k = key(r);
  const kind = r.kind || 'entrepreneur';
  li.id = `r-${k}`;
  li.dataset.id = k;
  li.dataset.kind = kind;
  li.tabIndex = -1;
  const head = el('div', 'tete');
  const num = button('num', String(n), () => map.open(k));
  num.setAttribute('aria-label', `Montrer ${r.name} sur la carte`);
  const name = el('h3', 'nom');
  if (kind !== 'entrepreneur') name.append(el('span', 'type', { offer: 'Offre · ', post: 'Entraide · ' }[kind] || 'Groupe · '));
  name.append(r.name);
  head.append(num, name);
  li.append(head);
  const marked = document.createElement('template');
  marked.innerHTML = r.snippet || '';
  const sameAsHeadline = marked.content.textContent === r.headline;
  const headline = el('p', 'accroche');
  if (sameAsHeadline) { headline.innerHTML = r.snippet; headline.classList.add('extrait'); }
  else headline.textContent = kind === 'offer' ? `Proposée par ${r.headline}`
    : kind === 'post' ? `${r.post_kind === 'need' ? 'Demande' : 'Offre'} d’entraide de ${r.headline}` : r.headline || '';
  const meta = kind === 'group'
    ? [plural(r.members || 0, 'membre'), plural(r.cooperatives || 0, 'coopérative'), r.city, distance(r.distance_km)]
    : [r.cooperative && r.cooperative.name, r.city, STATUS[r.status], distance(r.distance_km)];
  li.append(headline, el('p', 'meta', meta.filter(Boolean).join(' · ')));
  if (r.snippet && !sameAsHeadline) {
    const s = el('p', 'extrait');
    s.innerHTML = r.snippet;
    li.append(s);
  }
  if (r.why && r.why.length) {
    const why = el('ul', 'pourquoi');
    why.setAttribute('aria-label', 'Pourquoi ce résultat');
    why.append(...r.why.map((w) => el('li', null, w)));
    li.append(why);
  }
  const trades = el('ul', 'metiers');
  trades.setAttribute('aria-label', 'Métiers');
  for (const t of r.trades || []) {
    const t1 = el('li', null, t.label || t.code);
    if (t.scheme && t.scheme !== 'free') t1.title = `${t.scheme.toUpperCase()} ${t.code}`;
    trades.append(t1);
  }
  li.append(trades, more(r));
  return li;
}

// more: what opens under a result: an entrepreneur's profile (the owner's,
// for an entrepreneur's offer), a group's catalogue (the owner's, for a
// group's offer).
function more(r) {
  const owner = r.owner || {};
  const slug = r.kind === 'group' ? r.slug : owner.kind === 'group' ? owner.slug : null;
  if (slug) {
    const p = el('p', 'catalogue');
    const a = el('a', 'lien', r.kind === 'group' ? 'Voir le catalogue du groupe' : `Voir le catalogue de ${owner.name}`);
    a.href = `/catalogues/${encodeURIComponent(slug)}`;
    p.append(a);
    return p;
  }
  if (r.kind === 'offer') return profile(owner.id, `Voir le profil de ${owner.name}`);
  if (r.kind === 'post') return profile(r.author.id, `Voir le profil de ${r.author.name}`);
  return profile(r.id);
}

function profile(id, summary) {
  const box = el('details', 'profil');
  box.append(el('summary', null, summary || 'Voir le profil'));
  box.addEventListener('toggle', async () => {
    if (!box.open || box.dataset.loaded) return;
    box.dataset.loaded = '1';
    const res = await fetch(`/api/v1/entrepreneurs/${encodeURIComponent(id)}`);
    if (!res.ok) return box.append(el('p', null, 'Profil indisponible.'));
    const e = await res.json();
    const dl = el('dl');
    const a = e.availability;
    const area = e.intervention || {};
    const rows = [
      ['Présentation', e.description],
      ['Compétences', (e.skills || []).join(', ')],
      ['Qualifications', (e.qualifications || []).join(', ')],
      ['Intervient', [area.radius_km != null && `dans un rayon de ${area.radius_km} km`,
        (area.zones || []).join(', ')].filter(Boolean).join(', ')],
      ['Disponibilité', a && [a.from && `à partir du ${a.from}`, a.until && `jusqu’au ${a.until}`,
        a.days_per_week != null && `${a.days_per_week} j par semaine`].filter(Boolean).join(', ')],
      ['Références', (e.references || []).map((x) => [x.title, x.client, x.year].filter(Boolean).join(', ')).join(' ; ')],
    ];
    for (const [k, v] of rows) if (v) dl.append(el('dt', null, k), el('dd', null, v));
    box.append(dl);
  });
  return box;
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  place.close();
  go(formParams());
});
for (const f of ['kind', 'radius_km', 'sort', 'status', 'available_on']) {
  form.elements[f].addEventListener('change', () => go(formParams()));
}
$('plus').addEventListener('click', () => search(current, next));
window.addEventListener('popstate', load);
load();
