// group.js: one group (group.html#id=N): GET /api/v1/groups/{id}: its
// name, kind, status (en formation, constitué, incomplet), lead
// (mandataire), liability, the tender and lot it answers, and its members
// with their cooperative, role, invitation status and answer time. The
// entrepreneur signed in whose invitation waits answers it: "Accepter"
// (POST /api/v1/invitations/{id}/accept) or "Décliner" with a reason if
// they like (POST .../decline {reason}), confirmed in the page. The
// group's admins see the replacement suggestions (`suggestions`, after a
// member declined or left) and invite one with "Inviter" (POST
// /api/v1/groups/{id}/invitations {entrepreneur_id}). "Actualiser"
// reloads the group (the e-mails' links open this page).
//
// Business and trade groups link to their public catalogue
// (/catalogues/SLUG), and their admins administer them here (section
// #admin): name and description (PATCH), inviting an entrepreneur found
// by GET /api/v1/search?kind=entrepreneur&q=, the revenue split of a
// business group (one share per member, the total shown as it is typed,
// the API's 400 next to the field), and the offers (GET
// /api/v1/groups/{id}/offers?status=all; create, edit, retire, put
// back; a photo sent to POST /api/v1/offers/{id}/photos, previewed
// first). Opened without #id=N, the page offers a signed-in
// entrepreneur to create a business or trade group (POST
// /api/v1/groups).
import { api, me, csrf, french, clearErrors, showErrors, busy, el, date } from './session.js';

const $ = (id) => document.getElementById(id);

const KIND = {
  tender_team: 'Groupement pour un appel d’offres', business_group: 'Groupement d’affaires', trade_group: 'Groupement de métier',
};
const STATUS = { forming: 'en formation', formed: 'constitué', incomplete: 'incomplet' };
const STATUS_TEXT = {
  forming: 'Groupement en formation : des invitations attendent une réponse.',
  formed: 'Groupement constitué : tous les membres invités ont accepté.',
  incomplete: 'Groupement incomplet : un membre a décliné ou quitté, sa place est à pourvoir.',
};
const MEMBER = {
  invited: 'invitation envoyée', accepted: 'a accepté', declined: 'a décliné', left: 'a quitté le groupement',
};
const ROLE = { admin: 'administrateur du groupement', member: 'membre' };
const LIABILITY = { conjoint: 'groupement conjoint', solidaire: 'groupement solidaire' };

let account = null;
let group = null;
let pending = '';   // a message for the next load (after a creation)
const names = new Map();   // entrepreneur id -> Promise of a name (suggestions)
const coops = new Map();   // cooperative id -> Promise of its name

const groupId = () => {
  const m = /^#id=([0-9]+)$/.exec(location.hash);
  return m ? m[1] : null;
};
function say(text) { $('etat').textContent = text; }

function refuse(text, signIn) {
  say('');
  $('groupe').hidden = true;
  $('creer').hidden = true;
  $('refus-texte').textContent = text;
  $('refus-lien').hidden = !signIn;
  $('refus').hidden = false;
}

function coopName(id) {
  if (!coops.has(id)) {
    coops.set(id, api('GET', `/api/v1/cooperatives/${encodeURIComponent(id)}`)
      .then((r) => (r.ok && r.body ? r.body.name : `coopérative n° ${id}`)));
  }
  return coops.get(id);
}

function nameOf(id) {
  if (!names.has(id)) {
    names.set(id, api('GET', `/api/v1/entrepreneurs/${encodeURIComponent(id)}`)
      .then((r) => (r.ok && r.body ? r.body.display_name : `Entrepreneur n° ${id}`)));
  }
  return names.get(id);
}

// ------------------------------------------------------------ the group

function fiche(g) {
  const dl = $('groupe-fiche');
  dl.replaceChildren();
  const row = (k, v) => {
    if (v === '' || v == null) return null;
    const dd = el('dd');
    if (v instanceof Node) dd.append(v); else dd.textContent = v;
    dl.append(el('dt', null, k), dd);
    return dd;
  };
  row('Type', KIND[g.kind] || g.kind);
  if (g.tender_id) {
    const a = el('a', null, `appel d’offres n° ${g.tender_id}`);
    a.href = `/tender.html#id=${encodeURIComponent(g.tender_id)}`;
    row('Appel d’offres', a);
    api('GET', `/api/v1/tenders/${encodeURIComponent(g.tender_id)}`).then((r) => {
      if (r.ok && r.body && r.body.title) a.textContent = r.body.title;
    });
  }
  if (g.lot) row('Lot', g.lot);
  const lead = (g.members || []).find((m) => m.entrepreneur_id === g.lead);
  if (g.kind === 'tender_team' || g.lead) row('Mandataire', lead ? lead.name : 'pas encore choisi');
  if (g.kind === 'tender_team' || g.liability) row('Responsabilité', g.liability ? LIABILITY[g.liability] || g.liability : 'pas encore décidée');
  if (g.description) row('Description', el('span', 'texte-long', g.description));
  row('Créé le', date(g.created_at));
}

