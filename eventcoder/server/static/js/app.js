// The dashboard: filters drive the map, the series, the table and the export link.
import { filterParams, getJson, postJson } from "./api.js";
import { $, el } from "./dom.js";
import { drawMap, loadWorld } from "./map.js";
import { drawSeries } from "./chart.js";
import { drawTable } from "./table.js";
import { correctionPayload, renderEvent } from "./event.js";

const view = { sort: "-date", page: 1, pageSize: 25, eventId: null, pages: 1 };
const form = $("#filters");

function setStatus(node, text, isError) {
  node.textContent = text;
  node.className = isError ? "error" : "";
}

async function loadStats() {
  const [health, stats] = await Promise.all([getJson("/health"), getJson("/stats")]);
  $("#store-info").textContent = `${health.store} · ${stats.tables.events} events from ${stats.tables.articles} articles`;
  const mode = $("#mode");
  mode.textContent = health.read_only ? "read-only" : "corrections enabled";
  mode.className = health.read_only ? "badge ro" : "badge";
  const plover = form.elements.plover;
  for (const row of stats.plover_types) {
    if (row.plover_type) plover.append(el("option", { value: row.plover_type, text: `${row.plover_type} (${row.events})` }));
  }
  for (let r = 1; r <= 20; r++) {
    const code = String(r).padStart(2, "0");
    form.elements.root.append(el("option", { value: code, text: code }));
  }
}

function seriesParams(params) {
  const p = new URLSearchParams(params);
  const source = params.get("source"), target = params.get("target");
  p.set("by", $("#series-by").value);
  if (source && target) {
    p.set("unit", "dyad"); p.set("dyad_source", source.toUpperCase()); p.set("dyad_target", target.toUpperCase());
    $("#series-title").textContent = `dyad ${source.toUpperCase()} → ${target.toUpperCase()}`;
  } else {
    p.set("unit", "country");
    const country = params.get("country") || source || target;
    if (country && /^[A-Za-z]{3}$/.test(country)) p.set("only", country.toUpperCase());
    $("#series-title").textContent = country ? `country ${country.toUpperCase()}` : "countries (most active)";
  }
  return p;
}

async function refreshSeries(params) {
  const data = await getJson("/series", seriesParams(params));
  drawSeries($("#series"), $("#series-legend"), data, $("#series-metric").value);
}

async function refreshMap(params) {
  await loadWorld();
  const data = await getJson("/map", params);
  drawMap($("#map"), data);
  $("#map-note").textContent = `${data.points.length} places; ${data.unplaced} events without a place`;
}

async function refreshTable(params) {
  const p = new URLSearchParams(params);
  p.set("sort", view.sort); p.set("page", view.page); p.set("page_size", view.pageSize);
  const data = await getJson("/events", p);
  view.pages = Math.max(1, data.pages);
  drawTable($("#events tbody"), data.items, openEvent);
  $("#table-count").textContent = `${data.total} event${data.total === 1 ? "" : "s"}`;
  $("#page").textContent = `page ${data.page} of ${view.pages}`;
  for (const th of document.querySelectorAll("#events th[data-sort]")) {
    const key = th.dataset.sort;
    th.classList.toggle("sorted", view.sort.replace("-", "") === key);
    th.classList.toggle("asc", view.sort === key);
  }
}

function updateExport(params) {
  const p = new URLSearchParams(params);
  p.set("format", $("#export-format").value);
  $("#export").setAttribute("href", `/export?${p}`);
}

async function refresh() {
  const params = filterParams(form);
  updateExport(params);
  const results = await Promise.allSettled([refreshMap(params), refreshSeries(params), refreshTable(params)]);
  const failed = results.find((r) => r.status === "rejected");
  document.body.dataset.ready = failed ? "error" : "yes";
  if (failed) $("#table-count").textContent = `error: ${failed.reason.message}`;
}

async function openEvent(eventId) {
  view.eventId = eventId;
  const detail = await getJson(`/events/${encodeURIComponent(eventId)}`);
  const article = await getJson(`/articles/${encodeURIComponent(detail.event.article_id)}`);
  const panel = $("#event-panel");
  panel.hidden = false;
  renderEvent(panel, detail, article);
  setStatus($("#correct-status"), "", false);
  panel.dataset.eventId = eventId;
  panel.scrollIntoView({ block: "start" });
  history.replaceState(null, "", `#event=${encodeURIComponent(eventId)}`);
}

async function submitCorrection(ev) {
  ev.preventDefault();
  const f = ev.target;
  const token = (new FormData(f).get("token") || "").toString().trim();
  if (token) sessionStorage.setItem("eventcoder-token", token);
  localStorage.setItem("eventcoder-author", (new FormData(f).get("author") || "").toString());
  try {
    const saved = await postJson(`/events/${encodeURIComponent(view.eventId)}/corrections`, correctionPayload(f), token);
    setStatus($("#correct-status"), `saved: ${saved.action} by ${saved.author}`, false);
    await openEvent(view.eventId);
    setStatus($("#correct-status"), `saved: ${saved.action} by ${saved.author}`, false);
    await refreshTable(filterParams(form));
  } catch (err) {
    setStatus($("#correct-status"), `not saved: ${err.message}`, true);
  }
}

function wire() {
  form.addEventListener("submit", (ev) => { ev.preventDefault(); view.page = 1; refresh(); });
  $("#reset").addEventListener("click", () => { form.reset(); view.page = 1; refresh(); });
  $("#export-format").addEventListener("change", () => updateExport(filterParams(form)));
  $("#series-metric").addEventListener("change", () => refreshSeries(filterParams(form)));
  $("#series-by").addEventListener("change", () => refreshSeries(filterParams(form)));
  $("#prev").addEventListener("click", () => { if (view.page > 1) { view.page--; refreshTable(filterParams(form)); } });
  $("#next").addEventListener("click", () => { if (view.page < view.pages) { view.page++; refreshTable(filterParams(form)); } });
  for (const th of document.querySelectorAll("#events th[data-sort]")) {
    th.addEventListener("click", () => {
      const key = th.dataset.sort;
      view.sort = view.sort === `-${key}` ? key : `-${key}`;
      refreshTable(filterParams(form));
    });
  }
  $("#close-event").addEventListener("click", () => { $("#event-panel").hidden = true; history.replaceState(null, "", "#"); });
  const correct = $("#correct");
  correct.addEventListener("submit", submitCorrection);
  correct.elements.author.value = localStorage.getItem("eventcoder-author") || "";
  correct.elements.token.value = sessionStorage.getItem("eventcoder-token") || "";
}

async function main() {
  wire();
  await loadStats().catch((err) => { $("#store-info").textContent = `error: ${err.message}`; });
  await refresh();
  await openFromHash();
  window.addEventListener("hashchange", openFromHash);
}

async function openFromHash() {
  const match = /^#event=([A-Za-z0-9_-]+)$/.exec(location.hash);
  if (match && match[1] !== view.eventId) await openEvent(match[1]).catch(() => {});
}

main();
