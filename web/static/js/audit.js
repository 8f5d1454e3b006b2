// The Audit page (owners): the partnership's trail of changes, filtered and paged, in plain words.
// Entries name the fields that changed, never their values. The filters live in the address, so
// a filtered view can be bookmarked, and the JSON twin link follows them.

import { ApiError, api, el, errorText, page, replace, status } from "./lib.js";

const PAGE = 50;
const form = document.getElementById("audit-filters");
const table = document.getElementById("audit-table");
const rows = document.getElementById("audit-rows");
const statusLine = document.getElementById("audit-status");
const filterError = document.getElementById("audit-filter-error");
const newer = document.getElementById("audit-newer");
const older = document.getElementById("audit-older");
const range = document.getElementById("audit-range");
const twin = document.querySelector(".json-twin");
const FILTERS = ["entity", "action", "actor", "since", "until"];

const ACTIONS = { create: "Added", update: "Changed", delete: "Deleted", erase: "Erased", import: "Imported" };
const ENTITIES = {
  partnership: "the partnership",
  stakeholder: "stakeholder",
  tie: "tie",
  engagement: "engagement",
  membership: "membership of",
};
const when = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short" });
let offset = 0;
let latest = 0; // the newest request: an older answer arriving late is dropped
let emails = new Map(); // user id → email, for members named in membership entries

/** Local midnight of a YYYY-MM-DD date (plus some days), as an ISO instant for the API. */
function instant(day, plus = 0) {
  const d = new Date(`${day}T00:00:00`);
  d.setDate(d.getDate() + plus);
  return d.toISOString();
}

function query() {
  const q = new URLSearchParams();
  const f = form.elements;
  if (f.entity.value) q.set("entity", f.entity.value);
  if (f.action.value) q.set("action", f.action.value);
  if (f.actor.value.trim()) q.set("actor", f.actor.value.trim());
  if (f.since.value) q.set("since", instant(f.since.value));
  if (f.until.value) q.set("until", instant(f.until.value, 1)); // the whole of the last day
  return q;
}

/** Keep the filters and page in the address bar (and the JSON twin link in step). */
function remember(q) {
  const here = new URLSearchParams();
  for (const name of FILTERS) if (form.elements[name].value.trim()) here.set(name, form.elements[name].value.trim());
  if (offset) here.set("offset", String(offset));
  const search = here.toString();
  history.replaceState(null, "", search ? `?${search}` : location.pathname);
  if (twin) {
    const json = new URLSearchParams(q);
    json.set("limit", String(PAGE));
    json.set("offset", String(offset));
    twin.href = `/api/v1/partnerships/${page.pid}/audit?${json}`;
  }
}

function what(e) {
  const action = ACTIONS[e.action] || e.action.replaceAll("_", " ");
  const entity = ENTITIES[e.entity] || e.entity.replaceAll("_", " ");
  if (e.entity === "partnership") return `${action} ${entity}`;
  if (e.entity === "membership") {
    const who = emails.get(e.entity_id) || `user ${e.entity_id}`;
    return `${action} ${entity} ${who}`;
  }
  return e.entity_id === null ? `${action} ${entity}` : `${action} ${entity} ${e.entity_id}`;
}

function fields(e) {
  const names = (e.fields || []).map((f) => f.replaceAll("_", " "));
  return el(
    "td",
    { class: names.length ? "audit-fields has-fields" : "audit-fields" },
    names.length ? names.join(", ") : e.detail ? null : el("span", { class: "muted" }, "—"),
    e.detail ? el("span", { class: "audit-detail muted" }, e.detail) : null,
  );
}