function answerCell(m) {
  if (m.status === 'invited') return `invité·e le ${date(m.invited_at)}, pas encore de réponse`;
  if (m.status === 'left') return m.left_at ? `le ${date(m.left_at)}` : '';
  return m.answered_at ? `le ${date(m.answered_at)}` : '';
}

function members(g) {
  const body = $('membres-liste');
  body.replaceChildren(...(g.members || []).map((m) => {
    const tr = el('tr', `membre-${m.status}`);
    tr.id = `m-${m.entrepreneur_id}`;
    const th = el('th', null, m.name || `Entrepreneur n° ${m.entrepreneur_id}`);
    th.scope = 'row';
    if (account && account.entrepreneur_id === m.entrepreneur_id) th.append(' ', el('span', 'badge badge-moi', 'vous'));
    const cell = (label, text, className) => {
      const td = el('td', className || null);
      td.dataset.label = label;
      if (text instanceof Node) td.append(text); else td.textContent = text || '';
      return td;
    };
    const role = [ROLE[m.role] || m.role];
    if (m.entrepreneur_id === g.lead) role.unshift('mandataire');
    const st = el('span', null);
    st.append(el('strong', `statut statut-${m.status}`, MEMBER[m.status] || m.status));
    if (m.status === 'declined' && m.reason) st.append(` : « ${m.reason} »`);
    tr.append(th,
      cell('Coopérative', (m.cooperative || (m.cooperative_id ? `coopérative n° ${m.cooperative_id}` : ''))
        + (m.origin ? ` (autre instance : ${m.origin.replace(/^https?:\/\//, '')}, qui transmet sa réponse)` : '')),
      cell('Rôle', role.join(', ')),
      cell('Invitation', st, 'invitation-statut'),
      cell('Réponse', answerCell(m), 'reponse-date'));
    return tr;
  }));
  const all = g.members || [];
  const n = (s) => all.filter((m) => m.status === s).length;
  const parts = [`${n('accepted')} accepté${n('accepted') > 1 ? 's' : ''}`];
  if (n('invited')) parts.push(`${n('invited')} en attente`);
  if (n('declined')) parts.push(`${n('declined')} décliné${n('declined') > 1 ? 's' : ''}`);
  if (n('left')) parts.push(`${n('left')} parti${n('left') > 1 ? 's' : ''}`);
  $('membres-compte').textContent = `${all.length} membre${all.length > 1 ? 's' : ''} : ${parts.join(', ')}.`;
}

// mine: the signed-in entrepreneur's row, if any.
const mine = (g) => (account && account.entrepreneur_id
  ? (g.members || []).find((m) => m.entrepreneur_id === account.entrepreneur_id) : null);

function invitation(g) {
  const m = mine(g);
  const box = $('invitation');
  $('invitation-erreur').hidden = true;
  if (!m || m.status !== 'invited' || !m.invitation_id) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  $('invitation-choix').hidden = false;
  $('f-declin').hidden = true;
  $('decliner').setAttribute('aria-expanded', 'false');
  const by = (g.members || []).find((x) => x.entrepreneur_id === m.invited_by);
  $('invitation-texte').textContent = `Vous êtes invité·e à rejoindre ce groupement${by ? ` par ${by.name}` : ''} (le ${date(m.invited_at)}). Acceptez pour en être membre, ou déclinez.`;
}

function suggestions(g) {
  const list = g.suggestions || [];
  const admin = g.can_edit || (mine(g) && mine(g).role === 'admin' && mine(g).status === 'accepted')
    || (account && account.role === 'admin');
  // An admin of a group that lost somebody sees the suggestions, or
  // that there are none to make.
  $('suggestions').hidden = !(admin && (list.length > 0 || (g.kind === 'tender_team' && g.status === 'incomplete')));
  $('suggestions-erreur').hidden = true;
  $('suggestions-aucune').hidden = list.length > 0;
  if ($('suggestions').hidden) return;
  $('suggestions-liste').replaceChildren(...list.map((s) => {
    const li = el('li', 'resultat suggestion');
    li.id = `s-${s.entrepreneur_id}`;
    const h = el('h3', 'nom', s.name || s.display_name || '');
    h.id = `s-${s.entrepreneur_id}-nom`;
    if (!h.textContent) nameOf(s.entrepreneur_id).then((n) => { h.textContent = n; });
    li.append(h);
    const meta = el('p', 'meta');
    const coop = el('span', 'cooperative', (s.cooperative && s.cooperative.name) || (typeof s.cooperative === 'string' ? s.cooperative : ''));
    if (!coop.textContent && s.cooperative_id) coopName(s.cooperative_id).then((n) => { coop.textContent = n; });
    meta.append(coop);
    if (s.distance_km != null) meta.append(el('span', null, s.distance_km < 1 ? 'à moins d’1 km du lieu' : `à ${Math.round(s.distance_km)}\u00a0km du lieu`));
    li.append(meta);
    if (s.covers && s.covers.length) li.append(el('p', 'couvre', `Couvre : ${s.covers.join(', ')}`));
    const why = (s.why || []).filter((w) => !/^couvre /.test(w));
    if (why.length) {
      const ul = el('ul', 'pourquoi');
      for (const w of why) ul.append(el('li', null, w));
      li.append(ul);
    }
    const b = el('button', 'secondaire', 'Inviter');
    b.type = 'button';
    b.setAttribute('aria-describedby', h.id);
    b.addEventListener('click', () => invite(s, b));
    const act = el('div', 'actions');
    act.append(b);
    li.append(act);
    return li;
  }));
}

