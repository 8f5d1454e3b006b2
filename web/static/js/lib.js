// Shared helpers for every page: building DOM safely, calling the JSON API, labels and colours.
// User text is data: it only ever reaches the page through textContent and attribute setters,
// never through HTML parsing.

export const page = (() => {
  const d = document.body.dataset;
  return {
    pid: d.pid ? Number(d.pid) : null,
    hubId: d.hubId ? Number(d.hubId) : null,
    revision: d.revision ? Number(d.revision) : null,
    name: d.name || "",
    canEdit: d.canEdit === "true",
  };
})();

/** Create an element: el("a", {href: "/x", class: "btn"}, "text", child). */
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  setAttrs(node, attrs);
  append(node, children);
  return node;
}

const SVG_NS = "http://www.w3.org/2000/svg";

/** Create an SVG element with attributes (no styles: CSP forbids inline style attributes). */
export function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  setAttrs(node, attrs);
  append(node, children);
  return node;
}

function setAttrs(node, attrs) {
  if (!attrs) return;
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "text") node.textContent = String(value);
    else if (key === "class") node.setAttribute("class", value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on") && typeof value === "function") {
      node.addEventListener(key.slice(2), value);
    } else if (key === "style") {
      throw new Error("inline styles are not allowed; use a class");
    } else node.setAttribute(key, value === true ? "" : String(value));
  }
}