function at(iso) {
  // The API gives UTC; a time without a zone is UTC too.
  const d = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`);
  return el("time", { datetime: d.toISOString() }, when.format(d));
}

function row(e) {
  return el(
    "tr",
    { dataset: { entity: e.entity, action: e.action } },
    el("td", { class: "audit-when" }, at(e.at)),
    el("td", { class: "audit-who" }, e.actor, e.token_id ? el("span", { class: "muted" }, " (API token)") : null),
    el("td", { class: "audit-what" }, what(e)),
    fields(e),
  );
}

function filtered() {
  return FILTERS.some((name) => form.elements[name].value.trim());
}

async function load({ focus = false } = {}) {
  filterError.hidden = true;
  const f = form.elements;
  if (f.since.value && f.until.value && f.since.value > f.until.value) {
    filterError.textContent = "“From” is after “To”: swap the dates.";
    filterError.hidden = false;
    f.until.setAttribute("aria-invalid", "true");
    f.until.focus();
    return;
  }
  f.until.removeAttribute("aria-invalid");
  const q = query();
  remember(q);
  status(statusLine, "Loading the audit log…", "info");
  const mine = ++latest;
  let body;
  try {
    body = await api(`/partnerships/${page.pid}/audit?${q}&limit=${PAGE}&offset=${offset}`);
  } catch (error) {
    if (mine !== latest) return;
    table.hidden = true;
    newer.hidden = older.hidden = true;
    range.textContent = "";
    if (error instanceof ApiError && Array.isArray(error.detail)) {
      const name = String((error.detail[0].loc || []).slice(-1)[0]);
      filterError.textContent = `${name}: ${error.detail[0].msg}`;
      filterError.hidden = false;
      status(statusLine, "", "info");
    } else {
      status(statusLine, `The audit log could not be loaded: ${errorText(error)}`, "error");
    }
    return;
  }
  if (mine !== latest) return;
  if (!body.data.length && offset > 0 && body.count > 0) {
    offset = Math.max(0, Math.floor((body.count - 1) / PAGE) * PAGE);
    return load({ focus });
  }
  replace(rows, ...body.data.map(row));
  table.hidden = !body.data.length;
  if (!body.count) {
    status(
      statusLine,
      filtered()
        ? "No entries match these filters. Clear them to see the whole log."
        : "Nothing has been recorded for this partnership yet.",
      "info",
    );
  } else {
    status(statusLine, `${body.count.toLocaleString("en-GB")} ${body.count === 1 ? "entry" : "entries"}${filtered() ? " match the filters" : ""}, newest first.`, "info");
  }
  const last = offset + body.data.length;
  range.textContent = body.count > PAGE ? `Entries ${offset + 1}–${last} of ${body.count.toLocaleString("en-GB")}` : "";
  newer.hidden = offset === 0;
  older.hidden = last >= body.count;
  if (focus) rows.closest(".table-wrap").scrollIntoView({ block: "start" });
}

async function loadMembers() {
  try {
    const body = await api(`/partnerships/${page.pid}/members`);
    emails = new Map(body.data.map((m) => [m.user_id, m.email]));
    replace(document.getElementById("audit-actors"), ...body.data.map((m) => el("option", { value: m.email })));
  } catch {
    emails = new Map(); // the log still reads without them: "membership of user 12"
  }
}

// Start from the address: a bookmarked, filtered view opens as it was.
const start = new URLSearchParams(location.search);
for (const name of FILTERS) if (start.get(name)) form.elements[name].value = start.get(name);
offset = Math.max(0, Math.floor(Number(start.get("offset")) || 0));

form.addEventListener("submit", (e) => {
  e.preventDefault();
  offset = 0;
  load();
});
form.addEventListener("change", (e) => {
  if (e.target.tagName === "SELECT" || e.target.type === "date") {
    offset = 0;
    load();
  }
});
form.addEventListener("reset", () => {
  // after the browser has cleared the fields
  setTimeout(() => {
    offset = 0;
    load();
  });
});
newer.addEventListener("click", () => {
  offset = Math.max(0, offset - PAGE);
  load({ focus: true }).then(() => (newer.hidden ? older : newer).focus());
});
older.addEventListener("click", () => {
  offset += PAGE;
  load({ focus: true }).then(() => (older.hidden ? newer : older).focus());
});

loadMembers().then(() => load());
