// The Import page: choose a file and format, see the dry-run report, then confirm.

import { ApiError, api, el, errorText, page, replace, status } from "./lib.js";

const $ = (id) => document.getElementById(id);
const fileInput = $("import-file");
const format = $("import-format");
const check = $("import-check");
const confirmButton = $("import-confirm");
const statusLine = $("import-status");
const report = $("import-report");
const KINDS = [
  ["organisations", "Organisations"],
  ["people", "People"],
  ["groups", "Groups"],
  ["ties", "Ties"],
  ["engagements", "Engagements"],
];

let text = null;
let checked = null; // {format, revision} of the last successful dry run of this file

/** Guess the format from the document's shape. */
export function guessFormat(doc) {
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) return null;
  if (typeof doc.format === "string" && doc.format.startsWith("stakemap")) return "stakemap";
  if (Array.isArray(doc.elements) || Array.isArray(doc.connections)) return "kumu";
  if (Array.isArray(doc.records) || "totalSize" in doc) return "salesforce";
  const values = Object.values(doc);
  if (values.some((v) => v && typeof v === "object" && Array.isArray(v.records))) return "salesforce";
  if (["companies", "contacts", "meetings", "owners"].some((k) => k in doc) || Array.isArray(doc.results)) return "hubspot";
  return null;
}

async function readFile(file) {
  checked = null;
  confirmButton.disabled = true;
  replace(report);
  if (!file) {
    text = null;
    check.disabled = true;
    $("file-info").textContent = "Choose a file, or drop it here.";
    return;
  }
  text = await file.text();
  const size = file.size > 1024 * 1024 ? `${(file.size / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(file.size / 1024)} KB`;
  $("file-info").textContent = `${file.name} (${size})`;
  try {
    const guess = guessFormat(JSON.parse(text));
    if (guess) format.value = guess;
    status(statusLine, guess ? `This looks like a ${format.selectedOptions[0].textContent} file. Check it before importing.` : "Choose the file's format, then check it.", "info");
  } catch {
    status(statusLine, "This file is not valid JSON: export it again as JSON, or check that you chose the right file.", "error");
    text = null;
  }
  check.disabled = text === null;
}

function countsTable(result) {
  const cell = (group, key) => String((result[group] || {})[key] ?? 0);
  return el(
    "div",
    { class: "table-wrap" },
    el(
      "table",
      { class: "data report-table", id: "import-counts" },
      el("caption", { class: "visually-hidden" }, "What the import creates, updates and leaves unchanged"),
      el("thead", {}, el("tr", {}, el("th", { scope: "col" }, ""), el("th", { class: "num", scope: "col" }, "New"), el("th", { class: "num", scope: "col" }, "Updated"), el("th", { class: "num", scope: "col" }, "Unchanged"))),
      el("tbody", {}, KINDS.map(([key, name]) =>
        el("tr", { dataset: { kind: key } }, el("th", { scope: "row" }, name), el("td", { class: "num created" }, cell("created", key)), el("td", { class: "num" }, cell("updated", key)), el("td", { class: "num" }, cell("unchanged", key))))),
    ),
  );
}

function warnings(list) {
  if (!list || !list.length) return null;
  return el(
    "details",
    { open: list.length <= 10 },
    el("summary", {}, `${list.length} warning${list.length === 1 ? "" : "s"}`),
    el(
      "ul",
      { class: "errors-list" },
      list.slice(0, 200).map((w) => {
        if (typeof w === "string") return el("li", {}, w);
        const loc = (w.loc || []).join(" › ");
        return el("li", {}, loc ? el("code", {}, loc) : null, loc ? ": " : null, w.msg || JSON.stringify(w));
      }),
    ),
  );
}

function showResult(result, dryRun) {
  replace(
    report,
    el("h2", {}, dryRun ? "What the import would do" : "Imported"),
    dryRun
      ? el("p", { class: "alert ok" }, "The file is valid. Nothing has been written yet: check the numbers, then choose “Import it”.")
      : el("p", { class: "alert ok" }, "The import is done. ", el("a", { href: `/partnerships/${page.pid}` }, "Open the map"), " to see the changes."),
    countsTable(result),
    warnings(result.warnings),
  );
}

function showErrors(error) {
  const items = Array.isArray(error.detail) ? error.detail : [];
  replace(
    report,
    el("h2", {}, "The file has problems"),
    el("p", { class: "alert error" }, `Nothing was imported. Fix ${items.length === 1 ? "this problem" : `these ${items.length} problems`} in the file (or choose another format) and check it again.`),
    items.length
      ? el("ol", { class: "errors-list" }, items.slice(0, 200).map((d) =>
          el("li", {}, el("code", {}, (d.loc || []).filter((x) => x !== "body").join(" › ") || "file"), ": ", d.msg)))
      : el("p", {}, errorText(error)),
  );
}

async function run(dryRun) {
  const button = dryRun ? check : confirmButton;
  button.disabled = true;
  status(statusLine, dryRun ? "Checking the file…" : "Importing…", "info");
  try {
    const before = await api(`/partnerships/${page.pid}`);
    if (!dryRun && checked && before.revision !== checked.revision) {
      checked = null;
      status(statusLine, "The partnership changed since you checked the file (someone edited it). Check the file again before importing.", "warn");
      return;
    }
    const query = format.value ? `format=${encodeURIComponent(format.value)}&` : "";
    const result = await api(`/partnerships/${page.pid}/import?${query}dry_run=${dryRun}`, {
      method: "POST",
      raw: text,
    });
    showResult(result, dryRun);
    status(statusLine, "", "info");
    if (dryRun) checked = { format: format.value, revision: before.revision };
    else checked = null;
  } catch (error) {
    checked = null;
    if (error instanceof ApiError && error.status === 422) {
      showErrors(error);
      status(statusLine, "", "info");
    } else if (error instanceof ApiError && error.status === 404) {
      status(statusLine, "This server cannot import files yet (no import route). Use the command line: stakemap import FILE --partnership ID.", "error");
    } else {
      status(statusLine, `The import failed: ${errorText(error)}`, "error");
    }
  } finally {
    check.disabled = text === null;
    confirmButton.disabled = !(checked && checked.format === format.value);
  }
}

fileInput.addEventListener("change", () => readFile(fileInput.files[0]));
format.addEventListener("change", () => {
  confirmButton.disabled = !(checked && checked.format === format.value);
});
$("import-form").addEventListener("submit", (e) => {
  e.preventDefault();
  if (text !== null) run(true);
});
confirmButton.addEventListener("click", () => run(false));
const zone = $("dropzone");
zone.addEventListener("dragover", (e) => {
  e.preventDefault();
  zone.classList.add("over");
});
zone.addEventListener("dragleave", () => zone.classList.remove("over"));
zone.addEventListener("drop", (e) => {
  e.preventDefault();
  zone.classList.remove("over");
  if (!page.canEdit) return;
  const file = e.dataTransfer.files[0];
  if (file) readFile(file);
});
