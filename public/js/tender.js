// tender.js: one tender (tender.html#id=N): GET /api/v1/tenders/{id}
// (title, buyer, procedure, deadline, value, place, lots with their
// wanted[] requirements), then its proposed teams: GET
// /api/v1/tenders/{id}/teams with the lot and the options chosen (k,
// max_size, cross_cooperative). Each team is a card: its members (name,
// cooperative, what they cover, distance, why), the proposed lead
// (mandataire) and liability with their reasons, the coverage and what
// is missing. The map (Leaflet with the shipped outline of France, no
// tiles) shows the place of the work and the chosen team's members
// (their coordinates from GET /api/v1/entrepreneurs/{id} when the team
// answer has none). "Former ce groupement" (a member of the team signed
// in, or staff, or an administrator) asks for the group's name in the
// page, POSTs /api/v1/groups and opens the group's page.
import { api, me, french, el } from './session.js';

const $ = (id) => document.getElementById(id);
const form = $('f-equipes');
const L = window.L;
const METROPOLE = [[41.3, -5.2], [51.1, 9.6]];

const STATUS = {
  planned: 'Avis de pré-information', active: 'Appel d’offres ouvert', complete: 'Marché attribué',
  cancelled: 'Appel d’offres annulé', unsuccessful: 'Appel d’offres infructueux',
};
const PROCEDURE = {
  open: 'procédure ouverte', restricted: 'procédure restreinte', selective: 'procédure restreinte',
  'neg-w-call': 'procédure négociée avec mise en concurrence', 'neg-wo-call': 'procédure négociée sans mise en concurrence',
  'comp-dial': 'dialogue compétitif', 'comp-tend': 'mise en concurrence', innovation: 'partenariat d’innovation',
  limited: 'procédure limitée', direct: 'marché de gré à gré', 'oth-single': 'autre procédure (une étape)',
  'oth-mult': 'autre procédure (plusieurs étapes)',
};
const LIABILITY = { conjoint: 'groupement conjoint', solidaire: 'groupement solidaire' };
const ENT_STATUS = { porteur: 'porteur de projet', salarie: 'entrepreneur salarié', associe: 'associé' };

let account = null;
let tender = null;
let answer = null;      // the last teams answer
let chosen = -1;        // the team on the map
let seq = 0;
const coops = new Map();   // cooperative id -> Promise of its name
const people = new Map();  // entrepreneur id -> Promise of the profile (or null)

// ------------------------------------------------------------ words

const tenderId = () => {
  const m = /^#id=([0-9]+)$/.exec(location.hash);
  return m ? m[1] : null;
};
function say(text) { $('etat').textContent = text; }

function deadline(iso) {
  if (!iso) return { text: 'aucune', past: false };
  const d = new Date(iso.length === 10 ? `${iso}T23:59:59` : iso);
  if (Number.isNaN(d.getTime())) return { text: iso, past: false };
  const text = d.toLocaleString('fr-FR', iso.length > 10 ? { dateStyle: 'long', timeStyle: 'short' } : { dateStyle: 'long' });
  return { text, past: d.getTime() < Date.now() };
}
const euros = (v) => {
  if (v == null) return '';
  const amount = typeof v === 'object' ? v.amount : v;
  if (amount == null) return '';
  const cur = (typeof v === 'object' && v.currency) || 'EUR';
  try {
    return Number(amount).toLocaleString('fr-FR', { style: 'currency', currency: cur, maximumFractionDigits: 0 });
  } catch {
    return `${Number(amount).toLocaleString('fr-FR')} ${cur}`;
  }
};
// placeText: "Rouen (76)" for a commune; for a place known by its
// département only (precision "departement": the commune the API gives
// just stands for it), "Seine-Maritime (76)"; then the NUTS code.
function placeText(p, nuts = true) {
  if (!p) return '';
  const dep = p.departement;
  const city = p.precision === 'departement' ? p.city : p.city || p.name;
  let text = '';
  if (city) text = dep ? `${city} (${dep})` : city;
  else if (p.departement_name) text = `${p.departement_name} (${dep})`;
  else if (dep) text = `département ${dep}`;
  else if (p.departements && p.departements.length) text = `départements ${p.departements.join(', ')}`;
  else if (p.in_france === false || (p.country && p.country !== 'FR')) text = `hors de France${p.country ? ` (${p.country})` : ''}`;
  if (nuts && p.nuts) text = text ? `${text}, code NUTS ${p.nuts}` : `code NUTS ${p.nuts}`;
  return text;
}
const wantedText = (w) => {
  if (typeof w === 'string') return w;
  if (w.skill) return w.skill;
  const scheme = { cpv: 'CPV', rome: 'ROME', naf: 'NAF' }[w.scheme] || w.scheme;
  return w.label ? `${w.label} (${scheme} ${w.code})` : `${scheme} ${w.code}`;
};
const cpvText = (t, c) => {
  if (c && typeof c === 'object') return c.label ? `${c.label} (${c.code})` : c.code;
  const l = t.cpv_labels && !Array.isArray(t.cpv_labels) ? t.cpv_labels[c] : null;
  return l ? `${l} (${c})` : c;
};
const km = (d) => (d == null ? '' : d < 1 ? 'à moins d’1 km' : `à ${Math.round(d)}\u00a0km`);
const pct = (x) => `${Math.round((x || 0) * 100)}\u00a0%`;

