// inbox.js: a provider's inbox. Their notifications (GET
// /api/v1/me/notifications, "Tout marquer comme lu" POSTs .../read) and
// the requests they were told of (GET /api/v1/requests). #request=ID
// opens one (the links of the e-mails point there): GET
// /api/v1/requests/{id}, marked "viewed" the first time (POST
// .../responses), with the answers still possible: "Intéressé·e",
// "Proposer un devis" (amount, message), "Décliner" (a reason, in a few
// words if they like). A 409 (the request closed meanwhile, or an answer
// no longer possible) shows its message over the request as it is now.
// Invitations from groups of peer instances (GET /api/v1/me/groups, the
// entries with an origin) are listed with "Accepter" and "Décliner" (POST
// /api/v1/invitations/{id}/accept, .../decline {reason}): the answer goes
// to the group's instance.
import { api, me, ROLES, french, clearErrors, showErrors, busy, el, date } from './session.js';

const $ = (id) => document.getElementById(id);

const REQUEST_STATUS = { unconfirmed: 'à confirmer', open: 'ouverte', won: 'attribuée', cancelled: 'annulée' };
const MY_STATUS = {
  notified: 'nouvelle',
  viewed: 'vue, sans réponse',
  interested: 'vous êtes intéressé·e',
  quoted: 'devis envoyé',
  declined: 'déclinée',
  won: 'votre réponse est retenue',
  lost: 'confiée à un autre entrepreneur',
};
const REASONS = {
  unavailable: 'Pas disponible à ces dates',
  out_of_area: 'Hors de ma zone d’intervention',
  out_of_trade: 'Hors de mon métier',
  budget: 'Budget trop serré',
  deadline: 'Délai trop court',
  other: 'Autre raison',
};

let next = null;        // next_cursor of the requests
let current = null;     // the request open
let seq = 0;

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
const requestId = () => {
  const m = /^#request=([0-9]+)$/.exec(location.hash);
  return m ? m[1] : null;
};

function say(text) {
  $('etat').textContent = text;
}

function refuse(text, link = ['/account.html', 'Aller à la page Mon compte']) {
  say('');
  $('boite').hidden = true;
  $('refus-texte').textContent = text;
  const a = $('refus-lien').querySelector('a');
  [a.href, a.textContent] = link;
  $('refus').hidden = false;
}

// ------------------------------------------------------- notifications

function notifications(d) {
  const list = $('notifications-liste');
  list.replaceChildren(...d.results.map((n) => {
    const li = el('li', n.read_at ? 'lue' : 'non-lue');
    if (!n.read_at) li.append(el('span', 'nouveau', 'nouveau'));
    if (n.request_id) {
      const a = el('a', null, n.text);
      a.href = `#request=${encodeURIComponent(n.request_id)}`;
      li.append(a);
    } else if (n.group_id) {
      const a = el('a', null, n.text);
      a.href = `/group.html#id=${encodeURIComponent(n.group_id)}`;
      li.append(a);
    } else if (n.transfer_id) {
      // A transfer of the time ledger: its page shows it, to answer.
      const a = el('a', null, n.text);
      a.href = `/time.html#transfer=${encodeURIComponent(n.transfer_id)}`;
      li.append(a);
    } else {
      li.append(n.text);
    }
    li.append(el('span', 'date', date(n.created_at)));
    return li;
  }));
  $('notifications-compte').textContent = !d.total ? 'Aucune notification pour l’instant.'
    : d.unread ? `${d.unread} notification${d.unread > 1 ? 's' : ''} non lue${d.unread > 1 ? 's' : ''} sur ${d.total}.`
      : `Toutes lues (${d.total}).`;
  $('tout-lu').hidden = !d.unread;
}

async function loadNotifications() {
  const r = await api('GET', '/api/v1/me/notifications?limit=20');
  $('notifications-erreur').hidden = r.ok;
  if (!r.ok) {
    $('notifications-erreur').textContent = 'Les notifications n’ont pas pu être chargées : rechargez la page.';
    return;
  }
  notifications(r.body);
}