async function invite(s, button) {
  if (button.getAttribute('aria-busy') === 'true') return;
  button.setAttribute('aria-busy', 'true');
  const r = await api('POST', `/api/v1/groups/${encodeURIComponent(group.id)}/invitations`, { entrepreneur_id: s.entrepreneur_id });
  button.setAttribute('aria-busy', 'false');
  if (!r.ok) {
    const e = $('suggestions-erreur');
    const errors = (r.body && r.body.errors) || [];
    e.textContent = r.status === 409 ? 'Cet entrepreneur est déjà invité ou membre du groupement.'
      : r.status === 403 ? 'Seuls les administrateurs du groupement invitent de nouveaux membres.'
        : errors.length ? errors.map((x) => french(x.message)).join(' ')
          : french((r.body && (r.body.detail || r.body.title)) || `Erreur ${r.status}.`);
    e.hidden = false;
    return;
  }
  const name = s.name || await nameOf(s.entrepreneur_id);
  await load(`${name} est invité·e : l’invitation lui est envoyée.`);
  $('membres-titre').focus();
}

function render(g) {
  // The public face of a business or trade group (for readers who are
  // not in it) has no status: its members are the accepted ones.
  if (!g.status) g = { ...g, members: (g.members || []).map((m) => ({ status: 'accepted', ...m })) };
  group = g;
  $('groupe-titre').textContent = g.name;
  document.title = `${g.name} · essaim`;
  const st = $('groupe-statut');
  st.className = `etiquette-statut groupe-${g.status}`;
  st.textContent = `Groupement ${STATUS[g.status] || g.status}`;
  st.title = STATUS_TEXT[g.status] || '';
  st.hidden = !g.status;
  if (g.tender_id) {
    $('retour-appel').hidden = false;
    $('retour-appel').querySelector('a').href = `/tender.html#id=${encodeURIComponent(g.tender_id)}`;
  } else {
    $('retour-appel').hidden = true;
  }
  fiche(g);
  invitation(g);
  members(g);
  suggestions(g);
  listed(g);
  $('creer').hidden = true;
  $('groupe').hidden = false;
  $('refus').hidden = true;
}

async function load(message, focus) {
  const id = groupId();
  if (!id) return creation();
  const r = await api('GET', `/api/v1/groups/${encodeURIComponent(id)}`);
  if (!r.ok || !r.body) {
    if (r.status === 401 || (!account && r.status === 403)) return refuse('Connectez-vous pour voir ce groupement.', true);
    return refuse(r.status === 404 ? 'Ce groupement n’existe pas (ou plus).'
      : r.status === 403 ? 'Ce groupement n’est visible que de ses membres, de leurs coopératives et de l’administration du site.'
        : 'Le groupement n’a pas pu être chargé : rechargez la page.', false);
  }
  render(r.body);
  say(message || pending || '');
  pending = '';
  if (focus) $('groupe-titre').focus();
  return undefined;
}

// ------------------------------------------------------------ answers

async function answer(accept, reason) {
  const m = mine(group);
  const path = `/api/v1/invitations/${encodeURIComponent(m.invitation_id)}/${accept ? 'accept' : 'decline'}`;
  return api('POST', path, accept ? {} : (reason ? { reason } : {}));
}

function answerError(r) {
  const e = $('invitation-erreur');
  e.textContent = r.status === 409 ? 'Cette invitation a déjà reçu une réponse : la page est à jour.'
    : r.status === 0 ? 'Le serveur ne répond pas : réessayez.'
      : french((r.body && (r.body.detail || r.body.title)) || `Erreur ${r.status}.`);
  e.hidden = false;
}

