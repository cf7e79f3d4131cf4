// The map: Natural Earth country outlines (world-atlas, bundled) in an equirectangular
// projection, countries shaded by how many events involve them, circles at event places.
import { clear, svg } from "./dom.js";

const W = 960, H = 480;
let world = null;

function project([lon, lat]) {
  return [((lon + 180) / 360) * W, ((90 - lat) / 180) * H];
}

function ringPath(ring) {
  let d = "", prev = null;
  for (const point of ring) {
    const [x, y] = project(point);
    // A jump across the antimeridian starts a new subpath instead of a line across the map.
    d += prev !== null && Math.abs(point[0] - prev) > 180 ? `M${x.toFixed(1)},${y.toFixed(1)}` : `${d ? "L" : "M"}${x.toFixed(1)},${y.toFixed(1)}`;
    prev = point[0];
  }
  return d + "Z";
}

function geometryPath(geometry) {
  if (!geometry) return "";
  const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.type === "MultiPolygon" ? geometry.coordinates : [];
  return polygons.map((rings) => rings.map(ringPath).join("")).join("");
}

export async function loadWorld() {
  if (world) return world;
  const [topology, iso3] = await Promise.all([
    fetch("/static/vendor/world-atlas/countries-110m.json").then((r) => r.json()),
    fetch("/static/vendor/world-atlas/iso3.json").then((r) => r.json()),
  ]);
  const features = window.topojson.feature(topology, topology.objects.countries).features;
  world = features.map((f) => ({ id: iso3[f.id] || null, name: f.properties.name, d: geometryPath(f.geometry) }));
  return world;
}

export function drawMap(node, data) {
  clear(node);
  const counts = new Map((data.countries || []).map((c) => [c.country, c.events]));
  const max = Math.max(1, ...counts.values());
  const land = svg("g", { class: "countries" });
  for (const country of world || []) {
    const n = counts.get(country.id) || 0;
    const path = svg("path", { d: country.d, class: n ? "land has" : "land", "data-iso3": country.id || "" });
    if (n) path.style.fill = `rgba(49, 130, 206, ${(0.15 + 0.75 * n / max).toFixed(2)})`;
    path.append(svg("title", {}, `${country.name}: ${n} event${n === 1 ? "" : "s"}`));
    land.append(path);
  }
  node.append(land);
  const points = svg("g", { class: "points" });
  const top = Math.max(1, ...(data.points || []).map((p) => p.events));
  for (const p of data.points || []) {
    const [x, y] = project([p.lon, p.lat]);
    const c = svg("circle", { cx: x.toFixed(1), cy: y.toFixed(1), r: (3 + 9 * Math.sqrt(p.events / top)).toFixed(1), class: "point" });
    c.append(svg("title", {}, `${p.name || "?"} (${p.country || "?"}): ${p.events} event${p.events === 1 ? "" : "s"}`));
    points.append(c);
  }
  node.append(points);
}
