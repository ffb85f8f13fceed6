// demand.js: the demand page. The query string holds the filters (trade,
// departement, from, to), so a view can be shared and reloaded. Calls
// GET /api/v1/stats/demand and shows its `months` as a bar chart drawn in
// SVG here (no library), the same figures in a table under it, the words
// of the searches without results, and the detail rows of `series`.
// Everything is inserted as text.
import { api, busy, clearErrors, el, showErrors } from './session.js';

const $ = (id) => document.getElementById(id);
const form = $('f-demande');
const FIELDS = ['trade', 'departement', 'from', 'to'];
const SVG = 'http://www.w3.org/2000/svg';
const DETAIL_MAX = 500;   // rows of the detail table
let seq = 0;

// The API words its errors in English: say them in French.
const FRENCH = [
  [/must be a month/, 'Indiquez un mois (AAAA-MM).'],
  [/must not be after to/, 'Le premier mois doit venir avant le dernier.'],
  [/must not exceed (\d+) months/, 'Au plus $1 mois à la fois.'],
  [/must be a département code/, 'Indiquez un numéro de département : 44, 2A, 974…'],
  [/must be a trade code/, 'Indiquez un code de métier ou son début : F16, rome:F1603, 43.22…'],
  [/at most (\d+) trades/, 'Au plus $1 codes de métier.'],
  [/too long/, 'Texte trop long.'],
];
const french = (message) => {
  for (const [re, fr] of FRENCH) {
    const m = re.exec(message || '');
    if (m) return fr.replace('$1', m[1]);
  }
  return message;
};

const number = (n) => n.toLocaleString('fr-FR');
const plural = (n, one, many) => `${number(n)} ${n > 1 ? many : one}`;
const monthDate = (m) => new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)) - 1, 1));
const monthLong = (m) => monthDate(m).toLocaleDateString('fr-FR', { month: 'long', year: 'numeric', timeZone: 'UTC' });
const monthShort = (m) => monthDate(m).toLocaleDateString('fr-FR', { month: 'short', year: '2-digit', timeZone: 'UTC' });

function svg(tag, attrs, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  if (text != null) e.textContent = text;
  return e;
}

// step: a round step for about five grid lines up to max (integers).
function step(max) {
  const raw = Math.max(1, max / 5);
  const mag = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((k) => k * mag).find((s) => s >= raw);
}

