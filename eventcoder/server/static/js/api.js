// Talking to the API: query strings from the filter form, JSON fetches, the one error shape.
const FILTER_FIELDS = ["since", "until", "source", "target", "country", "actor", "plover", "root", "quad", "text", "level"];

export class ApiError extends Error {
  constructor(status, body) {
    const err = body && body.error ? body.error : { message: `HTTP ${status}`, code: "error" };
    super(err.message);
    this.status = status;
    this.code = err.code;
  }
}

export function filterParams(form) {
  const data = new FormData(form);
  const params = new URLSearchParams();
  for (const name of FILTER_FIELDS) {
    const value = (data.get(name) || "").toString().trim();
    if (value) params.append(name, value);
  }
  params.set("corrections", data.get("show_wrong") ? "ignore" : "apply");
  return params;
}

export async function getJson(path, params) {
  const url = params ? `${path}?${params}` : path;
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

export async function postJson(path, payload, token) {
  const headers = { "Content-Type": "application/json", Accept: "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(path, { method: "POST", headers, body: JSON.stringify(payload) });
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}