$('accepter').addEventListener('click', async () => {
  const b = $('accepter');
  if (b.getAttribute('aria-busy') === 'true') return;
  b.setAttribute('aria-busy', 'true');
  const r = await answer(true);
  b.setAttribute('aria-busy', 'false');
  if (!r.ok) {
    if (r.status === 409) await load();
    return answerError(r);
  }
  await load('Vous avez accepté : vous êtes membre du groupement.');
  $('membres-titre').focus();
  return undefined;
});

$('decliner').addEventListener('click', () => {
  $('f-declin').hidden = false;
  $('decliner').setAttribute('aria-expanded', 'true');
  $('declin-reason').focus();
});
$('declin-non').addEventListener('click', () => {
  $('f-declin').hidden = true;
  $('decliner').setAttribute('aria-expanded', 'false');
  $('decliner').focus();
});
$('f-declin').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = $('f-declin');
  if (!busy(form, true)) return;
  clearErrors(form);
  const r = await answer(false, form.elements.reason.value.trim());
  busy(form, false);
  if (!r.ok) {
    if (r.status === 409) { await load(); return answerError(r); }
    return showErrors(form, r);
  }
  form.reset();
  await load('Vous avez décliné l’invitation : les autres membres en sont informés.');
  $('membres-titre').focus();
  return undefined;
});

$('actualiser').addEventListener('click', async () => {
  await load('Le groupement est à jour.');
});

// ------------------------------------------------ business and trade groups

const UNIT = { hour: 'de l’heure', day: 'la journée', package: 'le forfait' };
const euros = (n) => n.toLocaleString('fr-FR', {
  style: 'currency', currency: 'EUR', minimumFractionDigits: Number.isInteger(n) ? 0 : 2, maximumFractionDigits: 2,
});
function priceText(p) {
  if (!p || (p.min == null && p.max == null)) return 'prix sur devis';
  const unit = p.unit ? ` ${UNIT[p.unit] || p.unit}` : '';
  if (p.min != null && p.max != null) return p.min === p.max ? `${euros(p.min)}${unit}` : `de ${euros(p.min)} à ${euros(p.max)}${unit}`;
  return p.min != null ? `à partir de ${euros(p.min)}${unit}` : `jusqu’à ${euros(p.max)}${unit}`;
}

let offers = [];        // the group's offers (its admins: active and retired)
let editing = null;     // the offer the form edits, null for a new one
let photoData = null;   // {file, url} of the photo chosen in the form

const isListed = (g) => g.kind === 'business_group' || g.kind === 'trade_group';
const present = (g) => (g.members || []).filter((m) => m.status === 'invited' || m.status === 'accepted');
const accepted = (g) => (g.members || []).filter((m) => m.status === 'accepted');

// The API's words about shares and offers, in French (session.js says
// the others).
const FRENCH = [
  [/must sum to 100 \(they sum to (\d+)\.(\d\d)\)/, (m) => `Les parts doivent faire 100 % au total (elles font ${m[2] === '00' ? m[1] : `${m[1]},${m[2]}`} %).`],
  [/over 0 and up to 100/, () => 'Une part est un pourcentage de plus de 0 à 100, avec deux décimales au plus.'],
  [/is listed twice/, () => 'Ce membre est compté deux fois.'],
  [/not a (rome|naf|cpv) code|unknown (rome|naf|cpv) code/, () => 'Code de métier inconnu : ROME (A1203), NAF (81.30Z) ou CPV (77310000).'],
  [/must not be above max/, () => 'Le prix minimum dépasse le prix maximum.'],
  [/is not an accepted member/, () => 'Ce membre n’a pas (encore) accepté de faire partie du groupe.'],
];
const frenchMore = (message) => {
  for (const [re, fn] of FRENCH) {
    const m = re.exec(message || '');
    if (m) return fn(m);
  }
  return message;
};

// errorsAt: a problem answer with the fields of its errors renamed by
// fn (e.g. "trades[1].code" -> "trades"), for showErrors.
const errorsAt = (r, fn) => ({
  ...r,
  body: r.body && {
    ...r.body,
    errors: (r.body.errors || []).map((e) => ({ ...e, field: fn(e.field || ''), message: frenchMore(e.message) })),
  },
});

function listed(g) {
  const link = $('lien-catalogue');
  link.hidden = !isListed(g) || !g.slug;
  if (!link.hidden) link.querySelector('a').href = `/catalogues/${encodeURIComponent(g.slug)}`;
  const admin = isListed(g) && g.can_edit === true;
  $('admin').hidden = !admin;
  if (!admin) return;
  const f = $('f-reglages');
  if (!f.contains(document.activeElement)) {
    f.elements.name.value = g.name || '';
    f.elements.description.value = g.description || '';
  }
  share(g);
  offerCases(g);
  loadOffers();
}

// --------------------------------------------------------- name, text

