// The map's side panel: one stakeholder's profile, metrics, gaps, declared ties, engagement
// history and the warmest path to them from the hub (lit up on the map). Editors also get Edit and
// Delete beside each tie and each engagement.

import { api, el, errorText, fmt, label, page, replace, todayIso } from "./lib.js";
import { metricOf, organisationName, quadrant } from "./graphmodel.js";
import { gapItem } from "./gapview.js";

const body = () => document.getElementById("panel-body");
let pendingFocus = "";

/** Focus the element with this id (a section heading) when the panel is next drawn. */
export function focusAfterRedraw(id) {
  pendingFocus = id;
}
const TIE_LIMIT = 100;
let token = 0;

function row(term, value) {
  if (value === null || value === undefined || value === "") return null;
  return [el("dt", {}, term), el("dd", {}, value)];
}

function section(title, ...children) {
  return el("section", { class: "panel-section" }, el("h3", {}, title), ...children);
}

/** A section whose heading can take the focus (after an edit or a deletion inside it). */
function focusableSection(id, title, ...children) {
  return el("section", { class: "panel-section" }, el("h3", { id, tabindex: "-1" }, title), ...children);
}

/** Edit and Delete for one tie or engagement; ``what`` completes their accessible names. */
function itemActions(what, onEdit, onDelete) {
  return el(
    "div",
    { class: "item-actions" },
    el("button", { type: "button", class: "btn", "aria-label": `Edit ${what}`, onclick: onEdit }, "Edit"),
    el(
      "button",
      { type: "button", class: "btn danger-outline", "aria-label": `Delete ${what}`, onclick: onDelete },
      "Delete",
    ),
  );
}

function personLink(ctx, id) {
  const n = ctx.model.nodes.get(id);
  if (!n) return el("span", {}, `#${id}`);
  return el("button", { type: "button", class: "link", onclick: () => ctx.select(id) }, n.name);
}

/** Render the panel for stakeholder ``id`` (or the empty state when null). */
export async function showPanel(ctx, id) {
  const mine = ++token;
  const root = body();
  if (id === null || id === undefined || !ctx.model.nodes.has(id)) {
    ctx.clearPath();
    replace(
      root,
      el("h2", { id: "panel-title" }, "Select a stakeholder"),
      el("p", { class: "hint" }, "Click a node on the map, or find someone with the search box, to see their profile, metrics, gaps, engagement history and the warmest path to them from the hub."),
    );
    return;
  }
  const node = ctx.model.nodes.get(id);
  const heading = el("h2", { id: "panel-title", tabindex: "-1" }, node.name);
  const kind = node.kind === "hub" ? "The hub" : label("kinds", node.kind);
  const org = organisationName(ctx.model, node);
  const subtitle = el("p", { class: "subtitle" }, org ? `${kind} · ` : kind);
  if (org) subtitle.append(personLink(ctx, node.organisation_id));
  const actions = el("div", { class: "panel-actions" });
  if (ctx.editing) {
    actions.append(
      el("button", { type: "button", class: "btn", onclick: () => ctx.editing.editStakeholder(id) }, "Edit"),
      el("button", { type: "button", class: "btn", onclick: () => ctx.editing.connect(id) }, "Connect…"),
      el("button", { type: "button", class: "btn", onclick: () => ctx.editing.logEngagement([id]) }, "Log engagement"),
    );
    if (node.kind !== "hub") {
      actions.append(
        el("button", { type: "button", class: "btn danger-outline", onclick: () => ctx.editing.remove(id) }, "Delete…"),
      );
    }
  }
  actions.append(el("button", { type: "button", class: "btn", onclick: () => ctx.showEgo(id) }, "Show around them"));
  const profile = el("dl", { class: "facts" }, el("dt", {}, "Loading"), el("dd", {}, "…"));
  const metrics = el("dl", { class: "facts" });
  const gapList = el("div", {});
  const ties = el("div", {}, el("p", { class: "muted" }, "Loading ties…"));
  const history = el("div", {}, el("p", { class: "muted" }, "Loading engagement history…"));
  const path = el("div", {}, el("p", { class: "muted" }, "Finding the warmest path…"));
  // The panel is redrawn whenever the analysis or the graph changes: a keyboard user whose focus
  // was on one of its headings keeps it there.
  const active = document.activeElement;
  const keep = active && active !== root && root.contains(active) && active.id ? active.id : "";
  replace(
    root,
    heading,
    subtitle,
    actions,
    section("Warmest path from the hub", path),
    section("Gaps", gapList),
    section("Profile", profile),
    section("Metrics", metrics),
    focusableSection("panel-ties", "Ties", ties),
    focusableSection("panel-history", "Engagement history", history),
  );
  renderMetrics(ctx, node, metrics);
  renderGaps(ctx, id, gapList);
  const want = document.getElementById(pendingFocus || keep);
  pendingFocus = "";
  if (ctx.focusPanel) heading.focus({ preventScroll: true });
  else if (want) want.focus({ preventScroll: true });
  const jobs = [
    api(`/partnerships/${page.pid}/stakeholders/${id}`).then(
      (s) => mine === token && renderProfile(ctx, s, profile),
      (e) => mine === token && replace(profile, el("dd", {}, errorText(e))),
    ),
    api(`/partnerships/${page.pid}/ties?stakeholder_id=${id}&limit=${TIE_LIMIT}`).then(
      (list) => mine === token && renderTies(ctx, id, list, ties),
      (e) => mine === token && replace(ties, el("p", { class: "error" }, errorText(e))),
    ),
    api(`/partnerships/${page.pid}/engagements?stakeholder_id=${id}&limit=10`).then(
      (list) => mine === token && renderHistory(ctx, id, list, history),
      (e) => mine === token && replace(history, el("p", { class: "error" }, errorText(e))),
    ),
  ];
  if (ctx.model.core.has(id)) {
    ctx.clearPath();
    replace(path, el("p", {}, "Part of the core: the hub and its own team."));
  } else {
    jobs.push(
      api(`/partnerships/${page.pid}/analysis/path?target=${id}`).then(
        (result) => mine === token && renderPath(ctx, result, path),
        (e) => mine === token && replace(path, el("p", { class: "error" }, `No path: ${errorText(e)}`)),
      ),
    );
  }
  if (!ctx.analysis.centrality) {
    ctx.ensureCentrality().then(
      () => mine === token && renderMetrics(ctx, node, metrics),
      () => {},
    );
  }
  await Promise.all(jobs);
}

