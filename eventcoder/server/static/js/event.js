// The event view: the article with the event's source, target and trigger highlighted (built
// from text nodes and <mark> elements, never HTML), its coding, history and correction form.
import { clear, el, safeUrl } from "./dom.js";

const ROLE_CLASS = { source: "src", target: "tgt", trigger: "evt" };
const FIELDS = [["source_code", "source"], ["source_text", "source as written"], ["target_code", "target"],
  ["target_text", "target as written"], ["cameo_code", "CAMEO"], ["cameo_name", "meaning"], ["plover_type", "PLOVER"],
  ["plover_mode", "mode"], ["goldstein", "Goldstein"], ["quad_class", "quad"], ["event_date", "date"],
  ["location_name", "place"], ["modality", "modality"], ["confidence", "confidence"], ["method", "rule"]];

// Split the text at span boundaries; each piece is a text node or a <mark> holding text.
export function renderHighlighted(container, text, spans, eventId) {
  clear(container);
  const mine = spans.filter((s) => s.event_id === eventId);
  const others = spans.filter((s) => s.event_id !== eventId);
  const marks = [...mine.map((s) => ({ ...s, cls: ROLE_CLASS[s.role] })),
    ...others.filter((o) => !mine.some((m) => o.start < m.end && m.start < o.end)).map((s) => ({ ...s, cls: "other" }))]
    .sort((a, b) => a.start - b.start);
  let at = 0;
  for (const m of marks) {
    if (m.start < at) continue; // overlapping spans: keep the first
    if (m.start > at) container.append(document.createTextNode(text.slice(at, m.start)));
    const mark = el("mark", { class: m.cls, "data-role": m.role, title: `${m.role} of event ${m.event_id}` });
    mark.textContent = text.slice(m.start, m.end);
    container.append(mark);
    at = m.end;
  }
  if (at < text.length) container.append(document.createTextNode(text.slice(at)));
  const first = container.querySelector("mark.evt, mark.src");
  if (first && first.scrollIntoView) first.scrollIntoView({ block: "center" });
}

export function renderEvent(root, detail, article) {
  const e = detail.event, now = detail.corrected;
  root.querySelector("#event-title").textContent = `${e.event_id} · ${e.source_code || "?"} → ${e.target_code || "—"} · ${e.cameo_code}`;
  root.querySelector("#article-headline").textContent = article.article.headline || "(no headline)";
  const meta = root.querySelector("#article-meta");
  clear(meta);
  meta.append([article.article.outlet, article.article.published].filter(Boolean).join(" · ") + " ");
  const href = safeUrl(article.article.url);
  if (href) meta.append(el("a", { href, rel: "noopener noreferrer nofollow", target: "_blank", text: href }));
  else if (article.article.url) meta.append(el("span", { text: article.article.url }));
  renderHighlighted(root.querySelector("#article-text"), article.article.text || "", article.spans, e.event_id);
  renderCoding(root.querySelector("#coding tbody"), e, now, detail.correction);
  renderHistory(root.querySelector("#history"), detail.history);
  const linked = root.querySelector("#linked");
  clear(linked);
  for (const group of detail.linked || []) {
    for (const m of group.members) {
      if (m.event_id !== e.event_id) linked.append(el("li", { text: `${m.event_date} ${m.outlet || ""} — ${m.headline || m.article_id} (${m.cameo_code})` }));
    }
  }
  if (!linked.children.length) linked.append(el("li", { class: "muted", text: "no other article (yet)" }));
}

function renderCoding(tbody, coded, now, correction) {
  clear(tbody);
  for (const [key, label] of FIELDS) {
    const a = coded[key], b = now ? now[key] : null;
    const changed = correction && correction.action === "change" && (correction.fields || []).includes(key);
    tbody.append(el("tr", {}, el("td", { text: label }), el("td", { text: a ?? "" }),
      el("td", { class: changed ? "changed" : null, text: now ? (b ?? "") : "(marked wrong)" })));
  }
}

function renderHistory(list, history) {
  clear(list);
  if (!history.length) list.append(el("li", { class: "muted", text: "none" }));
  for (const c of history) {
    const what = c.action === "change" ? Object.entries(c.changes).filter(([k]) => k.endsWith("_code") || k.endsWith("_text"))
      .map(([k, v]) => `${k}=${v ?? "∅"}`).join(", ") : "";
    list.append(el("li", { text: `${c.created_at.slice(0, 19)} ${c.author}: ${c.action} ${what}${c.note ? " — " + c.note : ""}` }));
  }
}

export function correctionPayload(form) {
  const data = new FormData(form);
  const action = data.get("action");
  const payload = { action, author: (data.get("author") || "").toString().trim() };
  const note = (data.get("note") || "").toString().trim();
  if (note) payload.note = note;
  if (action === "change") {
    const changes = {};
    for (const name of ["cameo_code", "source_code", "source_text", "target_code", "target_text"]) {
      const v = (data.get(name) || "").toString().trim();
      if (v) changes[name] = name.endsWith("_code") ? v.toUpperCase() : v;
    }
    if (data.get("remove_target")) changes.remove_target = true;
    payload.changes = changes;
  }
  return payload;
}
