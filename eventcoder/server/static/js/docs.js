// Offline API docs: rendered from /openapi.json with text nodes only (no CDN, no HTML strings).
import { $, el } from "./dom.js";

function typeOf(schema, spec) {
  if (!schema) return "";
  if (schema.$ref) return schema.$ref.split("/").pop();
  if (schema.anyOf) return schema.anyOf.map((s) => typeOf(s, spec)).filter((t) => t !== "null").join(" | ");
  if (schema.type === "array") return `list of ${typeOf(schema.items, spec)}`;
  const parts = [schema.type || ""];
  if (schema.enum) parts.push(`one of ${schema.enum.join(", ")}`);
  if (schema.pattern) parts.push(`pattern ${schema.pattern}`);
  if (schema.minimum !== undefined) parts.push(`≥ ${schema.minimum}`);
  if (schema.maximum !== undefined) parts.push(`≤ ${schema.maximum}`);
  return parts.filter(Boolean).join(", ");
}

function paramTable(params, spec) {
  const table = el("table", {}, el("thead", {}, el("tr", {}, el("th", { text: "parameter" }), el("th", { text: "in" }),
    el("th", { text: "type" }), el("th", { text: "default" }), el("th", { text: "meaning" }))));
  const body = el("tbody");
  for (const p of params) {
    body.append(el("tr", {}, el("td", { text: p.name + (p.required ? " *" : "") }), el("td", { text: p.in }),
      el("td", { text: typeOf(p.schema, spec) }), el("td", { text: p.schema && p.schema.default !== undefined ? JSON.stringify(p.schema.default) : "" }),
      el("td", { text: p.description || (p.schema && p.schema.description) || "" })));
  }
  table.append(body);
  return table;
}

function tryForm(path, params) {
  const form = el("form");
  for (const p of params) form.append(el("label", {}, `${p.name} `, el("input", { name: p.name, "data-in": p.in })), " ");
  const out = el("pre", { hidden: true });
  form.append(el("button", { type: "submit", text: "Try" }));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    let url = path;
    const query = new URLSearchParams();
    for (const input of form.querySelectorAll("input")) {
      if (!input.value) continue;
      if (input.dataset.in === "path") url = url.replace(`{${input.name}}`, encodeURIComponent(input.value));
      else query.append(input.name, input.value);
    }
    const response = await fetch(`${url}${query.toString() ? "?" + query : ""}`);
    const text = await response.text();
    out.hidden = false;
    out.textContent = `HTTP ${response.status}\n${text.slice(0, 20000)}`;
  });
  return el("div", {}, form, out);
}

async function main() {
  const spec = await (await fetch("/openapi.json")).json();
  $("#version").textContent = `version ${spec.info.version}`;
  const root = $("#endpoints");
  for (const [path, ops] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const params = op.parameters || [];
      const box = el("section", { class: "op", id: `${method}-${path}` },
        el("h2", {}, el("span", { class: `method ${method}`, text: method.toUpperCase() }), ` ${path}`),
        el("p", { text: op.summary || "" }));
      if (params.length) box.append(paramTable(params, spec));
      if (op.requestBody) {
        const schema = op.requestBody.content["application/json"].schema;
        box.append(el("p", { text: `JSON body: ${typeOf(schema, spec)} (see components.schemas in openapi.json)` }));
      }
      if (method === "get") box.append(tryForm(path, params));
      root.append(box);
    }
  }
}

main();
