// The Gaps page: the ranked act-next list, filtered by severity, rule and text.

import { LABELS, api, el, errorText, page, progressText, replace, status } from "./lib.js";
import { loadGraph } from "./graphmodel.js";
import { gapItem } from "./gapview.js";

const PAGE = 50;
const list = document.getElementById("gap-list");
const statusLine = document.getElementById("gaps-status");
const more = document.getElementById("gap-more");
const severity = document.getElementById("gap-severity");
const rule = document.getElementById("gap-rule");
const text = document.getElementById("gap-text");
let gaps = [];
let model = null;
let shown = PAGE;

function matching() {
  const q = text.value.trim().toLowerCase();
  return gaps.filter(
    (g) =>
      (!severity.value || g.severity === severity.value) &&
      (!rule.value || g.rule === rule.value) &&
      (!q || `${g.message} ${g.suggestion || ""}`.toLowerCase().includes(q)),
  );
}

function render() {
  const found = matching();
  replace(list, ...found.slice(0, shown).map((g) => gapItem(g, { model, links: true, evidence: true })));
  more.hidden = found.length <= shown;
  more.textContent = `Show ${Math.min(PAGE, found.length - shown)} more of ${found.length - shown}`;
  const count = (s) => gaps.filter((g) => g.severity === s).length;
  if (!gaps.length) {
    const n = model ? model.nodes.size : 0;
    status(
      statusLine,
      n <= 1
        ? "No gaps yet because the map is empty: add stakeholders on the Map page or import them, and rate their influence, interest and engagement."
        : "No gaps: every stakeholder is engaged as wanted and in regular contact. Keep logging engagements to keep it that way.",
      "info",
    );
  } else if (!found.length) {
    status(statusLine, `None of the ${gaps.length} gaps match these filters. Clear the filters to see them all.`, "info");
  } else {
    status(statusLine, `${gaps.length} gaps: ${count("high")} high, ${count("medium")} medium, ${count("low")} low.${found.length !== gaps.length ? ` ${found.length} match the filters.` : ""}`, "info");
  }
}

async function load() {
  try {
    const [body, graph] = await Promise.all([
      api(`/partnerships/${page.pid}/analysis/gaps`, {
        onProgress: (p) => status(statusLine, progressText(p), "info"),
      }),
      loadGraph(page.pid),
    ]);
    gaps = body.gaps || [];
    model = graph;
  } catch (error) {
    status(statusLine, `The gaps could not be loaded: ${errorText(error)}`, "error");
    return;
  }
  const present = new Set(gaps.map((g) => g.rule));
  for (const [key, name] of Object.entries(LABELS.rules)) {
    if (present.has(key)) rule.append(el("option", { value: key }, name));
  }
  render();
}

for (const control of [severity, rule]) control.addEventListener("change", () => { shown = PAGE; render(); });
text.addEventListener("input", () => { shown = PAGE; render(); });
document.getElementById("gap-filters").addEventListener("submit", (e) => e.preventDefault());
more.addEventListener("click", () => {
  shown += PAGE;
  render();
});

load();
