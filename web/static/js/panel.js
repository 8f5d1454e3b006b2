// The map's side panel: one stakeholder's profile, metrics, gaps, engagement history and the
// warmest path to them from the hub (lit up on the map).

import { api, el, errorText, fmt, label, page, replace } from "./lib.js";
import { metricOf, organisationName, quadrant } from "./graphmodel.js";
import { gapItem } from "./gapview.js";

const body = () => document.getElementById("panel-body");
let token = 0;

function row(term, value) {
  if (value === null || value === undefined || value === "") return null;
  return [el("dt", {}, term), el("dd", {}, value)];
}

function section(title, ...children) {
  return el("section", { class: "panel-section" }, el("h3", {}, title), ...children);
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
  const history = el("div", {}, el("p", { class: "muted" }, "Loading engagement history…"));
  const path = el("div", {}, el("p", { class: "muted" }, "Finding the warmest path…"));
  replace(
    root,
    heading,
    subtitle,
    actions,
    section("Warmest path from the hub", path),
    section("Gaps", gapList),
    section("Profile", profile),
    section("Metrics", metrics),
    section("Engagement history", history),
  );
  renderMetrics(ctx, node, metrics);
  renderGaps(ctx, id, gapList);
  if (ctx.focusPanel) heading.focus({ preventScroll: true });
  const jobs = [
    api(`/partnerships/${page.pid}/stakeholders/${id}`).then(
      (s) => mine === token && renderProfile(ctx, s, profile),
      (e) => mine === token && replace(profile, el("dd", {}, errorText(e))),
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
    return el(
      "li",
      {},
      el("span", { class: "when" }, fmt.date(e.occurred_on)),
      el("span", { class: "channel" }, label("channels", e.channel)),
      " with ",
      who,
      e.summary ? el("p", { class: "summary" }, e.summary) : null,
    );
  });
  replace(root, el("ol", { class: "history" }, items));
  if (list.count > list.data.length) {
    root.append(el("p", { class: "muted" }, `Showing the latest ${list.data.length} of ${list.count}.`));
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