function coopName(id) {
  if (!id) return Promise.resolve('');
  if (!coops.has(id)) {
    coops.set(id, api('GET', `/api/v1/cooperatives/${encodeURIComponent(id)}`)
      .then((r) => (r.ok && r.body ? r.body.name : `coopérative n° ${id}`)));
  }
  return coops.get(id);
}
function person(id) {
  if (!people.has(id)) {
    people.set(id, api('GET', `/api/v1/entrepreneurs/${encodeURIComponent(id)}`).then((r) => (r.ok ? r.body : null)));
  }
  return people.get(id);
}

// ------------------------------------------------------------ the map

function pin(className, text) {
  const span = document.createElement('span');
  span.textContent = text;
  return L.divIcon({ className, html: span, iconSize: [28, 28], iconAnchor: [14, 14], popupAnchor: [0, -14] });
}

class TenderMap {
  constructor(node) {
    this.map = L.map(node, { zoomSnap: 0.5, minZoom: 2, maxZoom: 13 });
    this.map.attributionControl.addAttribution('Contour&nbsp;: Natural Earth');
    this.map.fitBounds(METROPOLE);
    L.control.scale({ imperial: false }).addTo(this.map);
    this.place = L.featureGroup().addTo(this.map);
    this.team = L.featureGroup().addTo(this.map);
    fetch('/data/france.geo.json').then((res) => res.json()).then((geo) => {
      L.geoJSON(geo, { interactive: false, style: { color: '#5e6b57', weight: 1, fillColor: '#f6f3ea', fillOpacity: 1 } })
        .addTo(this.map).bringToBack();
    });
  }

  setPlace(p) {
    this.place.clearLayers();
    if (!p || p.lat == null || p.lon == null) return;
    const name = placeText(p, false) || 'lieu d’exécution';
    const m = L.marker([p.lat, p.lon], { icon: pin('pin pin-lieu', '★'), title: `Lieu d’exécution : ${name}`, zIndexOffset: -100 });
    m.bindTooltip(name, { permanent: true, direction: 'top', offset: [0, -14], className: 'etiquette' });
    this.place.addLayer(m);
    m.getElement().setAttribute('aria-label', `Lieu d’exécution : ${name}`);
  }

  // setTeam: one numbered marker per member placed ({id, n, name, lead,
  // lat, lon, text}).
  setTeam(members) {
    this.team.clearLayers();
    for (const p of members) {
      if (p.lat == null || p.lon == null) continue;
      const label = `${p.n}. ${p.name}${p.lead ? ' (mandataire)' : ''}`;
      const m = L.marker([p.lat, p.lon], { icon: pin(p.lead ? 'pin pin-mandataire' : 'pin', String(p.n)), title: label, riseOnHover: true });
      m.bindPopup(() => {
        const div = document.createElement('div');
        div.append(el('strong', null, label), el('p', null, p.text));
        return div;
      });
      this.team.addLayer(m);
      m.getElement().dataset.id = p.id;
      m.getElement().setAttribute('aria-label', label);
    }
    this.fit();
  }