$('f-reglages').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = e.currentTarget;
  if (!busy(form, true)) return;
  clearErrors(form);
  $('f-reglages-ok').hidden = true;
  const description = form.elements.description.value.trim();
  const r = await api('PATCH', `/api/v1/groups/${encodeURIComponent(group.id)}`, {
    name: form.elements.name.value.trim(), description: description || null,
  });
  busy(form, false);
  if (!r.ok) return showErrors(form, r);
  render(r.body);
  $('f-reglages-ok').textContent = 'Nom et présentation enregistrés.';
  $('f-reglages-ok').hidden = false;
  return undefined;
});

// ------------------------------------------------------------- invite

$('f-inviter').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = e.currentTarget;
  const q = form.elements.q.value.trim();
  clearErrors(form);
  if (!q) {
    $('inviter-q-erreur').textContent = 'Écrivez un nom, un métier ou une ville.';
    $('inviter-q-erreur').hidden = false;
    form.elements.q.focus();
    return;
  }
  if (!busy(form, true)) return;
  const r = await api('GET', `/api/v1/search?${new URLSearchParams({ kind: 'entrepreneur', q, limit: '10' })}`);
  busy(form, false);
  if (!r.ok) {
    showErrors(form, errorsAt(r, (f) => (f === 'q' ? 'q' : '')));
    return;
  }
  const list = r.body.results || [];
  $('inviter-compte').textContent = list.length
    ? `${r.body.total > list.length ? `${list.length} premiers sur ${r.body.total}` : list.length} entrepreneur${list.length > 1 ? 's' : ''} trouvé${list.length > 1 ? 's' : ''}.`
    : 'Aucun entrepreneur trouvé : essayez un autre mot.';
  $('inviter-resultats').replaceChildren(...list.map((x) => {
    const li = el('li', 'resultat candidat');
    li.id = `c-${x.id}`;
    const h = el('p', 'nom', x.name);
    h.id = `c-${x.id}-nom`;
    li.append(h, el('p', 'meta', [x.headline, x.cooperative && x.cooperative.name, x.city].filter(Boolean).join(' · ')));
    const m = (group.members || []).find((y) => y.entrepreneur_id === x.id);
    if (m && (m.status === 'invited' || m.status === 'accepted')) {
      li.append(el('p', 'aide', m.status === 'accepted' ? 'Déjà membre du groupe.' : 'Déjà invité·e.'));
      return li;
    }
    const b = el('button', 'secondaire', 'Inviter');
    b.type = 'button';
    b.setAttribute('aria-describedby', h.id);
    b.addEventListener('click', () => inviteFound(x, b));
    li.append(b);
    return li;
  }));
});

async function inviteFound(x, button) {
  if (button.getAttribute('aria-busy') === 'true') return;
  button.setAttribute('aria-busy', 'true');
  const r = await api('POST', `/api/v1/groups/${encodeURIComponent(group.id)}/invitations`, { entrepreneur_id: x.id });
  button.setAttribute('aria-busy', 'false');
  if (!r.ok) {
    const box = $('f-inviter-erreur');
    box.textContent = r.status === 409 ? `${x.name} est déjà invité·e ou membre du groupe.`
      : french((r.body && ((r.body.errors || [])[0] || {}).message) || (r.body && r.body.detail) || `Erreur ${r.status}.`);
    box.hidden = false;
    return;
  }
  render(r.body);
  const li = $(`c-${x.id}`);
  if (li) li.querySelector('button').replaceWith(el('p', 'aide', 'Invitation envoyée.'));
  say(`${x.name} est invité·e : l’invitation lui est envoyée.`);
}

// -------------------------------------------------------- revenue split

function shareTotal() {
  let cents = 0;
  let bad = false;
  for (const input of $('partage-parts').querySelectorAll('input')) {
    const v = Number(input.value.replace(',', '.'));
    if (input.value.trim() === '' || !Number.isFinite(v)) bad = true;
    else cents += Math.round(v * 100);
  }
  const total = (cents / 100).toLocaleString('fr-FR', { maximumFractionDigits: 2 });
  const t = $('partage-total');
  t.textContent = bad ? `Total : ${total} % (une part n’est pas un nombre)`
    : cents === 10000 ? `Total : ${total} % ✓` : `Total : ${total} % (il faut 100 %)`;
  t.className = `total ${cents === 10000 && !bad ? 'total-ok' : 'total-faux'}`;
}