$('tout-lu').addEventListener('click', async () => {
  const r = await api('POST', '/api/v1/me/notifications/read');
  $('notifications-erreur').hidden = r.ok;
  if (!r.ok) {
    $('notifications-erreur').textContent = r.status === 401 ? 'Votre session a expiré : reconnectez-vous.'
      : 'Les notifications n’ont pas pu être marquées comme lues : réessayez.';
    return;
  }
  notifications(r.body);
  say('Toutes les notifications sont marquées comme lues.');
  $('notifications-titre').setAttribute('tabindex', '-1');
  $('notifications-titre').focus();
});

// ------------------------------------------------------------ the list

function item(d) {
  const li = el('li', 'resultat recue');
  li.id = `d-${d.id}`;
  const h = el('h3', 'nom');
  const a = el('a', 'ouvrir', d.title);
  a.href = `#request=${encodeURIComponent(d.id)}`;
  h.append(a);
  const meta = [place(d.location)];
  if (d.deadline) meta.push(`avant le ${day(d.deadline)}`);
  meta.push(`reçue le ${date(d.created_at, false)}`);
  const states = el('p', 'meta etats');
  states.append(el('span', `etiquette-statut statut-${d.status}`, `Demande ${REQUEST_STATUS[d.status] || d.status}`),
    ' ', el('span', 'mon-statut', `Vous : ${MY_STATUS[d.my_status] || d.my_status}`));
  li.append(h, el('p', 'meta', meta.join(' · ')), states);
  if (current && current.id === d.id) li.setAttribute('aria-current', 'true');
  return li;
}

function update(d) {
  const old = $(`d-${d.id}`);
  if (old) old.replaceWith(item(d));
}

async function loadList(cursor) {
  const q = new URLSearchParams({ limit: '20' });
  if (cursor) q.set('cursor', cursor);
  const r = await api('GET', `/api/v1/requests?${q}`);
  $('recues-erreur').hidden = r.ok;
  if (!r.ok) {
    $('recues-erreur').textContent = 'Les demandes n’ont pas pu être chargées : rechargez la page.';
    return;
  }
  const list = $('recues-liste');
  if (!cursor) list.replaceChildren();
  list.append(...r.body.results.map(item));
  const n = r.body.total;
  $('recues-compte').textContent = n ? `${n} demande${n > 1 ? 's' : ''}.`
    : 'Aucune demande ne vous a encore été transmise. Elles arrivent ici, et par e-mail, quand un client cherche votre métier près de chez vous.';
  next = r.body.next_cursor;
  $('recues-plus').hidden = !next;
}

$('recues-plus').addEventListener('click', () => loadList(next));

// ------------------------------------------------------ one request

function fiche(d) {
  const dl = $('detail-fiche');
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
  row('Budget indiqué', budget(d.budget));
  if (d.description) row('Description', el('span', 'texte-long', d.description));
  row('Déposée le', date(d.created_at));
  if (d.contact) {
    const c = el('span');
    const parts = [];
    if (d.contact.name) parts.push(d.contact.name);
    if (d.contact.email) {
      const a = el('a', null, d.contact.email);
      a.href = `mailto:${d.contact.email}`;
      parts.push(a);
    }
    if (d.contact.phone) {
      const a = el('a', null, d.contact.phone);
      a.href = `tel:${d.contact.phone.replace(/[^0-9+]/g, '')}`;
      parts.push(a);
    }
    parts.forEach((p, i) => c.append(...(i ? [' · ', p] : [p])));
    row('Contact du client', c);
  }
}

function mine(m) {
  if (!m) return;
  const dl = $('detail-fiche');
  const row = (k, v) => {
    const dd = el('dd');
    if (v instanceof Node) dd.append(v); else dd.textContent = v;
    dl.append(el('dt', null, k), dd);
  };
  if (m.why && m.why.length) row('Pourquoi vous', m.why.join(' ; '));
  if (m.quote && m.status !== 'declined') {
    const q = [m.quote.amount != null ? euros(m.quote.amount) : '', m.quote.message || ''].filter(Boolean).join(' : ');
    row('Votre devis', el('span', 'texte-long', q));
  }
  if (m.reason) row('Votre raison', REASONS[m.reason] || m.reason);
}