  fit() {
    const b = L.featureGroup([...this.place.getLayers(), ...this.team.getLayers()]).getBounds();
    if (b.isValid()) this.map.fitBounds(b, { padding: [32, 32], maxZoom: 10 });
    else this.map.fitBounds(METROPOLE);
  }
}

let map = null;

// locate: the coordinates of the tender's place: its own, or those of
// its commune (the place the search engine resolves for it).
async function locate(p) {
  if (!p) return null;
  if (p.lat != null && p.lon != null) return p;
  const near = p.insee || p.postcode || p.city;
  if (!near) return null;
  const r = await api('GET', `/api/v1/search?${new URLSearchParams({ near, kind: 'entrepreneur', limit: '1' })}`);
  return r.ok && r.body && r.body.place ? { ...r.body.place, ...p, lat: r.body.place.lat, lon: r.body.place.lon } : null;
}

// ------------------------------------------------------------ the tender

function fiche(t) {
  const dl = $('appel-fiche');
  dl.replaceChildren();
  const row = (k, v) => {
    if (v === '' || v == null) return;
    const dd = el('dd');
    if (v instanceof Node) dd.append(v); else dd.textContent = v;
    dl.append(el('dt', null, k), dd);
  };
  row('Acheteur', t.buyer);
  row('Procédure', t.procedure ? PROCEDURE[t.procedure] || t.procedure : '');
  const d = deadline(t.deadline);
  if (d.past) {
    const span = el('span', null, `${d.text} `);
    span.append(el('strong', 'clos', 'clos'));
    row('Date limite', span);
  } else {
    row('Date limite', d.text);
  }
  row('Valeur estimée', euros(t.value));
  row('Lieu d’exécution', placeText(t.place));
  if (t.cpv && t.cpv.length) row('Codes CPV', t.cpv.map((c) => cpvText(t, c)).join(' · '));
  if (t.description) row('Description', el('span', 'texte-long', t.description));
  row('Référence', t.ocid || t.notice_id);
}

function lots(t) {
  const list = $('lots-liste');
  const select = form.elements.lot;
  const all = t.lots || [];
  list.replaceChildren(...all.map((l, i) => {
    const li = el('li', 'resultat lot');
    li.append(el('h3', 'nom', l.title ? `${l.id} : ${l.title}` : l.id || `Lot ${i + 1}`));
    if (l.description && l.description !== l.title) li.append(el('p', 'meta texte-long', l.description));
    if (l.cpv && l.cpv.length) li.append(el('p', 'meta', `CPV : ${l.cpv.map((c) => cpvText(t, c)).join(' · ')}`));
    const wanted = l.wanted || [];
    if (wanted.length) {
      li.append(el('p', 'besoins-titre', 'Besoins :'));
      const ul = el('ul', 'metiers');
      ul.setAttribute('aria-label', `Besoins du lot ${l.id}`);
      for (const w of wanted) ul.append(el('li', null, wantedText(w)));
      li.append(ul);
    } else {
      li.append(el('p', 'meta', 'Aucun besoin reconnu dans ce lot.'));
    }
    return li;
  }));
  if (!all.length) list.append(el('li', 'vide', 'Cet avis ne décrit pas de lot.'));
  const options = [];
  if (all.length !== 1) options.push(new Option('Tous les lots, ensemble', ''));
  for (const l of all) options.push(new Option(l.title ? `${l.id} : ${l.title}` : l.id, l.id));
  select.replaceChildren(...options);
}

// ------------------------------------------------------------ the teams

function params() {
  const f = form.elements;
  const p = new URLSearchParams();
  if (f.lot.value) p.set('lot', f.lot.value);
  p.set('k', f.k.value.trim() || '5');
  p.set('max_size', f.max_size.value.trim() || '6');
  p.set('cross_cooperative', f.cross_cooperative.checked ? 'true' : 'false');
  return p;
}

