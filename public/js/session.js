// session.js: what the pages share about the person signed in. The
// session is the HttpOnly cookie essaim_session; the readable cookie
// essaim_csrf goes back in X-CSRF-Token on every request that changes
// something (without it the server treats the request as anonymous).
// Nothing is kept in localStorage. The API words its errors in English:
// french() says them in French. On a page with a #lien-compte link, the
// link reads "Mon compte" once the session is confirmed; elements marked
// data-roles show to those roles only.

// csrf: the value of the essaim_csrf cookie, '' when signed out.
export function csrf() {
  const c = document.cookie.split('; ').find((x) => x.startsWith('essaim_csrf='));
  return c ? decodeURIComponent(c.slice('essaim_csrf='.length)) : '';
}

// api: one call to the JSON API. Resolves to {ok, status, body, retry}
// (body: the parsed JSON, or null; retry: Retry-After in seconds); a
// network failure resolves to status 0.
export async function api(method, path, data) {
  const headers = { Accept: 'application/json' };
  const init = { method, headers, credentials: 'same-origin' };
  if (method !== 'GET' && method !== 'HEAD') {
    const token = csrf();
    if (token) headers['X-CSRF-Token'] = token;
  }
  if (data !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(data);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch {
    return { ok: false, status: 0, body: null, retry: 0 };
  }
  let body = null;
  if (res.status !== 204) {
    try { body = await res.json(); } catch { body = null; }
  }
  return { ok: res.ok, status: res.status, body, retry: Number(res.headers.get('Retry-After')) || 0 };
}

// me: the account signed in, or null. Without the essaim_csrf cookie
// nobody is signed in: no request (and no 401 in the console).
export async function me() {
  if (!csrf()) return null;
  const r = await api('GET', '/api/v1/me');
  return r.ok ? r.body : null;
}

export const ROLES = {
  client: 'client',
  entrepreneur: 'entrepreneur',
  staff: 'équipe de la coopérative',
  admin: 'administrateur du site',
  peer: 'instance partenaire',
};

const FRENCH = [
  // Client requests and the providers' answers (request.html, inbox.html).
  [/is required: unavailable/, 'Choisissez une raison, ou écrivez la vôtre.'],
  [/several communes are named ([^:]+):/, 'Plusieurs communes s’appellent « $1 » : choisissez la vôtre dans la liste, ou indiquez son code postal.'],
  [/unknown commune (.*)/, 'Commune inconnue : « $1 ». Choisissez-la dans la liste.'],
  [/needs insee, postcode, city/, 'Indiquez une commune.'],
  [/must not be in the past/, 'Cette date est déjà passée.'],
  [/must be a date/, 'Indiquez une date (JJ/MM/AAAA).'],
  [/euros/, 'Indiquez un montant en euros (un nombre positif).'],
  [/must be a number/, 'Indiquez un nombre.'],
  [/must be between/, 'Ce nombre est hors des limites permises.'],
  [/trades or words/, 'Indiquez au plus 20 métiers ou compétences.'],
  [/cannot go from \w+ to \w+ \(the request is closed\)/, 'Cette demande est close : elle n’attend plus de réponse.'],
  [/cannot go from declined/, 'Vous avez décliné cette demande : vous ne pouvez plus y répondre autrement.'],
  [/cannot go from/, 'Cette réponse n’est plus possible à ce stade de la demande.'],
  [/the request is already won/, 'Cette demande est déjà attribuée.'],
  [/the request is already cancelled/, 'Cette demande est déjà annulée.'],
  [/the request is already/, 'Cette demande est déjà close.'],
  [/providers matched to the request/, 'Choisissez un des entrepreneurs proposés pour cette demande.'],
  [/was not told of this request/, 'Cette demande ne vous a pas été transmise.'],
  [/is unknown or already used/, 'Ce lien de confirmation est inconnu ou a déjà servi.'],
  [/the email or the password is wrong/, 'L’adresse e-mail ou le mot de passe est incorrect.'],
  [/^is required/, 'À remplir.'],
  [/must be an email address/, 'Indiquez une adresse e-mail valide (nom@exemple.fr).'],
  [/must have (\d+) to \d+ characters/, 'Le mot de passe doit compter au moins $1 caractères.'],
  [/is unknown, used or expired/, 'Cette invitation est inconnue, déjà utilisée ou expirée : demandez-en une nouvelle à votre coopérative.'],
  [/must be at most (\d+) characters|is too long/, 'Texte trop long.'],
  [/must not be empty/, 'À remplir.'],
  [/control characters|NUL character/, 'Caractères non permis.'],
  [/^sign in first/, 'Connectez-vous d’abord.'],
  [/too many attempts/, 'Trop de tentatives.'],
  [/X-CSRF-Token/, 'Votre session n’a pas été reconnue : rechargez la page.'],
  [/not allowed for this account/, 'Votre compte ne permet pas cette action.'],
  [/the request has invalid fields/, 'Vérifiez les champs signalés.'],
  [/conflicts with a record/, 'Cette demande entre en conflit avec un compte existant.'],
  [/no such resource/, 'Introuvable.'],
  [/database is busy/, 'Le serveur est occupé : réessayez dans un instant.'],
  [/internal error/, 'Erreur du serveur : rien n’a été modifié.'],
];

// french: an API message in French (as is when unknown). An "already has
// an account" depends on the field.
export function french(message, field) {
  if (/already has an account/.test(message)) {
    return field === 'entrepreneur_id' ? 'Cet entrepreneur a déjà un compte.'
      : 'Cette adresse e-mail a déjà un compte.';
  }
  for (const [re, fr] of FRENCH) {
    const m = re.exec(message || '');
    if (m) return fr.replace('$1', m[1]);
  }
  return message || '';
}

// clearErrors, showErrors: the messages of a problem+json answer, each
// next to its field (the <p class="erreur"> named by the field's
// aria-describedby, id FIELD-ID-erreur), the rest in the form's general
// box (#FORM-ID-erreur). The first field in error takes the focus.
export function clearErrors(form) {
  for (const e of form.querySelectorAll('.erreur')) { e.textContent = ''; e.hidden = true; }
  for (const e of form.querySelectorAll('[aria-invalid]')) e.removeAttribute('aria-invalid');
}

export function showErrors(form, r) {
  const general = document.getElementById(`${form.id}-erreur`);
  const say = (box, text) => {
    box.textContent = box.textContent ? `${box.textContent} ${text}` : text;
    box.hidden = false;
  };
  clearErrors(form);
  let first = null;
  for (const { field, message } of (r.body && r.body.errors) || []) {
    const input = form.elements[field];
    const own = input && input.id && document.getElementById(`${input.id}-erreur`);
    if (own) {
      say(own, french(message, field));
      input.setAttribute('aria-invalid', 'true');
      first = first || input;
    } else {
      say(general, french(message, field));
    }
  }
  if (r.status === 429) {
    const min = Math.max(1, Math.ceil(r.retry / 60));
    say(general, `Trop de tentatives : réessayez dans ${min} minute${min > 1 ? 's' : ''}.`);
  } else if (r.status === 0) {
    say(general, 'Le serveur ne répond pas : vérifiez votre connexion et réessayez.');
  } else if (!first && general.hidden) {
    say(general, french((r.body && (r.body.detail || r.body.title)) || `Erreur ${r.status}.`));
  }
  if (first) first.focus();
}

// busy: mark a form busy while its request runs (buttons stay enabled,
// so the focus stays; a second submit is ignored). Returns false when it
// was busy already.
export function busy(form, on) {
  if (on && form.getAttribute('aria-busy') === 'true') return false;
  form.setAttribute('aria-busy', String(on));
  return true;
}

export function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text != null) e.textContent = text;
  return e;
}

export const date = (iso, time = true) => (iso
  ? new Date(iso).toLocaleString('fr-FR', time ? { dateStyle: 'short', timeStyle: 'short' } : { dateStyle: 'long' })
  : '');

const link = document.getElementById('lien-compte');
if (link) {
  me().then((a) => {
    if (a) {
      link.textContent = 'Mon compte';
      link.title = a.email;
    }
  });
}

// Elements marked data-roles="entrepreneur" (roles, space-separated),
// hidden at first, show to those roles only: links to the pages of a
// role. In a <section> that the page shows and hides (account.html), they
// are checked again each time it shows.
const byRole = [...document.querySelectorAll('[data-roles]')];
if (byRole.length) {
  const update = () => me().then((a) => {
    for (const e of byRole) e.hidden = !a || !e.dataset.roles.split(' ').includes(a.role);
  });
  for (const section of new Set(byRole.map((e) => e.closest('section')).filter(Boolean))) {
    new MutationObserver(() => { if (!section.hidden) update(); })
      .observe(section, { attributes: true, attributeFilter: ['hidden'] });
  }
  update();
}