function share(g) {
  const form = $('f-partage');
  form.hidden = g.kind !== 'business_group';
  if (form.hidden || form.contains(document.activeElement)) return;
  const people = present(g);
  const given = new Map((g.revenue_split || []).map((s) => [s.entrepreneur_id, s.share]));
  // Without a split yet: equal shares, the remainder to the first.
  const even = Math.floor(10000 / Math.max(people.length, 1));
  $('partage-parts').replaceChildren(...people.map((m, i) => {
    const div = el('div', 'field part');
    const id = `part-${i}`;
    const label = el('label', null, `Part de ${m.name || `l’entrepreneur n° ${m.entrepreneur_id}`} (%)`);
    label.htmlFor = id;
    const input = el('input');
    Object.assign(input, { id, name: `revenue_split[${i}].share`, type: 'number', min: '0', max: '100', step: '0.01' });
    input.inputMode = 'decimal';
    input.dataset.id = m.entrepreneur_id;
    input.value = given.has(m.entrepreneur_id) ? String(given.get(m.entrepreneur_id))
      : String((i === 0 ? 10000 - even * (people.length - 1) : even) / 100);
    input.setAttribute('aria-describedby', `${id}-erreur partage-total`);
    const err = el('p', 'erreur');
    err.id = `${id}-erreur`;
    err.hidden = true;
    div.append(label, input, err);
    return div;
  }));
  shareTotal();
}

$('partage-parts').addEventListener('input', shareTotal);

$('f-partage').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = e.currentTarget;
  if (!busy(form, true)) return;
  clearErrors(form);
  $('f-partage-ok').hidden = true;
  const split = [...$('partage-parts').querySelectorAll('input')].map((input) => ({
    entrepreneur_id: input.dataset.id,
    share: input.value.trim() === '' ? null : Number(input.value.replace(',', '.')),
  }));
  const r = await api('PATCH', `/api/v1/groups/${encodeURIComponent(group.id)}`, { revenue_split: split });
  busy(form, false);
  if (!r.ok) {
    // "revenue_split[1].share" is the field of the second share; the
    // sum and the members named are the form's.
    showErrors(form, errorsAt(r, (f) => (/^revenue_split\[\d+\]\.share$/.test(f) ? f : '')));
    return;
  }
  render(r.body);
  $('f-partage-ok').textContent = 'Partage des recettes enregistré.';
  $('f-partage-ok').hidden = false;
});

// ------------------------------------------------------------- offers

function offerCases(g) {
  const box = $('offre-cases');
  const checked = new Set([...box.querySelectorAll('input:checked')].map((i) => i.value));
  box.replaceChildren(...accepted(g).map((m) => {
    const div = el('div', 'case');
    const input = el('input');
    Object.assign(input, { type: 'checkbox', id: `offre-par-${m.entrepreneur_id}`, value: m.entrepreneur_id });
    input.checked = checked.has(m.entrepreneur_id);
    const label = el('label', null, `${m.name} (${m.cooperative || 'coopérative'})`);
    label.htmlFor = input.id;
    div.append(input, label);
    return div;
  }));
}

async function loadOffers(message) {
  const r = await api('GET', `/api/v1/groups/${encodeURIComponent(group.id)}/offers?status=all&limit=100`);
  if (!r.ok) {
    $('offres-admin-etat').textContent = 'Les offres n’ont pas pu être chargées : rechargez la page.';
    return;
  }
  offers = r.body.results || [];
  const active = offers.filter((o) => o.status !== 'retired').length;
  $('offres-admin-etat').textContent = message || (offers.length
    ? `${active} offre${active > 1 ? 's' : ''} publiée${active > 1 ? 's' : ''}${offers.length > active ? `, ${offers.length - active} retirée${offers.length - active > 1 ? 's' : ''}` : ''}.`
    : 'Aucune offre pour l’instant : « Nouvelle offre » en publie une dans le catalogue.');
  $('offres-admin-liste').replaceChildren(...offers.map((o) => {
    const li = el('li', `resultat offre-admin offre-${o.status}`);
    li.id = `offre-${o.id}`;
    const h = el('h4', 'nom', o.title);
    h.id = `offre-${o.id}-titre`;
    li.append(h);
    const meta = [priceText(o.price), (o.trades || []).map((t) => t.label || t.code).join(', '),
      o.delivered_by && o.delivered_by.length ? `par ${o.delivered_by.map((d) => d.name || `n° ${d.entrepreneur_id}`).join(', ')}` : '',
      o.photos && o.photos.length ? `${o.photos.length} photo${o.photos.length > 1 ? 's' : ''}` : ''];
    li.append(el('p', 'meta', meta.filter(Boolean).join(' · ')));
    if (o.status === 'retired') li.append(el('p', 'etat', 'Retirée : absente du catalogue et de la recherche.'));
    const act = el('div', 'actions');
    const edit = el('button', 'secondaire', 'Modifier');
    edit.type = 'button';
    edit.setAttribute('aria-describedby', h.id);
    edit.addEventListener('click', () => openOffer(o));
    const toggle = el('button', o.status === 'retired' ? 'secondaire' : 'danger-leger',
      o.status === 'retired' ? 'Remettre en ligne' : 'Retirer');
    toggle.type = 'button';
    toggle.setAttribute('aria-describedby', h.id);
    toggle.addEventListener('click', () => retire(o, toggle));
    act.append(edit, toggle);
    li.append(act);
    return li;
  }));
}