function fieldError(field, message) {
  const own = $(`equipes-${field}-erreur`);
  const box = own || $('f-equipes-erreur');
  box.textContent = box.textContent ? `${box.textContent} ${message}` : message;
  box.hidden = false;
  if (own) form.elements[field].setAttribute('aria-invalid', 'true');
  return own ? form.elements[field] : null;
}
function clearFormErrors() {
  for (const e of form.querySelectorAll('.erreur')) { e.textContent = ''; e.hidden = true; }
  for (const e of form.querySelectorAll('[aria-invalid]')) e.removeAttribute('aria-invalid');
}

async function teams(focus) {
  const my = ++seq;
  clearFormErrors();
  $('equipes-compte').textContent = 'Recherche des équipes…';
  $('equipes-liste').setAttribute('aria-busy', 'true');
  const r = await api('GET', `/api/v1/tenders/${encodeURIComponent(tender.id)}/teams?${params()}`);
  if (my !== seq) return;
  $('equipes-liste').removeAttribute('aria-busy');
  if (!r.ok || !r.body) {
    $('equipes-liste').replaceChildren();
    $('equipes-notes').replaceChildren();
    $('equipes-compte').textContent = 'Aucune équipe : voyez le message ci-dessus.';
    let first = null;
    const errors = (r.body && r.body.errors) || [];
    for (const e of errors) first = fieldError(e.field, french(e.message)) || first;
    if (!errors.length) {
      fieldError('', r.status === 404 ? 'Ce lot n’existe pas dans cet appel d’offres.'
        : r.status === 0 ? 'Le serveur ne répond pas : réessayez.'
          : french((r.body && (r.body.detail || r.body.title)) || `Erreur ${r.status}.`));
    }
    if (first) first.focus();
    map.setTeam([]);
    return;
  }
  answer = r.body;
  renderTeams(focus);
}

function renderTeams(focus) {
  const list = $('equipes-liste');
  const all = answer.teams || [];
  $('equipes-notes').replaceChildren(...(answer.notes || []).map((n) => el('li', null, n)));
  let count = all.length ? `${all.length} équipe${all.length > 1 ? 's' : ''} proposée${all.length > 1 ? 's' : ''}` : 'Aucune équipe proposée';
  if (answer.candidates != null) count += `, parmi ${answer.candidates} entrepreneur${answer.candidates > 1 ? 's' : ''} qui peuvent intervenir`;
  $('equipes-compte').textContent = `${count}.`;
  list.replaceChildren(...all.map(teamCard));
  chosen = -1;
  if (all.length) choose(0, false);
  else map.setTeam([]);
  if (focus && all.length) list.querySelector('h3').focus();
}