// chart: the bar chart of months, two bars a month, drawn at the width
// of its box (so that its text stays legible on a phone).
function chart(months, summary) {
  const W = Math.round(Math.min(760, Math.max(300, $('graphe').clientWidth || 760)));
  const H = 300;
  const M = { top: 18, right: 10, bottom: 40, left: 48 };
  const ph = H - M.top - M.bottom;
  const pw = W - M.left - M.right;
  const max = Math.max(0, ...months.flatMap((m) => [m.requests, m.searches_empty]));
  const s = step(max);
  const top = Math.max(s, Math.ceil(max / s) * s);
  const y = (v) => M.top + ph - (v / top) * ph;
  const root = svg('svg', {
    viewBox: `0 0 ${W} ${H}`, class: 'graphe', role: 'img', 'aria-labelledby': 'graphe-titre-svg graphe-resume',
  });
  root.append(svg('title', { id: 'graphe-titre-svg' }, 'Demandes de clients et recherches sans résultat, par mois'));
  root.append(svg('desc', { id: 'graphe-resume' }, summary));
  const defs = svg('defs');
  const pattern = svg('pattern', { id: 'hachures', width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' });
  pattern.append(svg('rect', { class: 'hachure-fond', width: 6, height: 6 }));
  pattern.append(svg('line', { class: 'hachure-trait', x1: 0, y1: 0, x2: 0, y2: 6 }));
  defs.append(pattern);
  root.append(defs);
  for (let v = 0; v <= top; v += s) {
    root.append(svg('line', { class: v ? 'grille' : 'axe', x1: M.left, x2: W - M.right, y1: y(v), y2: y(v) }));
    root.append(svg('text', { x: M.left - 6, y: y(v) + 4, 'text-anchor': 'end' }, number(v)));
  }
  const band = pw / Math.max(1, months.length);
  const bw = Math.max(2, Math.min(22, band * 0.36));
  const every = Math.max(1, Math.ceil((months.length * 52) / pw));   // a month label every `every` months
  months.forEach((m, i) => {
    const cx = M.left + band * i + band / 2;
    const bars = [
      ['barre-demandes', m.requests, cx - bw - 1, plural(m.requests, 'demande', 'demandes')],
      ['barre-recherches', m.searches_empty, cx + 1, plural(m.searches_empty, 'recherche sans résultat', 'recherches sans résultat')],
    ];
    for (const [cls, v, x, what] of bars) {
      if (!v) continue;
      const rect = svg('rect', { class: cls, x, y: y(v), width: bw, height: Math.max(1, y(0) - y(v)) });
      rect.append(svg('title', null, `${monthLong(m.month)} : ${what}`));
      root.append(rect);
      if (band >= 30) {
        root.append(svg('text', { class: 'valeur', x: x + bw / 2, y: y(v) - 3, 'text-anchor': 'middle' }, number(v)));
      }
    }
    if (i % every === 0) {
      root.append(svg('text', { x: cx, y: H - M.bottom + 18, 'text-anchor': 'middle' }, monthShort(m.month)));
    }
  });
  return root;
}

function cell(tag, text, className) {
  const c = el(tag, className, text);
  if (tag === 'th') c.scope = 'row';
  return c;
}

function tables(body) {
  const rows = body.months.map((m) => {
    const tr = el('tr');
    tr.append(cell('th', monthLong(m.month)), cell('td', number(m.requests), 'n'),
      cell('td', number(m.searches_empty), 'n'), cell('td', number(m.tenders), 'n'));
    return tr;
  });
  $('table-mois').tBodies[0].replaceChildren(...rows);
  const total = el('tr');
  total.append(cell('th', 'Total'), cell('td', number(body.totals.requests), 'n'),
    cell('td', number(body.totals.searches_empty), 'n'), cell('td', number(body.totals.tenders), 'n'));
  $('table-mois').tFoot.replaceChildren(total);

  const detail = body.series.slice(0, DETAIL_MAX).map((r) => {
    const tr = el('tr');
    const trade = r.trade ? (r.trade_label ? `${r.trade_label} (${r.trade})` : r.trade) : 'non précisé';
    tr.append(cell('td', monthLong(r.month)), cell('td', r.departement || 'inconnu'), cell('td', trade),
      cell('td', number(r.requests), 'n'), cell('td', number(r.searches_empty), 'n'));
    return tr;
  });
  $('table-detail').tBodies[0].replaceChildren(...detail);
  const n = body.series.length;
  $('detail-compte').textContent = n > DETAIL_MAX || body.truncated
    ? `Les ${number(Math.min(n, DETAIL_MAX))} premières lignes : précisez les filtres pour voir le reste.`
    : plural(n, 'ligne', 'lignes');
}

function words(body) {
  const items = body.words.map((w) => {
    const li = el('li');
    li.append(el('span', 'mot', w.words), el('span', 'n', `× ${number(w.n)}`));
    return li;
  });
  $('mots').replaceChildren(...items);
  $('mots').hidden = !items.length;
  $('mots-vide').hidden = items.length > 0;
}

function params() {
  const p = new URLSearchParams();
  for (const f of FIELDS) {
    const v = form.elements[f].value.trim();
    if (v) p.set(f, v);
  }
  return p;
}

async function load(p, push) {
  const mine = ++seq;
  busy(form, true);
  $('etat').textContent = 'Chargement…';
  const r = await api('GET', `/api/v1/stats/demand${p.toString() ? `?${p}` : ''}`);
  if (mine !== seq) return;
  busy(form, false);
  if (!r.ok) {
    $('etat').textContent = '';
    if (r.body && r.body.errors) {
      for (const e of r.body.errors) e.message = french(e.message);
    }
    showErrors(form, r);
    return;
  }
  clearErrors(form);
  if (push) history.replaceState(null, '', p.toString() ? `?${p}` : location.pathname);
  const b = r.body;
  const where = [p.get('trade') ? `métier ${p.get('trade')}` : '', p.get('departement') ? `département ${p.get('departement')}` : '']
    .filter(Boolean).join(', ');
  const summary = `De ${monthLong(b.from)} à ${monthLong(b.to)}${where ? ` (${where})` : ''} : `
    + `${plural(b.totals.requests, 'demande de client', 'demandes de clients')}, `
    + `${plural(b.totals.searches_empty, 'recherche sans résultat', 'recherches sans résultat')}.`;
  $('etat').textContent = summary;
  $('resultat').hidden = false;
  shown = { months: b.months, summary };
  $('graphe').replaceChildren(chart(b.months, summary));
  tables(b);
  words(b);
}

// A new width redraws the chart (once the resizing stops).
let shown = null;
let redraw = 0;
window.addEventListener('resize', () => {
  clearTimeout(redraw);
  redraw = setTimeout(() => {
    if (shown) $('graphe').replaceChildren(chart(shown.months, shown.summary));
  }, 150);
});

form.addEventListener('submit', (e) => {
  e.preventDefault();
  load(params(), true);
});

const start = new URLSearchParams(location.search);
for (const f of FIELDS) {
  if (start.get(f)) form.elements[f].value = start.get(f);
}
load(params(), false);