async function retire(o, button) {
  if (button.getAttribute('aria-busy') === 'true') return;
  button.setAttribute('aria-busy', 'true');
  const back = o.status === 'retired';
  const r = back ? await api('PATCH', `/api/v1/offers/${encodeURIComponent(o.id)}`, { status: 'active' })
    : await api('DELETE', `/api/v1/offers/${encodeURIComponent(o.id)}`);
  button.setAttribute('aria-busy', 'false');
  if (!r.ok) {
    $('offres-admin-etat').textContent = french((r.body && ((r.body.errors || [])[0] || {}).message) || (r.body && r.body.detail) || `Erreur ${r.status}.`);
    return;
  }
  await loadOffers(back ? `« ${o.title} » est de nouveau en ligne.` : `« ${o.title} » est retirée du catalogue.`);
  $('offres-admin-titre').focus();
}

function showPhotos(o) {
  const box = $('offre-photos');
  box.replaceChildren(...((o && o.photos) || []).map((p, i) => {
    const fig = el('figure', 'photo');
    const img = el('img');
    img.src = p.url || `/api/v1/offers/${encodeURIComponent(o.id)}/photos/${encodeURIComponent(p.id)}`;
    img.alt = `Photo ${i + 1} de l’offre`;
    const b = el('button', 'danger-leger', 'Retirer la photo');
    b.type = 'button';
    b.addEventListener('click', async () => {
      const r = await api('DELETE', `/api/v1/offers/${encodeURIComponent(o.id)}/photos/${encodeURIComponent(p.id)}`);
      if (!r.ok && r.status !== 404) return;
      o.photos = o.photos.filter((x) => x.id !== p.id);
      showPhotos(o);
      loadOffers();
    });
    fig.append(img, b);
    return fig;
  }));
}

function resetPhoto() {
  photoData = null;
  $('offre-photo').value = '';
  $('offre-apercu').hidden = true;
  $('offre-apercu').removeAttribute('src');
}

function openOffer(o) {
  const form = $('f-offre');
  editing = o || null;
  clearErrors(form);
  form.reset();
  resetPhoto();
  $('offre-form-titre').textContent = o ? `Modifier « ${o.title} »` : 'Nouvelle offre';
  $('offre-enregistrer').textContent = o ? 'Enregistrer l’offre' : 'Publier l’offre';
  const p = (o && o.price) || {};
  form.elements.title.value = o ? o.title : '';
  form.elements.description.value = (o && o.description) || '';
  form.elements.trades.value = o ? (o.trades || []).map((t) => (t.scheme === 'free' ? t.label : t.code)).join(', ') : '';
  form.elements['price.min'].value = p.min != null ? String(p.min) : '';
  form.elements['price.max'].value = p.max != null ? String(p.max) : '';
  form.elements['price.unit'].value = p.unit || '';
  const by = new Set(o ? (o.delivered_by || []).map((d) => d.entrepreneur_id) : accepted(group).map((m) => m.entrepreneur_id));
  for (const c of $('offre-cases').querySelectorAll('input')) c.checked = by.has(c.value);
  showPhotos(o);
  form.hidden = false;
  $('nouvelle-offre').setAttribute('aria-expanded', 'true');
  form.elements.title.focus();
}

function closeOffer() {
  $('f-offre').hidden = true;
  $('nouvelle-offre').setAttribute('aria-expanded', 'false');
  editing = null;
  resetPhoto();
}

$('nouvelle-offre').addEventListener('click', () => openOffer(null));
$('offre-annuler').addEventListener('click', () => {
  closeOffer();
  $('nouvelle-offre').focus();
});

// trades: "A1203, 81.30Z, 77310000, permaculture" -> trade references.
function trades(text) {
  return text.split(/[,;\n]/).map((s) => s.trim()).filter(Boolean).map((s) => {
    const m = /^(rome|naf|cpv):\s*(.+)$/i.exec(s);
    if (m) return { scheme: m[1].toLowerCase(), code: m[2].trim() };
    if (/^[A-Za-z]\d{4}$/.test(s)) return { scheme: 'rome', code: s.toUpperCase() };
    if (/^\d{8}(-\d)?$/.test(s)) return { scheme: 'cpv', code: s };
    if (/^\d{2}(\.?\d{1,2}[A-Za-z]?)?$/.test(s)) return { scheme: 'naf', code: s.toUpperCase() };
    return { scheme: 'free', label: s };
  });
}

const amount = (v) => (v.trim() === '' ? null : Number(v.replace(',', '.')));

