// make-france.mjs: write public/data/france.geo.json, the outline of France
// that the search page draws under its markers (no tile server).
//
// Source: Natural Earth 1:10m Admin 0 countries (public domain), as
// TopoJSON in the npm package world-atlas 2.0.2 (ISC). Keeps France (ISO
// 3166 numeric 250): metropolitan France with Corsica and the five
// overseas départements; simplifies with Douglas-Peucker (tolerance
// 0.005°, about 500 m) and rounds to 0.001° (about 100 m). Run from the
// repository root:
//
//   cd /tmp && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
//   node tests/pages/make-france.mjs /tmp/package/countries-10m.json \
//       > public/data/france.geo.json
import { readFileSync } from 'node:fs';

const EPSILON = 0.005;     // simplification tolerance, degrees
const MIN_POINTS = 4;      // drop rings smaller than this after simplifying
const REGIONS = [          // name, [west, south, east, north]
  ['Métropole', [-6, 41, 10, 52]],
  ['Guadeloupe', [-62, 15.8, -61, 16.6]],
  ['Martinique', [-61.3, 14.3, -60.8, 14.95]],
  ['Guyane', [-55, 2, -51, 6]],
  ['La Réunion', [55, -21.5, 56, -20.8]],
  ['Mayotte', [45, -13.1, 45.4, -12.6]],
];

const topo = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const [sx, sy] = topo.transform.scale;
const [tx, ty] = topo.transform.translate;

// Arcs are delta-encoded, quantized positions.
const arcs = topo.arcs.map((arc) => {
  let x = 0, y = 0;
  return arc.map(([dx, dy]) => [(x += dx) * sx + tx, (y += dy) * sy + ty]);
});

function ring(indices) {
  const points = [];
  for (const i of indices) {
    const arc = i < 0 ? arcs[~i].slice().reverse() : arcs[i];
    points.push(...(points.length ? arc.slice(1) : arc));
  }
  return points;
}

function distance(p, a, b) {   // from p to the segment ab, in degrees
  const dx = b[0] - a[0], dy = b[1] - a[1];
  const len = dx * dx + dy * dy;
  let t = len ? ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len : 0;
  t = Math.max(0, Math.min(1, t));
  return Math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy);
}

function simplify(points) {    // Douglas-Peucker, iterative
  const keep = new Uint8Array(points.length);
  keep[0] = keep[points.length - 1] = 1;
  const stack = [[0, points.length - 1]];
  while (stack.length) {
    const [first, last] = stack.pop();
    let worst = 0, at = -1;
    for (let i = first + 1; i < last; i++) {
      const d = distance(points[i], points[first], points[last]);
      if (d > worst) { worst = d; at = i; }
    }
    if (worst > EPSILON) { keep[at] = 1; stack.push([first, at], [at, last]); }
  }
  return points.filter((_, i) => keep[i]);
}

const round = (v) => Math.round(v * 1000) / 1000;

function regionOf(points) {
  const lon = points.reduce((s, p) => s + p[0], 0) / points.length;
  const lat = points.reduce((s, p) => s + p[1], 0) / points.length;
  const hit = REGIONS.find(([, [w, s, e, n]]) =>
    lon >= w && lon <= e && lat >= s && lat <= n);
  return hit ? hit[0] : null;
}

const france = topo.objects.countries.geometries.find((g) => g.id === '250');
const polygons = france.type === 'Polygon' ? [france.arcs] : france.arcs;
const byRegion = new Map(REGIONS.map(([name]) => [name, []]));
for (const polygon of polygons) {
  const rings = polygon.map((r) => simplify(ring(r))
    .map(([x, y]) => [round(x), round(y)]))
    .filter((r) => r.length >= MIN_POINTS);
  if (!rings.length) continue;
  const region = regionOf(rings[0]);
  if (region) byRegion.get(region).push(rings);
}

const features = [...byRegion].filter(([, polys]) => polys.length)
  .map(([name, polys]) => ({
    type: 'Feature',
    properties: { name },
    geometry: { type: 'MultiPolygon', coordinates: polys },
  }));
process.stdout.write(JSON.stringify({
  type: 'FeatureCollection',
  source: 'Natural Earth 1:10m Admin 0 countries (public domain), via world-atlas 2.0.2',
  features,
}) + '\n');