function teamCard(t, i) {
  const li = el('li', 'resultat equipe');
  li.id = `equipe-${i + 1}`;
  const h = el('h3', 'nom', `Équipe ${i + 1}`);
  h.id = `equipe-${i + 1}-titre`;
  h.tabIndex = -1;
  li.setAttribute('aria-labelledby', h.id);
  const head = el('div', 'tete');
  head.append(h, el('span', 'couverture', `couvre ${pct(t.coverage)} des besoins`));
  li.append(head);

  const members = el('ol', 'membres');
  members.setAttribute('aria-label', `Membres de l’équipe ${i + 1}`);
  t.members.forEach((m, j) => {
    const row = el('li', `membre${m.entrepreneur_id === t.lead ? ' mandataire' : ''}`);
    row.dataset.id = m.entrepreneur_id;
    const name = el('p', 'membre-nom');
    name.append(el('span', 'num-membre', String(j + 1)), ' ', el('strong', null, m.name || `Entrepreneur n° ${m.entrepreneur_id}`));
    if (m.entrepreneur_id === t.lead) name.append(' ', el('span', 'badge', 'mandataire'));
    row.append(name);
    const meta = el('p', 'meta');
    const coop = el('span', 'cooperative', m.cooperative && m.cooperative.name ? m.cooperative.name : '');
    if (!coop.textContent) coopName(m.cooperative_id).then((n) => { coop.textContent = n; });
    meta.append(coop);
    if (m.status) meta.append(el('span', null, ENT_STATUS[m.status] || m.status));
    if (m.distance_km != null) meta.append(el('span', 'distance', km(m.distance_km)));
    row.append(meta);
    if (m.covers && m.covers.length) row.append(el('p', 'couvre', `Couvre : ${m.covers.join(', ')}`));
    const why = (m.why || []).filter((w) => !/^couvre /.test(w));
    if (why.length) {
      const d = el('details', 'pourquoi-membre');
      d.append(el('summary', null, 'Pourquoi'));
      const ul = el('ul', 'pourquoi');
      for (const w of why) ul.append(el('li', null, w));
      d.append(ul);
      row.append(d);
    }
    members.append(row);
  });
  li.append(members);

  const facts = el('dl', 'fiche fiche-equipe');
  const fact = (k, v, why) => {
    const dd = el('dd', null, v);
    if (why) dd.append(el('span', 'raison', ` : ${why}`));
    facts.append(el('dt', null, k), dd);
  };
  const lead = t.members.find((m) => m.entrepreneur_id === t.lead);
  if (lead) {
    // lead_why names the lead first: the name is already said.
    const why = (t.lead_why || '').startsWith(lead.name) ? t.lead_why.slice(lead.name.length).trim() : t.lead_why;
    fact('Mandataire proposé', lead.name, why);
  }
  if (t.liability) fact('Responsabilité suggérée', LIABILITY[t.liability] || t.liability, t.liability_why);
  fact('Couverture', `${pct(t.coverage)} des besoins`);
  if (t.missing && t.missing.length) fact('Non couvert', t.missing.join(', '));
  li.append(facts);
  const notes = (t.why || []).filter((w) => w !== t.lead_why);
  if (notes.length) {
    const ul = el('ul', 'pourquoi');
    ul.setAttribute('aria-label', `Remarques sur l’équipe ${i + 1}`);
    for (const w of notes) ul.append(el('li', null, w));
    li.append(ul);
  }

  const actions = el('div', 'actions');
  const show = el('button', 'secondaire voir-carte', 'Voir sur la carte');
  show.type = 'button';
  show.setAttribute('aria-pressed', 'false');
  show.setAttribute('aria-describedby', h.id);
  show.addEventListener('click', () => choose(i, true));
  actions.append(show);
  li.append(actions);
  if (mayForm(t)) {
    const [b, box] = formBox(t, i, h);
    actions.append(b);
    li.append(box);
  }
  return li;
}

// mayForm: a member of the team signed in, or staff, or an administrator.
// (staff: of the cooperative of one of the members, as the API wants).
function mayForm(t) {
  if (!account) return false;
  if (account.role === 'admin') return true;
  if (account.role === 'staff') return t.members.some((m) => m.cooperative_id === account.cooperative_id);
  return account.role === 'entrepreneur' && t.members.some((m) => m.entrepreneur_id === account.entrepreneur_id);
}

// others: the entrepreneurs of the other proposed teams, once each (a
// team of one covers the lots alone; a group for a big contract may want
// more hands, or one member per lot).
function others(t) {
  const seen = new Set(t.members.map((m) => m.entrepreneur_id));
  const out = [];
  for (const u of answer.teams) {
    for (const m of u.members) {
      if (!seen.has(m.entrepreneur_id)) {
        seen.add(m.entrepreneur_id);
        out.push(m);
      }
    }
  }
  return out;
}