$('offre-photo').addEventListener('change', () => {
  const file = $('offre-photo').files[0];
  const err = $('offre-photo-erreur');
  err.hidden = true;
  if (!file) { resetPhoto(); return; }
  if (!['image/jpeg', 'image/png', 'image/webp'].includes(file.type) || file.size > 2 * 1024 * 1024) {
    err.textContent = file.size > 2 * 1024 * 1024 ? 'Photo trop lourde : 2 Mo au plus.' : 'Choisissez une photo JPEG, PNG ou WebP.';
    err.hidden = false;
    resetPhoto();
    return;
  }
  // A data: address (the pages' policy allows no blob:).
  const reader = new FileReader();
  reader.addEventListener('load', () => {
    photoData = { file, url: reader.result };
    $('offre-apercu').src = reader.result;
    $('offre-apercu').hidden = false;
  });
  reader.readAsDataURL(file);
});

// sendPhoto: the chosen photo to offer id; null when sent, else a message.
async function sendPhoto(id) {
  let res;
  try {
    res = await fetch(`/api/v1/offers/${encodeURIComponent(id)}/photos`, {
      method: 'POST', credentials: 'same-origin', body: photoData.file,
      headers: { 'Content-Type': photoData.file.type, 'X-CSRF-Token': csrf(), Accept: 'application/json' },
    });
  } catch {
    return 'Le serveur ne répond pas.';
  }
  if (res.ok) return null;
  let body = null;
  try { body = await res.json(); } catch { body = null; }
  if (res.status === 413) return 'Photo trop lourde : 2 Mo au plus.';
  if (res.status === 415) return 'Ce fichier n’est pas une photo JPEG, PNG ou WebP.';
  if (res.status === 409) return 'Six photos au plus par offre.';
  return french((body && ((body.errors || [])[0] || {}).message) || (body && body.detail) || `Erreur ${res.status}.`);
}

$('f-offre').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = e.currentTarget;
  if (!busy(form, true)) return;
  clearErrors(form);
  const unit = form.elements['price.unit'].value;
  const min = amount(form.elements['price.min'].value);
  const max = amount(form.elements['price.max'].value);
  const description = form.elements.description.value.trim();
  const body = {
    title: form.elements.title.value.trim(),
    trades: trades(form.elements.trades.value),
    price: unit || min != null || max != null ? { min, max, unit: unit || null } : null,
    delivered_by: [...$('offre-cases').querySelectorAll('input:checked')].map((c) => c.value),
  };
  if (description || editing) body.description = description || null;
  const r = editing ? await api('PATCH', `/api/v1/offers/${encodeURIComponent(editing.id)}`, body)
    : await api('POST', `/api/v1/groups/${encodeURIComponent(group.id)}/offers`, body);
  if (!r.ok) {
    busy(form, false);
    showErrors(form, errorsAt(r, (f) => (/^trades/.test(f) ? 'trades'
      : /^delivered_by/.test(f) ? 'delivered_by'
        : f === 'price' ? 'price.unit' : f)));
    return;
  }
  const saved = r.body;
  let message = `${editing ? 'Offre enregistrée' : 'Offre publiée'} : « ${saved.title} ».`;
  if (photoData) {
    const err = await sendPhoto(saved.id);
    if (err) {
      busy(form, false);
      editing = saved;
      $('offre-form-titre').textContent = `Modifier « ${saved.title} »`;
      $('offre-enregistrer').textContent = 'Enregistrer l’offre';
      $('offre-photo-erreur').textContent = `L’offre est enregistrée, mais pas la photo : ${err}`;
      $('offre-photo-erreur').hidden = false;
      await loadOffers();
      return;
    }
    message += ' Photo ajoutée.';
  }
  busy(form, false);
  closeOffer();
  await loadOffers(message);
  $('offres-admin-titre').focus();
});

// ----------------------------------------------------------- creation

function creation() {
  $('groupe').hidden = true;
  if (!account) return refuse('Connectez-vous pour créer un groupe.', true);
  if (account.role !== 'entrepreneur' || !account.entrepreneur_id) {
    return refuse('Seuls les entrepreneurs créent un groupe ici (ils en deviennent l’administrateur).', false);
  }
  say('');
  $('refus').hidden = true;
  $('creer').hidden = false;
  return undefined;
}

$('f-creer').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = e.currentTarget;
  if (!busy(form, true)) return;
  clearErrors(form);
  const description = form.elements.description.value.trim();
  const r = await api('POST', '/api/v1/groups', {
    kind: form.elements.kind.value, name: form.elements.name.value.trim(), ...(description ? { description } : {}),
  });
  busy(form, false);
  if (!r.ok) {
    showErrors(form, r);
    return;
  }
  form.reset();
  pending = `Groupe créé : « ${r.body.name} ». Invitez ses membres, puis publiez ses offres.`;
  location.hash = `id=${r.body.id}`;
});

// ------------------------------------------------------------ start

async function start(focus) {
  account = await me();
  await load('', focus);
}

window.addEventListener('hashchange', () => start(true));
start(false);
