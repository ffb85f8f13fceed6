// account.js: the account page. Signed out: sign in, or create a client
// account. With #invite=TOKEN in the URL: an invited person chooses a
// password (POST /api/v1/auth/activate), then the token leaves the URL.
// Signed in: "Mon compte" (email, role, cooperative, profile), download
// of the person's data, sign-out, and erasure after typing the email.
import { api, me, csrf, ROLES, clearErrors, showErrors, busy, el } from './session.js';

const $ = (id) => document.getElementById(id);
const SECTIONS = ['invitation', 'connexion', 'moncompte'];
let account = null;

const invitation = () => {
  const m = /^#invite=([A-Za-z0-9_-]+)$/.exec(location.hash);
  return m ? m[1] : null;
};

function show(id, focus) {
  for (const s of SECTIONS) $(s).hidden = s !== id;
  if (focus) $(`${id}-titre`).focus();
}

function say(text) {
  $('etat').textContent = text;
}

async function start(focus) {
  if (invitation()) {
    say('');
    show('invitation', focus);
    return;
  }
  account = await me();
  if (account) return signedIn(account, '', focus);
  say(csrf() ? 'Votre session a expiré : connectez-vous à nouveau.' : '');
  show('connexion', focus);
}

async function signedIn(a, message, focus) {
  account = a;
  say(message);
  $('f-suppression').hidden = true;
  $('supprimer').setAttribute('aria-expanded', 'false');
  $('moncompte-erreur').hidden = true;
  const dl = $('fiche');
  const row = (k, v) => {
    const dd = el('dd');
    if (v instanceof Node) dd.append(v); else dd.textContent = v;
    dl.append(el('dt', null, k), dd);
    return dd;
  };
  dl.replaceChildren();
  row('Adresse e-mail', a.email);
  if (a.display_name) row('Nom affiché', a.display_name);
  row('Rôle', ROLES[a.role] || a.role);
  const coop = a.cooperative_id ? row('Coopérative', `n° ${a.cooperative_id}`) : null;
  const profile = a.entrepreneur_id ? row('Mon profil', `n° ${a.entrepreneur_id}`) : null;
  row('Compte créé le', new Date(a.created_at).toLocaleDateString('fr-FR', { dateStyle: 'long' }));
  $('lien-staff').hidden = a.role !== 'staff' && a.role !== 'admin';
  $('lien-staff').querySelector('a').href = a.role === 'admin' && a.cooperative_id
    ? `/staff.html?cooperative=${encodeURIComponent(a.cooperative_id)}` : '/staff.html';
  show('moncompte', focus);
  // The names come after: the page does not wait for them.
  if (coop) {
    const r = await api('GET', `/api/v1/cooperatives/${encodeURIComponent(a.cooperative_id)}`);
    if (r.ok) coop.textContent = r.body.name;
  }
  if (profile) {
    const r = await api('GET', `/api/v1/entrepreneurs/${encodeURIComponent(a.entrepreneur_id)}`);
    const link = el('a', null, 'voir les données de mon profil');
    link.href = `/api/v1/entrepreneurs/${encodeURIComponent(a.entrepreneur_id)}`;
    const what = r.ok ? [r.body.display_name, r.body.headline].filter(Boolean).join(' · ') : `n° ${a.entrepreneur_id}`;
    profile.replaceChildren(`${what} (`, link, ')');
  }
}

function values(form) {
  const out = {};
  for (const input of form.querySelectorAll('input[name]')) {
    const v = input.type === 'password' ? input.value : input.value.trim();
    if (v !== '' || input.required) out[input.name] = v;
  }
  return out;
}

// submit: a form's request; on success `done(answer, sent)`.
function submit(form, method, path, body, done) {
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!busy(form, true)) return;
    clearErrors(form);
    const sent = body();
    const r = await api(method, path, sent);
    busy(form, false);
    if (!r.ok) return showErrors(form, r);
    form.reset();
    done(r.body, sent);
  });
}

submit($('f-connexion'), 'POST', '/api/v1/auth/login', () => values($('f-connexion')),
  (d) => signedIn(d.account, 'Vous êtes connecté.', true));

submit($('f-inscription'), 'POST', '/api/v1/accounts', () => values($('f-inscription')),
  async (_, sent) => {
    // The account exists: sign in with it.
    const r = await api('POST', '/api/v1/auth/login', { email: sent.email, password: sent.password });
    if (r.ok) return signedIn(r.body.account, 'Votre compte client est créé, vous êtes connecté.', true);
    say('Votre compte client est créé : connectez-vous.');
    return show('connexion', true);
  });

submit($('f-invitation'), 'POST', '/api/v1/auth/activate',
  () => ({ token: invitation(), password: $('f-invitation').elements.password.value }),
  (d) => {
    history.replaceState(null, '', location.pathname);   // the token is spent
    signedIn(d.account, 'Votre mot de passe est enregistré, vous êtes connecté.', true);
  });

$('exporter').addEventListener('click', async () => {
  $('moncompte-erreur').hidden = true;
  const r = await api('GET', '/api/v1/me/export');
  if (!r.ok) {
    $('moncompte-erreur').textContent = r.status === 401 ? 'Votre session a expiré : reconnectez-vous.'
      : 'Le téléchargement n’a pas abouti : réessayez.';
    $('moncompte-erreur').hidden = false;
    return;
  }
  const blob = new Blob([JSON.stringify(r.body, null, 2)], { type: 'application/json' });
  const a = el('a');
  a.href = URL.createObjectURL(blob);
  a.download = 'essaim-export.json';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 60000);
  say('Vos données sont téléchargées (fichier essaim-export.json).');
});

$('deconnecter').addEventListener('click', async () => {
  const r = await api('POST', '/api/v1/auth/logout');
  if (!r.ok && r.status !== 401) {
    $('moncompte-erreur').textContent = 'La déconnexion n’a pas abouti : réessayez.';
    $('moncompte-erreur').hidden = false;
    return;
  }
  account = null;
  say('Vous êtes déconnecté.');
  show('connexion', true);
});

$('supprimer').addEventListener('click', () => {
  const f = $('f-suppression');
  f.hidden = !f.hidden;
  $('supprimer').setAttribute('aria-expanded', String(!f.hidden));
  clearErrors(f);
  f.reset();
  if (!f.hidden) f.elements.email.focus();
});

$('annuler-suppression').addEventListener('click', () => {
  $('f-suppression').hidden = true;
  $('supprimer').setAttribute('aria-expanded', 'false');
  $('supprimer').focus();
});

$('f-suppression').addEventListener('submit', async (e) => {
  e.preventDefault();
  const f = e.currentTarget;
  if (!account) return;
  if (f.elements.email.value.trim().toLowerCase() !== account.email.toLowerCase()) {
    return showErrors(f, { status: 400, body: { errors: [{ field: 'email',
      message: 'Ce n’est pas l’adresse de ce compte : rien n’est supprimé.' }] } });
  }
  if (!busy(f, true)) return;
  const r = await api('DELETE', '/api/v1/me');
  busy(f, false);
  if (!r.ok) return showErrors(f, r);
  account = null;
  f.reset();
  say('Votre compte et vos données sont supprimés.');
  show('connexion', true);
});

window.addEventListener('hashchange', () => start(true));
start(false);
