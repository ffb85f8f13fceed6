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
import { api, me, french, clearErrors, showErrors, busy, el, date } from './session.js';

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
      cell('Coopérative', m.cooperative || (m.cooperative_id ? `coopérative n° ${m.cooperative_id}` : '')),
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
  group = g;
  $('groupe-titre').textContent = g.name;
  document.title = `${g.name} · essaim`;
  const st = $('groupe-statut');
  st.className = `etiquette-statut groupe-${g.status}`;
  st.textContent = `Groupement ${STATUS[g.status] || g.status}`;
  st.title = STATUS_TEXT[g.status] || '';
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
  $('groupe').hidden = false;
  $('refus').hidden = true;
}

async function load(message, focus) {
  const id = groupId();
  if (!id) return refuse('Aucun groupement n’est indiqué.', false);
  const r = await api('GET', `/api/v1/groups/${encodeURIComponent(id)}`);
  if (!r.ok || !r.body) {
    if (r.status === 401 || (!account && r.status === 403)) return refuse('Connectez-vous pour voir ce groupement.', true);
    return refuse(r.status === 404 ? 'Ce groupement n’existe pas (ou plus).'
      : r.status === 403 ? 'Ce groupement n’est visible que de ses membres, de leurs coopératives et de l’administration du site.'
        : 'Le groupement n’a pas pu être chargé : rechargez la page.', false);
  }
  render(r.body);
  say(message || '');
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

// ------------------------------------------------------------ start

async function start(focus) {
  account = await me();
  await load('', focus);
}

window.addEventListener('hashchange', () => start(true));
start(false);