function closeForms() {
  for (const [b, f] of [['ouvrir-devis', 'f-devis'], ['ouvrir-declin', 'f-declin']]) {
    $(f).hidden = true;
    $(b).setAttribute('aria-expanded', 'false');
    clearErrors($(f));
    $(f).reset();
  }
  clearErrors($('f-interesse'));
}

function render(d, m) {
  current = d;
  $('detail-titre').textContent = d.title;
  const st = $('detail-statut');
  st.className = `etiquette-statut statut-${d.status}`;
  st.textContent = `Demande ${REQUEST_STATUS[d.status] || d.status}`;
  const open = d.status === 'open';
  const s = d.my_status;
  $('detail-moi').textContent = s === 'won' ? 'Votre réponse est retenue : le client compte sur vous. Contactez-le.'
    : s === 'lost' ? 'Le client a confié cette demande à un autre entrepreneur.'
      : s === 'declined' ? 'Vous avez décliné cette demande.'
        : !open ? `Cette demande est ${REQUEST_STATUS[d.status] || d.status} : elle n’attend plus de réponse.`
          : s === 'interested' ? 'Vous vous êtes dit intéressé·e : le client a vos coordonnées et les siennes sont ci-dessous. Vous pouvez aussi envoyer un devis.'
            : s === 'quoted' ? 'Votre devis est envoyé au client. Vous pouvez le modifier.'
              : 'Cette demande attend votre réponse.';
  fiche(d);
  mine(m);
  $('detail-contact-note').hidden = Boolean(d.contact) || !open || s === 'declined';
  const answering = open && s !== 'declined' && s !== 'won' && s !== 'lost';
  $('reponses-possibles').hidden = !answering;
  $('f-interesse').hidden = s === 'interested' || s === 'quoted';
  $('ouvrir-devis').textContent = s === 'quoted' ? 'Modifier mon devis' : 'Proposer un devis';
  document.title = `${d.title} · Demandes reçues · essaim`;
  for (const li of $('recues-liste').children) {
    if (li.id === `d-${d.id}`) li.setAttribute('aria-current', 'true'); else li.removeAttribute('aria-current');
  }
  update(d);
}

// open: show request id; mark it viewed the first time.
async function open(id, focus) {
  const my = ++seq;
  $('detail-erreur').hidden = true;
  let r = await api('GET', `/api/v1/requests/${encodeURIComponent(id)}`);
  if (my !== seq) return;
  if (!r.ok) {
    $('detail').hidden = false;
    $('detail-titre').textContent = 'Demande introuvable';
    $('detail-statut').textContent = '';
    $('detail-statut').className = '';
    $('detail-moi').textContent = r.status === 404 ? 'Cette demande n’existe pas, ou elle ne vous a pas été transmise.'
      : 'La demande n’a pas pu être chargée : réessayez.';
    $('detail-fiche').replaceChildren();
    $('detail-contact-note').hidden = true;
    $('reponses-possibles').hidden = true;
    if (focus) $('detail-titre').focus();
    return;
  }
  let m = null;
  if (r.body.status === 'open' && r.body.my_status === 'notified') {
    const v = await api('POST', `/api/v1/requests/${encodeURIComponent(id)}/responses`, { status: 'viewed' });
    if (v.ok) {
      r.body.my_status = v.body.status;
      m = v.body;
    }
  }
  if (!m) {
    const x = await api('GET', `/api/v1/requests/${encodeURIComponent(id)}/matches`);
    m = x.ok ? x.body.results[0] : null;
  }
  if (my !== seq) return;
  closeForms();
  render(r.body, m);
  if (m && m.quote) {
    // "Modifier mon devis" starts from the quote sent.
    $('f-devis').elements['quote.amount'].value = m.quote.amount ?? '';
    $('f-devis').elements['quote.message'].value = m.quote.message || '';
  }
  $('detail').hidden = false;
  if (focus) $('detail-titre').focus();
}