// formBox: "Former ce groupement" and the form it opens: the group's
// name, the members of the team (invited; the entrepreneur signed in
// joins at once), more members from the other teams if wanted, the
// liability (the team's suggestion first), then POST /api/v1/groups.
function formBox(t, i, h) {
  const n = i + 1;
  const b = el('button', 'former', 'Former ce groupement');
  b.type = 'button';
  b.setAttribute('aria-describedby', h.id);
  b.setAttribute('aria-expanded', 'false');
  const box = el('form', 'confirmer former-groupement');
  box.id = `former-${n}`;
  box.hidden = true;
  box.noValidate = true;
  box.setAttribute('aria-label', `Former le groupement de l’équipe ${n}`);
  b.setAttribute('aria-controls', box.id);
  const names = t.members.map((m) => m.name).join(', ');
  const q = el('p', null, `Former un groupement avec ${names}. Chaque membre reçoit une invitation, qu’il accepte ou décline.`);

  const field = el('div', 'field');
  const input = el('input');
  input.id = `former-${n}-nom`;
  input.name = 'name';
  input.type = 'text';
  input.required = true;
  input.maxLength = 120;
  input.value = `Groupement ${tender.title || `appel d’offres n° ${tender.id}`}`.slice(0, 120);
  const label = el('label', null, 'Nom du groupement');
  label.htmlFor = input.id;
  field.append(label, input);

  const extra = others(t);
  const more = el('fieldset', 'plus-membres');
  if (extra.length) {
    more.append(el('legend', null, 'Inviter aussi'),
      el('p', 'aide', 'Des entrepreneurs des autres équipes proposées, pour partager le travail ou tenir chacun un lot.'));
    for (const m of extra) {
      const row = el('div', 'case');
      const c = el('input');
      c.type = 'checkbox';
      c.name = 'extra';
      c.value = m.entrepreneur_id;
      c.id = `former-${n}-extra-${m.entrepreneur_id}`;
      const l = el('label', null, [m.name, km(m.distance_km)].filter(Boolean).join(', '));
      l.htmlFor = c.id;
      row.append(c, l);
      more.append(row);
    }
  }

  const lf = el('div', 'field');
  const sel = el('select');
  sel.id = `former-${n}-liability`;
  sel.name = 'liability';
  sel.append(new Option('groupement conjoint', 'conjoint'), new Option('groupement solidaire', 'solidaire'));
  sel.value = t.liability || 'conjoint';
  const ll = el('label', null, 'Responsabilité');
  ll.htmlFor = sel.id;
  const hint = el('p', 'aide');
  hint.id = `${sel.id}-aide`;
  sel.setAttribute('aria-describedby', hint.id);
  lf.append(ll, sel, hint);
  let touched = false;
  const suggest = () => {
    const added = [...box.querySelectorAll('input[name="extra"]:checked')].length;
    if (added && !touched) {
      // Several members on the same lots: each answers for the whole.
      sel.value = 'solidaire';
      hint.textContent = 'Suggestion : plusieurs membres se partagent un même lot, chacun répond de l’ensemble (groupement solidaire).';
    } else if (!touched) {
      sel.value = t.liability || 'conjoint';
      hint.textContent = t.liability_why ? `Suggestion : ${t.liability_why}.` : '';
    }
  };
  sel.addEventListener('change', () => { touched = true; });
  more.addEventListener('change', suggest);

  const err = el('p', 'erreur');
  err.id = `${input.id}-erreur`;
  err.setAttribute('role', 'alert');
  err.hidden = true;
  input.setAttribute('aria-describedby', err.id);
  const yes = el('button', 'confirmer-oui', 'Former et inviter');
  yes.type = 'submit';
  const no = el('button', 'secondaire', 'Annuler');
  no.type = 'button';
  const acts = el('div', 'actions');
  acts.append(yes, no);
  box.append(q, field);
  if (extra.length) box.append(more);
  box.append(lf, acts, err);
  suggest();

  b.addEventListener('click', () => {
    box.hidden = false;
    b.setAttribute('aria-expanded', 'true');
    input.focus();
  });
  no.addEventListener('click', () => {
    box.hidden = true;
    b.setAttribute('aria-expanded', 'false');
    b.focus();
  });
  box.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (box.getAttribute('aria-busy') === 'true') return;
    err.hidden = true;
    input.removeAttribute('aria-invalid');
    const name = input.value.trim();
    if (!name) {
      err.textContent = 'Donnez un nom au groupement.';
      err.hidden = false;
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    const ids = [...t.members.map((m) => m.entrepreneur_id),
      ...[...box.querySelectorAll('input[name="extra"]:checked')].map((c) => c.value)];
    const body = {
      kind: 'tender_team',
      name,
      members: ids.map((id) => ({ entrepreneur_id: id, role: 'member' })),
      lead: t.lead,
      liability: sel.value,
      tender_id: tender.id,
    };
    const lot = answer.lot || form.elements.lot.value;
    if (lot) body.lot = lot;
    box.setAttribute('aria-busy', 'true');
    const r = await api('POST', '/api/v1/groups', body);
    box.setAttribute('aria-busy', 'false');
    if (!r.ok || !r.body || !r.body.id) {
      const errors = (r.body && r.body.errors) || [];
      err.textContent = r.status === 403 ? 'Votre compte ne permet pas de former ce groupement : seuls ses membres, l’équipe de leur coopérative et l’administration du site le peuvent.'
        : r.status === 0 ? 'Le serveur ne répond pas : réessayez.'
          : errors.length ? errors.map((x) => (x.field === 'name' ? french(x.message) : `${x.field} : ${french(x.message)}`)).join(' ')
            : french((r.body && (r.body.detail || r.body.title)) || `Erreur ${r.status}.`);
      err.hidden = false;
      if (errors.some((x) => x.field === 'name')) input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    location.assign(`/group.html#id=${encodeURIComponent(r.body.id)}`);
  });
  return [b, box];
}