function renderProfile(ctx, s, root) {
  const tags = s.tags && s.tags.length ? s.tags.join(", ") : null;
  const owner = s.owner_id ? personLink(ctx, s.owner_id) : null;
  const engagement =
    s.engagement || s.desired_engagement
      ? `${label("levels", s.engagement)} → ${label("levels", s.desired_engagement)}`
      : null;
  const notes = s.notes ? el("dd", { class: "notes" }, s.notes) : null;
  const items = [
    row("Kind", s.kind === "hub" ? "Hub" : label("kinds", s.kind)),
    row("Sector", s.kind === "hub" ? null : label("sectors", s.effective_sector) + (s.sector ? "" : s.effective_sector ? " (from organisation)" : "")),
    row("Role", s.role),
    row("Seniority", s.seniority ? label("seniorities", s.seniority) : null),
    row("Influence / interest", s.influence || s.interest ? `${s.influence ?? "—"} / ${s.interest ?? "—"}` : null),
    row("Grid", s.kind === "hub" ? null : label("quadrants", quadrant(s))),
    row("Engagement (now → wanted)", engagement),
    row("Relationship owner", owner),
    row("Email", s.email),
    row("Tags", tags),
    row("May be contacted", s.contact_permitted ? "Yes" : "No"),
    row("CRM id", s.external_id),
  ];
  replace(root, ...items.filter(Boolean).flat());
  if (notes) root.append(el("dt", {}, "Notes"), notes);
}

function renderMetrics(ctx, node, root) {
  const c = ctx.analysis.centrality;
  const value = (name) => {
    const v = metricOf(c, name, node.id);
    return typeof v === "number" ? fmt.num(v, 3) : null;
  };
  const tier = node.tier === null ? "Not reached" : node.tier === 0 ? "Core" : `${node.tier}`;
  const items = [
    row("Steps from the core (tier)", tier),
    row("Active ties", fmt.int(node.degree)),
    row("Sum of tie strength", fmt.num(node.strength, 2)),
    row("Betweenness", value("betweenness")),
    row("Closeness", value("closeness")),
    row("Eigenvector", value("eigenvector")),
    row("PageRank", value("pagerank")),
  ];
  replace(root, ...items.filter(Boolean).flat());
  if (!c) root.append(el("dt", {}, "Centrality"), el("dd", { class: "muted" }, "Computing…"));
}

function renderGaps(ctx, id, root) {
  const gaps = ctx.analysis.gaps;
  if (gaps === null || gaps === undefined) {
    replace(root, el("p", { class: "muted" }, "Analysing gaps…"));
    return;
  }
  const mine = gaps.filter((g) => (g.subject_ids || []).includes(id));
  if (!mine.length) {
    replace(root, el("p", { class: "muted gaps-none" }, "No gaps: nothing to act on here."));
    return;
  }
  replace(root, el("ul", { class: "gap-list compact" }, mine.map((g) => gapItem(g))));
}

