// The event table: one row per event, sortable, paged; corrections shown as tags.
import { clear, el } from "./dom.js";

function actor(code, country, text) {
  return el("span", { title: text || "" }, code || country || (text ? `“${text}”` : "—"));
}

function correctionTag(c) {
  if (!c) return null;
  const label = c.action === "change" ? `changed: ${(c.fields || []).filter((f) => f.endsWith("_code")).join(", ")}` : c.action;
  return el("span", { class: `tag ${c.action}`, title: `${c.author} at ${c.created_at}${c.note ? ": " + c.note : ""}` }, label);
}

export function drawTable(tbody, items, onOpen) {
  clear(tbody);
  if (!items.length) {
    tbody.append(el("tr", {}, el("td", { colspan: 10, text: "No events match these filters." })));
    return;
  }
  for (const e of items) {
    const tr = el("tr", { "data-event-id": e.event_id, class: e.correction && e.correction.action === "wrong" ? "wrong" : null, tabindex: 0 },
      el("td", { text: e.event_date || "" }),
      el("td", {}, actor(e.source_code, e.source_country, e.source_text)),
      el("td", {}, actor(e.target_code, e.target_country, e.target_text)),
      el("td", { title: e.cameo_name || "", text: e.cameo_code || "" }),
      el("td", { text: [e.plover_type, e.plover_mode].filter(Boolean).join(" / ") }),
      el("td", { text: e.goldstein ?? "" }),
      el("td", { text: e.location_name || "" }),
      el("td", { title: `${e.num_articles} article(s), ${e.num_sources} source(s)`, text: e.num_mentions ?? "" }),
      el("td", { text: e.trigger || "" }),
      el("td", { class: "corr" }, correctionTag(e.correction)));
    tr.addEventListener("click", () => onOpen(e.event_id));
    tr.addEventListener("keydown", (ev) => { if (ev.key === "Enter") onOpen(e.event_id); });
    tbody.append(tr);
  }
}