// answer: POST a response; on 409 the request is shown as it is now,
// with the message.
async function answer(form, body, done) {
  if (!busy(form, true)) return;
  clearErrors(form);
  $('detail-erreur').hidden = true;
  const id = current.id;
  const r = await api('POST', `/api/v1/requests/${encodeURIComponent(id)}/responses`, body);
  busy(form, false);
  if (r.status === 409) {
    const e = r.body && r.body.errors && r.body.errors[0];
    const text = french(e ? e.message : r.body && r.body.detail);
    await open(id, false);
    $('detail-erreur').textContent = text;
    $('detail-erreur').hidden = false;
    $('detail-erreur').setAttribute('tabindex', '-1');
    $('detail-erreur').focus();
    return;
  }
  if (!r.ok) return showErrors(form, r);
  await open(id, false);
  say(done);
  $('detail-titre').focus();
}

$('f-interesse').addEventListener('submit', (e) => {
  e.preventDefault();
  answer(e.currentTarget, { status: 'interested' },
    'Votre intérêt est transmis au client : ses coordonnées sont affichées.');
});

function toggle(button, form, field) {
  $(button).addEventListener('click', () => {
    const f = $(form);
    const other = form === 'f-devis' ? ['ouvrir-declin', 'f-declin'] : ['ouvrir-devis', 'f-devis'];
    $(other[1]).hidden = true;
    $(other[0]).setAttribute('aria-expanded', 'false');
    f.hidden = !f.hidden;
    $(button).setAttribute('aria-expanded', String(!f.hidden));
    if (!f.hidden) f.elements[field].focus();
  });
}
toggle('ouvrir-devis', 'f-devis', 'quote.amount');
toggle('ouvrir-declin', 'f-declin', 'reason');
for (const [b, f] of [['fermer-devis', 'f-devis'], ['fermer-declin', 'f-declin']]) {
  $(b).addEventListener('click', () => {
    $(f).hidden = true;
    const opener = f === 'f-devis' ? 'ouvrir-devis' : 'ouvrir-declin';
    $(opener).setAttribute('aria-expanded', 'false');
    $(opener).focus();
  });
}

$('f-devis').addEventListener('submit', (e) => {
  e.preventDefault();
  const f = e.currentTarget;
  const amount = f.elements['quote.amount'];
  const message = f.elements['quote.message'].value.trim();
  const local = (field, text) => showErrors(f, { status: 400, body: { errors: [{ field, message: text }] } });
  if (amount.validity.badInput) return local('quote.amount', 'Indiquez un montant en euros (un nombre positif).');
  if (!amount.value.trim() && !message) return local('quote.amount', 'Indiquez un montant, un message, ou les deux.');
  const quote = {};
  if (amount.value.trim()) quote.amount = Number(amount.value);
  if (message) quote.message = message;
  answer(f, { status: 'quoted', quote }, 'Votre devis est envoyé au client.');
});

$('f-declin').addEventListener('submit', (e) => {
  e.preventDefault();
  const f = e.currentTarget;
  const code = f.elements.reason.value;
  const words = f.elements.texte.value.trim();
  if (!code && !words) {
    return showErrors(f, { status: 400, body: { errors: [{ field: 'reason', message: 'Choisissez une raison, ou écrivez la vôtre.' }] } });
  }
  // A reason from the list, or the person's own words (with the
  // reason's name before them when both are given).
  const reason = !words ? code : !code || code === 'other' ? words : `${REASONS[code]} : ${words}`;
  answer(f, { status: 'declined', reason }, 'Vous avez décliné la demande : le client le verra.');
});

// ------------------------------------------ invitations from other instances

const GROUP_KIND = {
  tender_team: 'Groupement pour un appel d’offres', business_group: 'Groupement d’affaires', trade_group: 'Groupement de métier',
};
const INVITATION_STATUS = { invited: 'en attente de votre réponse', accepted: 'acceptée', declined: 'déclinée', left: 'terminée' };

