// map.js: the results on a map of France drawn from shipped data
// (data/france.geo.json, Natural Earth) with the vendored Leaflet: no tile
// server, nothing loaded from elsewhere. One numbered marker per listed
// result (data-id = the entrepreneur's id), a star for the searched place.

const L = window.L;
const METROPOLE = [[41.3, -5.2], [51.1, 9.6]];

function pin(className, text) {
  const span = document.createElement('span');
  span.textContent = text;
  return L.divIcon({ className, html: span, iconSize: [28, 28], iconAnchor: [14, 14],
    popupAnchor: [0, -14] });
}

export class SearchMap {
  constructor(node, onShow) {
    this.onShow = onShow;  // called with an id: "show it in the list"
    this.markers = new Map();
    this.map = L.map(node, { zoomSnap: 0.5, minZoom: 2, maxZoom: 13 });
    this.map.attributionControl.addAttribution('Contour&nbsp;: Natural Earth');
    this.map.fitBounds(METROPOLE);
    L.control.scale({ imperial: false }).addTo(this.map);
    this.layer = L.featureGroup().addTo(this.map);
    fetch('/data/france.geo.json').then((res) => res.json()).then((geo) => {
      L.geoJSON(geo, { interactive: false, style: { color: '#5e6b57', weight: 1,
        fillColor: '#f6f3ea', fillOpacity: 1 } }).addTo(this.map);
    });
  }

  clear(place, radiusKm) {
    this.layer.clearLayers();
    this.markers.clear();
    if (!place || place.lat == null) return;
    const name = `${place.name} (${place.departement})`;
    const m = L.marker([place.lat, place.lon], { icon: pin('pin pin-lieu', '★'),
      title: `Lieu recherché : ${name}`, zIndexOffset: -100 });
    m.bindTooltip(name, { permanent: true, direction: 'top', offset: [0, -14], className: 'etiquette' });
    this.layer.addLayer(m);
    m.getElement().setAttribute('aria-label', `Lieu recherché : ${name}`);
    if (radiusKm > 0) {
      this.layer.addLayer(L.circle([place.lat, place.lon], { radius: radiusKm * 1000,
        color: '#8a3b00', weight: 1, fill: false, dashArray: '4 4', interactive: false }));
    }
  }

  add(results, first) {
    results.forEach((r, i) => {
      const loc = r.location || {};
      if (loc.lat == null || loc.lon == null) return;
      const label = `${first + i}. ${r.name}`;
      const m = L.marker([loc.lat, loc.lon], { icon: pin('pin', String(first + i)), title: label,
        riseOnHover: true }).bindPopup(() => this.popup(r));
      this.layer.addLayer(m);
      m.getElement().dataset.id = r.id;
      m.getElement().setAttribute('aria-label', label);
      this.markers.set(r.id, m);
    });
  }

  popup(r) {
    const div = document.createElement('div');
    const name = document.createElement('strong');
    const text = document.createElement('p');
    const go = document.createElement('button');
    name.textContent = r.name;
    text.textContent = [r.headline, r.city].filter(Boolean).join(' · ');
    go.type = 'button';
    go.className = 'lien';
    go.textContent = 'Voir dans la liste';
    go.addEventListener('click', () => this.onShow(r.id));
    div.append(name, text, go);
    return div;
  }

  fit() {
    const bounds = this.layer.getBounds();
    if (bounds.isValid()) this.map.fitBounds(bounds, { padding: [28, 28], maxZoom: 11 });
    else this.map.fitBounds(METROPOLE);
  }

  open(id) {
    const m = this.markers.get(id);
    if (!m) return;
    this.map.getContainer().scrollIntoView({ block: 'nearest' });
    this.map.setView(m.getLatLng(), Math.max(this.map.getZoom(), 9));
    m.openPopup();
  }
}