function append(node, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Remove every child of a node, then append new ones. */
export function replace(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

/** Show a status line (loading, empty, error) in an aria-live element. */
export function status(node, message, kind = "info") {
  if (!node) return;
  node.hidden = !message;
  node.textContent = message || "";
  node.dataset.kind = kind;
}

// -- the JSON API -----------------------------------------------------------------------------

export class ApiError extends Error {
  constructor(status, detail) {
    super(typeof detail === "string" ? detail : `The server answered ${status}`);
    this.status = status;
    this.detail = detail;
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// The ETag of every record this page has read, by URL: sent back as If-Match when the user
// changes or deletes what they saw, so a change made meanwhile by someone else is never
// overwritten silently (the server answers 412 instead).
const etags = new Map();

/** The ETag the page last read for an API path, if any. */
export function etagFor(path) {
  return etags.get(path.startsWith("/api/") ? path : `/api/v1${path}`) || null;
}

/** The line to show while an analysis is computed: its 202 body in words. */
export function progressText(body) {
  const p = body && typeof body === "object" ? body : {};
  if (p.status === "failed") {
    return `The analysis failed (${p.error || "unknown error"}); trying again in ${p.retry_after || 1} s…`;
  }
  const pct = Math.round(Math.min(Math.max(Number(p.progress) || 0, 0), 1) * 100);
  return `Computing the analysis… ${pct}%${p.phase ? ` (${p.phase})` : ""}`;
}

// Without an onProgress of its own, a call still computing shows its progress in the page's
// status line (every page has one, role="status").
function showProgress(body) {
  status(document.querySelector('[role="status"]'), progressText(body), "info");
}

/**
 * Call /api/v1 with the session cookie. Returns the parsed JSON (null for 204).
 * A 202 (analysis still computing) is asked again after its Retry-After, calling onProgress
 * with the body (by default showing it in the status line), until ready.
 * A 401 sends the browser to the sign-in page.
 */
export async function api(path, { method = "GET", body, raw, onProgress, signal, ifMatch } = {}) {
  const url = path.startsWith("/api/") ? path : `/api/v1${path}`;
  const headers = { Accept: "application/json" };
  if (ifMatch) headers["If-Match"] = ifMatch;
  let payload;
  if (raw !== undefined) {
    payload = raw;
    headers["Content-Type"] = "application/json";
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers["Content-Type"] = "application/json";
  }
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(url, {
      method,
      headers,
      body: payload,
      credentials: "same-origin",
      signal,
    });
    if (response.status === 401) {
      const next = location.pathname + location.search;
      location.assign(`/login?next=${encodeURIComponent(next)}`);
      throw new ApiError(401, "Your session has ended: sign in again.");
    }
    if (method === "GET" && response.ok && response.headers.get("ETag")) {
      etags.set(url, response.headers.get("ETag"));
    }
    const text = await response.text();
    let data = null;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = text;
      }
    }
    if (response.status === 202) {
      if (attempt >= 600) throw new ApiError(202, "The analysis is taking too long: try again later.");
      (onProgress || showProgress)(data);
      const wait = Number(response.headers.get("Retry-After")) || 1;
      await sleep(Math.min(Math.max(wait, 0.25), 5) * 1000);
      continue;
    }
    if (!response.ok) {
      const detail = data && typeof data === "object" && "detail" in data ? data.detail : data;
      throw new ApiError(response.status, detail || response.statusText);
    }
    return data;
  }
}

/** Every item of a paged list (limit 500 per request). */
export async function apiAll(path, { onProgress } = {}) {
  const sep = path.includes("?") ? "&" : "?";
  const first = await api(`${path}${sep}limit=500&offset=0`);
  const items = [...first.data];
  if (onProgress) onProgress(items.length, first.count);
  while (items.length < first.count) {
    const next = await api(`${path}${sep}limit=500&offset=${items.length}`);
    if (!next.data.length) break;
    items.push(...next.data);
    if (onProgress) onProgress(items.length, first.count);
  }
  return items;
}

/** A readable message for a failed call (validation details are shown beside fields instead). */
export function errorText(error) {
  if (!(error instanceof ApiError)) return `Something went wrong: ${error.message || error}`;
  if (Array.isArray(error.detail)) {
    return error.detail
      .map((d) => `${(d.loc || []).filter((x) => x !== "body").join(".")}: ${d.msg}`)
      .join("; ");
  }
  if (error.status === 404) return "Not found: it may have been deleted. Reload the page.";
  if (error.status === 403) return `Not allowed: ${error.detail}`;
  return String(error.detail || error.message);
}

// -- the vocabulary of SPEC §2 ----------------------------------------------------------------

export const LABELS = {
  sectors: {
    local_government: "Local government",
    health: "Health",
    voluntary_community: "Voluntary & community",
    private: "Private sector",
    education: "Education",
    police_justice: "Police & justice",
    housing: "Housing",
    central_government: "Central government",
    public_service_users: "Service users",
    other: "Other",
  },
  kinds: { organisation: "Organisation", person: "Person", group: "Group" },
  seniorities: {
    executive: "Executive",
    senior: "Senior",
    manager: "Manager",
    frontline: "Frontline",
    volunteer: "Volunteer",
    service_user: "Service user",
    unknown: "Unknown",
  },
  levels: {
    unaware: "Unaware",
    resistant: "Resistant",
    neutral: "Neutral",
    supportive: "Supportive",
    leading: "Leading",
  },
  tieKinds: {
    collaborates: "Collaborates",
    reports_to: "Reports to",
    funds: "Funds",
    commissions: "Commissions",
    advises: "Advises",
    informal: "Informal",
  },
  channels: {
    face_to_face: "Face to face",
    meeting: "Meeting",
    event: "Event",
    video: "Video call",
    call: "Phone call",
    email: "Email",
    letter: "Letter",
    social_media: "Social media",
    newsletter: "Newsletter",
  },
  scores: { 1: "1", 2: "2", 3: "3", 4: "4", 5: "5" },
  sentiments: { 2: "Very well (+2)", 1: "Well (+1)", 0: "Neutral (0)", "-1": "Poorly (−1)", "-2": "Badly (−2)" },
  quadrants: {
    key_player: "Key player",
    keep_satisfied: "Keep satisfied",
    keep_informed: "Keep informed",
    monitor: "Monitor",
  },
  rules: {
    engagement_gap: "Engagement gap",
    key_player_unengaged: "Key player not engaged",
    unreached: "Not reached",
    stale_contact: "Contact gone stale",
    no_face_to_face: "No face-to-face contact",
    single_point_of_failure: "Single point of failure",
    single_threaded_organisation: "Single-threaded organisation",
    leadership_not_engaged: "Leaders not engaged",
    no_owner: "No relationship owner",
    isolated_sector: "Isolated sector",
  },
  severities: { high: "High", medium: "Medium", low: "Low" },
};

export const LEVEL_ORDER = ["unaware", "resistant", "neutral", "supportive", "leading"];
export const SECTOR_ORDER = Object.keys(LABELS.sectors);
export const IN_PERSON = new Set(["face_to_face", "meeting", "event"]);

export function label(group, value) {
  if (value === null || value === undefined || value === "") return "—";
  return (LABELS[group] && LABELS[group][value]) || String(value).replaceAll("_", " ");
}

/** Fill every <select data-options="group"> inside root from LABELS (idempotent). */
export function fillSelects(root) {
  for (const select of root.querySelectorAll("select[data-options]")) {
    if (select.options.length) continue;
    if (select.dataset.empty) select.append(el("option", { value: "" }, select.dataset.empty));
    for (const [value, text] of Object.entries(LABELS[select.dataset.options])) {
      select.append(el("option", { value }, text));
    }
  }
}

// -- colours: Okabe–Ito, then Paul Tol's extras; every use also has a text label or shape ------

export const SECTOR_COLOURS = {
  local_government: "#0072B2",
  health: "#009E73",
  voluntary_community: "#E69F00",
  private: "#CC79A7",
  education: "#56B4E9",
  police_justice: "#332288",
  housing: "#D55E00",
  central_government: "#882255",
  public_service_users: "#F0E442",
  other: "#999999",
  none: "#DDDDDD",
};
// A diverging scale that reads in every common form of colour blindness (ColorBrewer RdBu-like).
export const LEVEL_COLOURS = {
  unaware: "#BBBBBB",
  resistant: "#D55E00",
  neutral: "#F0E442",
  supportive: "#56B4E9",
  leading: "#0072B2",
  none: "#EEEEEE",
};
export const TIER_COLOURS = ["#222222", "#0072B2", "#56B4E9", "#A6D8F0", "#E69F00"];
export const CATEGORY_COLOURS = [
  "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#332288", "#F0E442",
  "#882255", "#44AA99", "#999933", "#AA4499",
];
export const SEVERITY_ORDER = { high: 0, medium: 1, low: 2 };

/** Black or white, whichever reads better on a background colour. */
export function inkFor(hex) {
  const n = parseInt(hex.slice(1), 16);
  const r = (n >> 16) & 255;
  const g = (n >> 8) & 255;
  const b = n & 255;
  return 0.299 * r + 0.587 * g + 0.114 * b > 150 ? "#111111" : "#FFFFFF";
}

// -- numbers and dates ------------------------------------------------------------------------

export const fmt = {
  int: (x) => (x === null || x === undefined ? "—" : Math.round(x).toLocaleString("en-GB")),
  pct: (x) => (x === null || x === undefined ? "—" : `${Math.round(x * 100)}%`),
  num: (x, digits = 2) =>
    x === null || x === undefined || Number.isNaN(x) ? "—" : Number(x).toFixed(digits),
  date: (iso) => {
    if (!iso) return "—";
    const d = new Date(`${iso.slice(0, 10)}T12:00:00`);
    return d.toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric" });
  },
};

export function todayIso() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Query-string parameters of the current page. */
export const params = new URLSearchParams(location.search);