function invitation(g) {
  const li = el('li', 'resultat invitation');
  li.id = `i-${g.invitation_id}`;
  li.append(el('h3', 'nom', g.name));
  const meta = [GROUP_KIND[g.kind] || g.kind];
  if (g.tender) meta.push(g.tender.lot ? `${g.tender.title} (lot ${g.tender.lot.title || g.tender.lot.id})` : g.tender.title);
  if (g.invited_by && g.invited_by.name) meta.push(`invité·e par ${g.invited_by.name}`);
  meta.push(`depuis ${g.origin.name || g.origin.url}`);
  li.append(el('p', 'meta', meta.join(' · ')));
  if (g.description) li.append(el('p', 'description', g.description));
  li.append(el('p', 'meta etat-invitation', `Invitation ${INVITATION_STATUS[g.my_status] || g.my_status}`));
  if (g.my_status !== 'invited') return li;
  const f = el('form', 'reponse-invitation');
  const label = el('label', null, 'Raison, si vous déclinez (facultatif) ');
  const reason = el('input');
  reason.name = 'raison';
  reason.maxLength = 500;
  label.append(reason);
  const yes = el('button', null, 'Accepter');
  yes.type = 'button';
  const no = el('button', 'secondaire', 'Décliner');
  no.type = 'button';
  const err = el('p', 'erreur');
  err.setAttribute('role', 'alert');
  err.hidden = true;
  const reply = async (accept) => {
    if (!busy(f, true)) return;
    const path = `/api/v1/invitations/${encodeURIComponent(g.invitation_id)}/${accept ? 'accept' : 'decline'}`;
    const words = reason.value.trim();
    const r = await api('POST', path, accept || !words ? {} : { reason: words });
    busy(f, false);
    if (!r.ok) {
      const e = r.body && r.body.errors && r.body.errors[0];
      err.textContent = r.status === 401 ? 'Votre session a expiré : reconnectez-vous.'
        : french(e ? e.message : (r.body && r.body.detail) || `Erreur ${r.status}.`);
      err.hidden = false;
      return;
    }
    // The list as it is now first, then the message: whoever reads it
    // sees the list it speaks of.
    await loadInvitations();
    say(accept ? `Vous avez accepté l’invitation de « ${g.name} » : le groupement en est informé.`
      : `Vous avez décliné l’invitation de « ${g.name} » : le groupement en est informé.`);
  };
  yes.addEventListener('click', () => reply(true));
  no.addEventListener('click', () => reply(false));
  f.append(label, yes, ' ', no, err);
  li.append(f);
  return li;
}

async function loadInvitations() {
  const r = await api('GET', '/api/v1/me/groups?limit=100');
  $('invitations-erreur').hidden = r.ok;
  if (!r.ok) {
    $('invitations').hidden = false;
    $('invitations-erreur').textContent = 'Les invitations n’ont pas pu être chargées : rechargez la page.';
    return;
  }
  const copies = r.body.results.filter((g) => g.origin);
  $('invitations').hidden = !copies.length;
  $('invitations-liste').replaceChildren(...copies.map(invitation));
}

// ------------------------------------------------------------- start

async function start() {
  const a = await me();
  if (!a) {
    return refuse('Les demandes reçues sont réservées aux entrepreneurs des coopératives : connectez-vous d’abord.');
  }
  if (a.role !== 'entrepreneur') {
    return a.role === 'client'
      ? refuse('Cette page est celle des entrepreneurs. Les réponses à vos demandes sont sur la page « Mes demandes ».',
        ['/request.html#mes-demandes', 'Voir mes demandes'])
      : refuse(`Cette page est celle des entrepreneurs ; votre compte (${ROLES[a.role] || a.role}) ne reçoit pas de demandes.`);
  }
  say('');
  $('boite').hidden = false;
  await Promise.all([loadNotifications(), loadList(), loadInvitations()]);
  const id = requestId();
  if (id) await open(id, true);
}

window.addEventListener('hashchange', () => {
  const id = requestId();
  if (id && !$('boite').hidden) open(id, true);
});
start();
