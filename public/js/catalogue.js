// catalogue.js: the public catalogue of a business or trade group
// (/catalogues/SLUG, served from catalogue.html): GET
// /api/v1/catalogues/SLUG, then the group's name and description, one
// block per active offer (title, price range and unit, trades,
// description, who delivers it and their cooperative, photos), the
// members and their cooperatives, and the area they cover: a map drawn
// from shipped data with the vendored Leaflet (members' places, their
// radius circles, their zones as rough circles), and the same as a list,
// which is what prints (catalogue.css: @media print). Links to the CSV
// and JSON exports; "Imprimer" prints. Everything is inserted as text.
import { el } from './session.js';

const $ = (id) => document.getElementById(id);
const L = window.L;
const METROPOLE = [[41.3, -5.2], [51.1, 9.6]];

const KIND = { trade_group: 'Groupe métier', business_group: 'Groupe de marque' };
const UNIT = { hour: 'de l’heure', day: 'la journée', package: 'le forfait' };

const slug = (() => {
  const m = /^\/catalogues\/([a-z0-9-]+)\/?$/.exec(location.pathname);
  return m ? m[1] : null;
})();

function say(text) { $('etat').textContent = text; }

const plural = (n, one, many) => `${n} ${n > 1 ? many : one}`;

function euros(n) {
  return n.toLocaleString('fr-FR', {
    style: 'currency', currency: 'EUR', minimumFractionDigits: Number.isInteger(n) ? 0 : 2, maximumFractionDigits: 2,
  });
}

// price: "de 35 € à 45 € de l’heure", "à partir de 900 € le forfait"...
function price(p) {
  if (!p || (p.min == null && p.max == null)) return 'Prix sur devis';
  const unit = p.unit ? ` ${UNIT[p.unit] || p.unit}` : '';
  if (p.min != null && p.max != null) {
    return p.min === p.max ? `${euros(p.min)}${unit}` : `De ${euros(p.min)} à ${euros(p.max)}${unit}`;
  }
  if (p.min != null) return `À partir de ${euros(p.min)}${unit}`;
  return `Jusqu’à ${euros(p.max)}${unit}`;
}

const who = (m) => `${m.name} (${m.cooperative.name})`;

function offerBlock(o) {
  const art = el('article', 'offre');
  art.id = `o-${o.id}`;
  const h = el('h3', 'offre-titre', o.title);
  h.id = `o-${o.id}-titre`;
  art.setAttribute('aria-labelledby', h.id);
  art.append(h, el('p', 'prix', price(o.price)));
  if (o.trades && o.trades.length) {
    const ul = el('ul', 'metiers');
    ul.setAttribute('aria-label', 'Métiers');
    for (const t of o.trades) {
      const li = el('li', null, t.label || t.code);
      if (t.scheme && t.scheme !== 'free') li.title = `${t.scheme.toUpperCase()} ${t.code}`;
      ul.append(li);
    }
    art.append(ul);
  }
  if (o.description) art.append(el('p', 'offre-description texte-long', o.description));
  if (o.delivered_by && o.delivered_by.length) {
    art.append(el('p', 'realise', `Réalisé par ${o.delivered_by.map(who).join(', ')}`));
  }
  if (o.photos && o.photos.length) {
    const div = el('div', 'photos');
    o.photos.forEach((p, i) => {
      const img = el('img');
      img.src = p.url;
      img.alt = o.photos.length > 1 ? `Photo ${i + 1} de l’offre « ${o.title} »` : `Photo de l’offre « ${o.title} »`;
      if (p.width && p.height) { img.width = p.width; img.height = p.height; }
      div.append(img);
    });
    art.append(div);
  }
  return art;
}

// area: how a member works: "dans un rayon de 25 km", "Seine-Maritime"...
function area(m, zoneNames) {
  const parts = [];
  const a = m.intervention || {};
  if (a.radius_km != null) parts.push(`dans un rayon de ${a.radius_km} km`);
  for (const z of a.zones || []) {
    if (z === 'FR') parts.push('dans toute la France');
    else parts.push(`en ${zoneNames.get(z) || z}`);
  }
  return parts.join(' et ');
}

function members(c, zoneNames) {
  $('membres-aucun').hidden = c.members.length > 0;
  $('membres-liste').replaceChildren(...c.members.map((m) => {
    const li = el('li', 'membre-catalogue');
    li.id = `m-${m.entrepreneur_id}`;
    li.append(el('strong', 'nom-membre', m.name));
    if (m.role === 'admin') li.append(' ', el('span', 'badge', 'administrateur du groupe'));
    li.append(el('span', 'cooperative', m.cooperative.name));
    const where = [m.city && `${m.city} (${m.departement})`, area(m, zoneNames)].filter(Boolean).join(', intervient ');
    li.append(el('span', 'lieu', where));
    return li;
  }));
  $('cooperatives-titre').hidden = c.cooperatives.length === 0;
  $('cooperatives-liste').replaceChildren(...c.cooperatives.map((k) => el('li', null,
    `${k.name} : ${plural(k.members, 'membre', 'membres')}`)));
}

