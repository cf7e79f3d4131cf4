// Time series as SVG lines (one per dyad or country), or stacked quad-class bars.
import { clear, el, svg } from "./dom.js";

const W = 640, H = 260, M = { l: 44, r: 10, t: 10, b: 28 };
const COLORS = ["#2b6cb0", "#c53030", "#2f855a", "#b7791f", "#6b46c1", "#319795", "#d53f8c", "#4a5568"];
const QUADS = [["quad_1", "verbal coop.", "#68d391"], ["quad_2", "material coop.", "#2f855a"],
               ["quad_3", "verbal conflict", "#f6ad55"], ["quad_4", "material conflict", "#c53030"]];

function scale(d0, d1, r0, r1) {
  const span = d1 - d0 || 1;
  return (v) => r0 + ((v - d0) / span) * (r1 - r0);
}

function axes(node, periods, y0, y1, x, y) {
  node.append(svg("line", { x1: M.l, x2: W - M.r, y1: y(0 < y0 ? y0 : Math.min(0, y1) || 0), y2: y(0 < y0 ? y0 : Math.min(0, y1) || 0), class: "axis" }));
  node.append(svg("line", { x1: M.l, x2: M.l, y1: M.t, y2: H - M.b, class: "axis" }));
  for (const v of [y0, (y0 + y1) / 2, y1]) {
    node.append(svg("text", { x: M.l - 4, y: y(v) + 3, "text-anchor": "end" }, Number(v.toFixed(2))));
  }
  const step = Math.max(1, Math.ceil(periods.length / 6));
  periods.forEach((p, i) => {
    if (i % step === 0) node.append(svg("text", { x: x(i), y: H - M.b + 14, "text-anchor": "middle" }, p.slice(0, 10)));
  });
}

function key(row, unit) {
  return unit === "dyad" ? `${row.source}→${row.target}` : row.country;
}

export function drawSeries(node, legend, data, metric) {
  clear(node); clear(legend);
  const rows = data.rows || [];
  if (!rows.length) {
    node.append(svg("text", { x: W / 2, y: H / 2, "text-anchor": "middle" }, "no events for these filters"));
    return;
  }
  const periods = [...new Set(rows.map((r) => r.period))].sort();
  const x = periods.length === 1 ? () => (M.l + W - M.r) / 2 : scale(0, periods.length - 1, M.l + 8, W - M.r - 8);
  if (metric === "quad") return drawQuads(node, legend, rows, periods, x);
  const groups = new Map();
  for (const r of rows) {
    const k = key(r, data.unit);
    if (!groups.has(k)) groups.set(k, new Map());
    groups.get(k).set(r.period, r[metric] ?? 0);
  }
  const ranked = [...groups.entries()].sort((a, b) => sum(b[1]) - sum(a[1])).slice(0, 8);
  const values = ranked.flatMap(([, m]) => [...m.values()]);
  const y0 = Math.min(0, ...values), y1 = Math.max(0, ...values) || 1;
  const y = scale(y0, y1, H - M.b, M.t);
  axes(node, periods, y0, y1, x, y);
  ranked.forEach(([name, byPeriod], i) => {
    const pts = periods.map((p, j) => `${x(j).toFixed(1)},${y(byPeriod.get(p) ?? 0).toFixed(1)}`);
    node.append(svg("polyline", { points: pts.join(" "), class: "line", stroke: COLORS[i % COLORS.length], "data-key": name }));
    periods.forEach((p, j) => {
      const dot = svg("circle", { cx: x(j).toFixed(1), cy: y(byPeriod.get(p) ?? 0).toFixed(1), r: 2.5, fill: COLORS[i % COLORS.length] });
      dot.append(svg("title", {}, `${name} ${p.slice(0, 10)}: ${byPeriod.get(p) ?? 0}`));
      node.append(dot);
    });
    legend.append(el("span", {}, el("i", { style: `background:${COLORS[i % COLORS.length]}` }), name));
  });
}

function sum(m) {
  let s = 0;
  for (const v of m.values()) s += Math.abs(v || 0);
  return s;
}

function drawQuads(node, legend, rows, periods, x) {
  const totals = periods.map((p) => QUADS.map(([k]) => rows.filter((r) => r.period === p).reduce((s, r) => s + (r[k] || 0), 0)));
  const top = Math.max(1, ...totals.map((t) => t.reduce((a, b) => a + b, 0)));
  const y = scale(0, top, H - M.b, M.t);
  axes(node, periods, 0, top, x, y);
  const bw = Math.max(3, Math.min(30, (W - M.l - M.r) / periods.length - 4));
  totals.forEach((counts, i) => {
    let base = 0;
    counts.forEach((n, q) => {
      if (!n) return;
      const bar = svg("rect", { x: (x(i) - bw / 2).toFixed(1), y: y(base + n).toFixed(1), width: bw.toFixed(1),
        height: (y(base) - y(base + n)).toFixed(1), fill: QUADS[q][2] });
      bar.append(svg("title", {}, `${periods[i].slice(0, 10)} ${QUADS[q][1]}: ${n}`));
      node.append(bar);
      base += n;
    });
  });
  for (const [, label, color] of QUADS) legend.append(el("span", {}, el("i", { style: `background:${color}` }), label));
}