function renderHistory(ctx, id, list, root) {
  if (!list.data.length) {
    const hint = ctx.editing ? " Use “Log engagement” to record the first one." : "";
    replace(root, el("p", { class: "muted" }, `No engagements logged yet.${hint}`));
    return;
  }
  const items = list.data.map((e) => {
    const others = e.participant_ids.filter((p) => p !== id);
    const who = el("span", { class: "who" });
    others.slice(0, 4).forEach((p, i) => {
      if (i) who.append(", ");
      who.append(personLink(ctx, p));
    });
    if (others.length > 4) who.append(` and ${others.length - 4} more`);
    const what = `the ${label("channels", e.channel).toLowerCase()} of ${fmt.date(e.occurred_on)}`;
    return el(
      "li",
      { dataset: { engagementId: String(e.id) } },
      el("span", { class: "when" }, fmt.date(e.occurred_on)),
      el("span", { class: "channel" }, label("channels", e.channel)),
      " with ",
      who,
      e.summary ? el("p", { class: "summary" }, e.summary) : null,
      ctx.editing
        ? itemActions(
            what,
            () => ctx.editing.editEngagement(e.id),
            () => ctx.editing.deleteEngagement(e),
          )
        : null,
    );
  });
  replace(root, el("ol", { class: "history" }, items));
  if (list.count > list.data.length) {
    root.append(el("p", { class: "muted" }, `Showing the latest ${list.data.length} of ${list.count}.`));
  }
}

// How a tie reads from this stakeholder's side: "Reports to X" or "X reports to them".
const TIE_OUT = {
  collaborates: "Collaborates with",
  reports_to: "Reports to",
  funds: "Funds",
  commissions: "Commissions",
  advises: "Advises",
  informal: "Informal tie with",
};
const TIE_IN = {
  collaborates: "collaborates with them",
  reports_to: "reports to them",
  funds: "funds them",
  commissions: "commissions them",
  advises: "advises them",
  informal: "has an informal tie with them",
};

function tieFacts(t) {
  const today = todayIso();
  const facts = [`strength ${t.strength} of 5`];
  if (t.directed) facts.push("one-way");
  if (t.valid_from && t.valid_from > today) facts.push(`starts ${fmt.date(t.valid_from)}`);
  else if (t.valid_from) facts.push(`since ${fmt.date(t.valid_from)}`);
  if (t.valid_to && t.valid_to < today) facts.push(`ended ${fmt.date(t.valid_to)}`);
  else if (t.valid_to) facts.push(`until ${fmt.date(t.valid_to)}`);
  return facts.join(" · ");
}

function renderTies(ctx, id, list, root) {
  if (!list.data.length) {
    const hint = ctx.editing ? " Use “Connect…” to declare one." : "";
    replace(root, el("p", { class: "muted" }, `No declared ties.${hint}`));
    return;
  }
  const nameOf = (sid) => (ctx.model.nodes.get(sid) || { name: `#${sid}` }).name;
  const other = (t) => (t.source_id === id ? t.target_id : t.source_id);
  const sorted = [...list.data].sort((a, b) => nameOf(other(a)).localeCompare(nameOf(other(b))));
  const items = sorted.map((t) => {
    const them = other(t);
    const today = todayIso();
    const ended = Boolean(t.valid_to && t.valid_to < today);
    const line = el("span", { class: "relation" });
    const kindText = t.source_id === id ? TIE_OUT[t.kind] : TIE_IN[t.kind];
    if (t.source_id === id) line.append(`${kindText || label("tieKinds", t.kind)} `, personLink(ctx, them));
    else line.append(personLink(ctx, them), ` ${kindText || label("tieKinds", t.kind)}`);
    return el(
      "li",
      { class: ended ? "tie ended" : "tie", dataset: { tieId: String(t.id) } },
      line,
      el("span", { class: "facts-line" }, tieFacts(t)),
      t.notes ? el("p", { class: "summary" }, t.notes) : null,
      ctx.editing
        ? itemActions(
            `the tie with ${nameOf(them)}`,
            () => ctx.editing.editTie(t.id),
            () => ctx.editing.deleteTie(t),
          )
        : null,
    );
  });
  replace(root, el("ul", { class: "history ties" }, items));
  if (list.count > list.data.length) {
    root.append(el("p", { class: "muted" }, `Showing ${list.data.length} of ${list.count} ties.`));
  }
}

function renderPath(ctx, result, root) {
  if (!result.path) {
    ctx.clearPath();
    replace(
      root,
      el("p", {}, "No path from the hub: nobody in the partnership is connected to them yet. Meet them, or ask a partner to introduce you."),
    );
    return;
  }
  ctx.highlightPath(result.path);
  const steps = el("ol", { class: "path" });
  result.path.forEach((id, i) => {
    const strength = i > 0 ? result.steps[i - 1].strength : null;
    steps.append(
      el(
        "li",
        {},
        personLink(ctx, id),
        strength !== null ? el("span", { class: "muted" }, ` (tie ${fmt.pct(strength)})`) : null,
      ),
    );
  });
  replace(
    root,
    el("p", {}, `Overall warmth ${fmt.pct(result.strength)}. Shown in bold on the map.`),
    steps,
  );
  if (result.alternatives && result.alternatives.length) {
    const alts = result.alternatives.map((a) =>
      el("li", {}, `${a.names.join(" → ")} (${fmt.pct(a.strength)})`),
    );
    root.append(el("details", {}, el("summary", {}, `${alts.length} other route${alts.length > 1 ? "s" : ""}`), el("ul", {}, alts)));
  }
}