// places: the area as a list (what prints instead of the map).
function places(c) {
  const items = [];
  for (const f of c.area.features) {
    const p = f.properties;
    if (p.kind === 'member') {
      items.push(el('li', 'lieu-membre', `${p.name} : ${p.city}${p.radius_km != null ? `, rayon de ${p.radius_km} km` : ''}`));
    } else {
      const names = (p.entrepreneur_ids || []).map((id) => (c.members.find((m) => m.entrepreneur_id === id) || {}).name).filter(Boolean);
      items.push(el('li', 'lieu-zone', `${p.name} (zone d’intervention${names.length ? ` de ${names.join(', ')}` : ''})`));
    }
  }
  if (c.area.nationwide) items.push(el('li', 'lieu-zone', 'Toute la France'));
  $('lieux').replaceChildren(...items);
  const cities = [...new Set(c.members.map((m) => m.city).filter(Boolean))];
  $('zone-resume').textContent = c.members.length
    ? `${plural(c.members.length, 'membre', 'membres')} de ${plural(c.cooperatives.length, 'coopérative', 'coopératives')}${cities.length ? `, autour de ${cities.join(', ')}` : ''}${c.area.nationwide ? ', et dans toute la France' : ''}.`
    : 'Les lieux des membres ne sont pas visibles publiquement.';
}

function pin(text) {
  const span = document.createElement('span');
  span.textContent = text;
  return L.divIcon({ className: 'pin', html: span, iconSize: [28, 28], iconAnchor: [14, 14] });
}

function drawMap(c) {
  if (!L) return;
  const map = L.map($('carte'), { zoomSnap: 0.5, minZoom: 2, maxZoom: 12, scrollWheelZoom: false });
  map.attributionControl.addAttribution('Contour&nbsp;: Natural Earth');
  map.fitBounds(METROPOLE);   // a view first: layers are added to a map that has one
  L.control.scale({ imperial: false }).addTo(map);
  const layer = L.featureGroup().addTo(map);
  c.area.features.forEach((f) => {
    const [lon, lat] = f.geometry.coordinates;
    const p = f.properties;
    if (p.kind === 'zone') {
      layer.addLayer(L.circle([lat, lon], {
        radius: p.radius_km * 1000, color: '#8a3b00', weight: 1, dashArray: '4 4', fillOpacity: 0.06, interactive: false,
      }));
      return;
    }
    if (p.radius_km) {
      layer.addLayer(L.circle([lat, lon], {
        radius: p.radius_km * 1000, color: '#0b5a48', weight: 1, fillOpacity: 0.12, interactive: false,
      }));
    }
    const n = c.members.findIndex((m) => m.entrepreneur_id === p.entrepreneur_id) + 1;
    const m = L.marker([lat, lon], { icon: pin(String(n || '•')), title: `${p.name}, ${p.city}` });
    m.bindTooltip(`${p.name} (${p.city})`, { direction: 'top', offset: [0, -14] });
    layer.addLayer(m);
    m.getElement().dataset.id = p.entrepreneur_id;
    m.getElement().setAttribute('aria-label', `${p.name}, ${p.city}`);
  });
  const bounds = layer.getBounds();
  if (bounds.isValid()) map.fitBounds(bounds, { padding: [16, 16], maxZoom: 10 });
  else map.fitBounds(METROPOLE);
  fetch('/data/france.geo.json').then((res) => res.json()).then((geo) => {
    L.geoJSON(geo, {
      interactive: false, style: { color: '#5e6b57', weight: 1, fillColor: '#f6f3ea', fillOpacity: 1 },
    }).addTo(map).bringToBack();
  });
}

function render(c) {
  const address = `${location.origin}/catalogues/${c.slug}`;
  document.title = `${c.name} · catalogue · essaim`;
  $('genre').textContent = KIND[c.kind] || '';
  $('titre').textContent = c.name;
  $('description').textContent = c.description || '';
  $('description').hidden = !c.description;
  $('adresse').href = address;
  $('adresse').textContent = address;
  $('mise-a-jour').textContent = c.updated_at
    ? `Mis à jour le ${new Date(c.updated_at).toLocaleDateString('fr-FR', { dateStyle: 'long' })}.` : '';
  $('export-csv').href = c.exports.csv;
  $('export-csv').setAttribute('download', `${c.slug}.csv`);
  $('export-json').href = c.exports.json;
  $('modifier').hidden = !c.can_edit;
  $('modifier').href = `/group.html#id=${encodeURIComponent(c.id)}`;

  const n = c.offers.length;
  $('offres-compte').textContent = n ? `${plural(n, 'offre', 'offres')}.` : '';
  $('offres-compte').hidden = !n;
  $('offres-aucune').hidden = n > 0;
  $('offres-liste').replaceChildren(...c.offers.map(offerBlock));

  const zoneNames = new Map(c.area.features.filter((f) => f.properties.kind === 'zone')
    .map((f) => [f.properties.zone, f.properties.name]));
  members(c, zoneNames);
  places(c);
  $('catalogue').hidden = false;
  drawMap(c);
}

async function load() {
  if (!slug) {
    say('');
    $('introuvable').hidden = false;
    return;
  }
  let res = null;
  let body = null;
  try {
    res = await fetch(`/api/v1/catalogues/${slug}`, { headers: { Accept: 'application/json' } });
    body = res.ok ? await res.json() : null;
  } catch {
    body = null;
  }
  if (!body) {
    say('');
    $('introuvable-texte').textContent = res && res.status === 404
      ? 'Ce catalogue n’existe pas (ou plus).'
      : 'Le catalogue n’a pas pu être chargé : rechargez la page.';
    $('introuvable').hidden = false;
    return;
  }
  render(body);
  say('');
  document.body.dataset.pret = '1';
}

$('imprimer').addEventListener('click', () => window.print());
load();