// choose: team i on the map, its button pressed.
async function choose(i, scroll) {
  chosen = i;
  const t = answer.teams[i];
  for (const [j, b] of [...document.querySelectorAll('.voir-carte')].entries()) b.setAttribute('aria-pressed', String(j === i));
  for (const [j, c] of [...document.querySelectorAll('.equipe')].entries()) c.classList.toggle('choisie', j === i);
  $('carte-legende').textContent = `Sur la carte : le lieu d’exécution (★) et l’équipe ${i + 1}, numérotée comme sa liste.`;
  const placed = await Promise.all(t.members.map(async (m, j) => {
    let loc = m.location || (m.lat != null ? m : null);
    if (!loc || loc.lat == null) {
      const p = await person(m.entrepreneur_id);
      loc = p && p.location;
    }
    return {
      id: m.entrepreneur_id, n: j + 1, name: m.name, lead: m.entrepreneur_id === t.lead,
      lat: loc ? loc.lat : null, lon: loc ? loc.lon : null,
      text: [loc && loc.city, km(m.distance_km), (m.covers || []).join(', ')].filter(Boolean).join(' · '),
    };
  }));
  if (chosen !== i) return;
  map.setTeam(placed);
  if (scroll) map.map.getContainer().scrollIntoView({ block: 'nearest' });
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  let first = null;
  clearFormErrors();
  for (const [f, lo, hi] of [['k', 1, 20], ['max_size', 1, 12]]) {
    const v = Number(form.elements[f].value);
    if (form.elements[f].value.trim() && (!Number.isInteger(v) || v < lo || v > hi)) {
      first = first || fieldError(f, `Un nombre entier de ${lo} à ${hi}.`);
    }
  }
  if (first) { first.focus(); return; }
  teams(true);
});

// ------------------------------------------------------------ start

function refuse(text) {
  say('');
  $('appel').hidden = true;
  $('refus-texte').textContent = text;
  $('refus').hidden = false;
}

async function start(focus) {
  const id = tenderId();
  if (!id) return refuse('Aucun appel d’offres n’est indiqué : choisissez-en un dans la liste.');
  const who = me();
  const r = await api('GET', `/api/v1/tenders/${encodeURIComponent(id)}`);
  account = await who;
  if (!r.ok || !r.body) {
    return refuse(r.status === 404 ? 'Cet appel d’offres n’existe pas (ou plus).'
      : 'L’appel d’offres n’a pas pu être chargé : rechargez la page.');
  }
  tender = r.body;
  $('refus').hidden = true;
  $('appel-titre').textContent = tender.title || `Appel d’offres n° ${tender.id}`;
  document.title = `${$('appel-titre').textContent} · essaim`;
  const past = deadline(tender.deadline).past;
  const st = $('appel-statut');
  st.className = `etiquette-statut statut-${past ? 'clos' : tender.status || 'active'}`;
  st.textContent = past && (!tender.status || tender.status === 'active' || tender.status === 'planned')
    ? 'Date limite passée : clos' : STATUS[tender.status] || STATUS.active;
  fiche(tender);
  lots(tender);
  $('appel').hidden = false;
  say('');
  if (focus) $('appel-titre').focus();
  if (!map) map = new TenderMap($('carte'));
  locate(tender.place).then((p) => { map.setPlace(p); map.fit(); });
  await teams(false);
}

window.addEventListener('hashchange', () => start(true));
start(false);
