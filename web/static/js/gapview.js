// One engagement gap as a list item: severity (as text, not colour alone), rule, message,
// suggestion, links to its stakeholders on the map, and the evidence behind it.

import { el, label, page } from "./lib.js";

const EVIDENCE_NAMES = {
  current: "Engagement now",
  desired: "Engagement wanted",
  gap: "Steps short",
  influence: "Influence",
  interest: "Interest",
  quadrant: "Grid quadrant",
  cadence_days: "Expected contact every (days)",
  last_contact: "Last contact",
  days_since_contact: "Days since contact",
};

function evidenceValue(value) {
  if (value === null || value === undefined) return "—";
  if (Array.isArray(value)) {
    return value.map((v) => (v && typeof v === "object" ? v.name || JSON.stringify(v) : String(v))).join(", ");
  }
  if (typeof value === "object") return JSON.stringify(value);
  if (typeof value === "number" && !Number.isInteger(value)) return value.toFixed(2);
  return String(value);
}

/** A gap as an <li>; with ``model``, each subject gets a "show on map" link. */
export function gapItem(gap, { model, links = false, evidence = false } = {}) {
  const item = el(
    "li",
    { class: `gap sev-${gap.severity}`, dataset: { rule: gap.rule, subjects: (gap.subject_ids || []).join(",") } },
    el("span", { class: `sev sev-${gap.severity}` }, label("severities", gap.severity)),
    el("span", { class: "rule" }, label("rules", gap.rule)),
    el("p", { class: "message" }, gap.message),
    gap.suggestion ? el("p", { class: "suggestion" }, gap.suggestion) : null,
  );
  if (links && model) {
    const ids = (gap.subject_ids || []).filter((id) => model.nodes.has(id));
    if (ids.length) {
      const actions = el("p", { class: "gap-actions" });
      for (const id of ids.slice(0, 5)) {
        const name = model.nodes.get(id).name;
        actions.append(
          el("a", { href: `/partnerships/${page.pid}?focus=${id}`, class: "focus-link", dataset: { id } }, `Show ${name} on the map`),
        );
      }
      if (ids.length > 5) actions.append(el("span", { class: "muted" }, `and ${ids.length - 5} more`));
      item.append(actions);
    }
  }
  if (evidence && gap.evidence && Object.keys(gap.evidence).length) {
    const list = el("dl", { class: "facts" });
    for (const [key, value] of Object.entries(gap.evidence)) {
      list.append(el("dt", {}, EVIDENCE_NAMES[key] || key.replaceAll("_", " ")), el("dd", {}, evidenceValue(value)));
    }
    item.append(el("details", {}, el("summary", {}, "Evidence"), list));
  }
  return item;
}
