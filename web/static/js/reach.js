// The Reach page: tiers by sector (a chart), organisations' reach and bus factors, and partners'
// unique reach. Numbers from /analysis/reach and /analysis/fragility; names from /graph.

import { api, el, errorText, fmt, label, page, progressText, replace, status } from "./lib.js";
import { loadGraph, organisationName } from "./graphmodel.js";
import { chartWidth, drawResponsive } from "./charts.js";
import { sectorChart } from "./reachcharts.js";

const statusLine = document.getElementById("reach-status");

function kpi(term, value, note) {
  return el("div", {}, el("dt", {}, term), el("dd", {}, value), note ? el("p", { class: "muted" }, note) : null);
}

function mapLink(model, id) {
  const n = model.nodes.get(id);
  return el("a", { href: `/partnerships/${page.pid}?focus=${id}` }, n ? n.name : `#${id}`);
}

async function load() {
  let reach;
  let fragility;
  let model;
  try {
    [reach, fragility, model] = await Promise.all([
      api(`/partnerships/${page.pid}/analysis/reach`, { onProgress: (p) => status(statusLine, progressText(p), "info") }),
      api(`/partnerships/${page.pid}/analysis/fragility`),
      loadGraph(page.pid),
    ]);
  } catch (error) {
    status(statusLine, `Reach could not be loaded: ${errorText(error)}`, "error");
    return;
  }
  const s = reach.summary;
  if (!s.N) {
    status(statusLine, "Nobody outside the core yet: add partner organisations and people on the Map page, or import them, to see how far the partnership reaches.", "info");
  } else {
    status(statusLine, "", "info");
  }
  replace(
    document.getElementById("reach-kpis"),
    kpi("Stakeholders outside the core", fmt.int(s.N)),
    kpi("1 step from the core", fmt.pct(s.coverage_1), `${fmt.int(s.reach_1)} stakeholders`),
    kpi("Within 2 steps", fmt.pct(s.coverage_2), `${fmt.int(s.reach_2)} stakeholders`),
    kpi("Within 3 steps", fmt.pct(s.coverage_3), `${fmt.int(s.reach_3)} stakeholders`),
    kpi("Not reached at all", fmt.int(s.unreached)),
    kpi("Key players within 2 steps", fmt.pct(s.key_player_coverage), `of ${fmt.int(s.key_players)} with influence 4–5`),
  );
  const chart = document.getElementById("sector-chart");
  drawResponsive(() => replace(chart, sectorChart(s.by_sector, chartWidth(chart, 760))));

  const busFactor = fragility.bus_factor || {};
  const orgRows = Object.entries(s.by_organisation || {})
    .map(([id, c]) => ({ id: Number(id), c, bus: busFactor[id] }))
    .filter((r) => model.nodes.has(r.id))
    .sort((a, b) => (a.bus ?? 99) - (b.bus ?? 99) || b.c.N - a.c.N);
  const orgTable = document.getElementById("org-table");
  orgTable.append(
    el("thead", {}, el("tr", {},
      el("th", { scope: "col" }, "Organisation"),
      el("th", { scope: "col" }, "Sector"),
      el("th", { scope: "col", class: "num" }, "Tier"),
      el("th", { scope: "col", class: "num" }, "On the map"),
      el("th", { scope: "col", class: "num" }, "1 step from core"),
      el("th", { scope: "col", class: "num" }, "Bus factor"))),
    el("tbody", {}, orgRows.map((r) => {
      const n = model.nodes.get(r.id);
      const bus = r.bus === undefined ? "—" : String(r.bus);
      const warn = r.bus === 1 ? " (single-threaded)" : r.bus === 0 ? " (no direct tie)" : "";
      return el("tr", { class: r.bus !== undefined && r.bus <= 1 ? "risk" : null },
        el("th", { scope: "row" }, mapLink(model, r.id)),
        el("td", {}, label("sectors", n.sector)),
        el("td", { class: "num" }, r.c.tier === null ? "not reached" : String(r.c.tier)),
        el("td", { class: "num" }, fmt.int(r.c.N)),
        el("td", { class: "num" }, `${fmt.int(r.c.reach_1)} (${fmt.pct(r.c.coverage_1)})`),
        el("td", { class: "num" }, bus + warn));
    })),
  );
  if (!orgRows.length) orgTable.append(el("tbody", {}, el("tr", {}, el("td", { colspan: 6 }, "No organisations on the map yet."))));

  const unique = Object.entries(reach.unique_reach || {})
    .map(([id, ids]) => ({ id: Number(id), ids }))
    .filter((r) => r.ids.length && model.nodes.has(r.id))
    .sort((a, b) => b.ids.length - a.ids.length || model.nodes.get(a.id).name.localeCompare(model.nodes.get(b.id).name));
  const uniqueTable = document.getElementById("unique-table");
  uniqueTable.append(
    el("thead", {}, el("tr", {},
      el("th", { scope: "col" }, "Partner (1 step from core)"),
      el("th", { scope: "col" }, "Organisation"),
      el("th", { scope: "col", class: "num" }, "Reached only through them"),
      el("th", { scope: "col" }, "Who"))),
    el("tbody", {}, unique.slice(0, 50).map((r) => {
      const n = model.nodes.get(r.id);
      const who = el("td", {});
      r.ids.slice(0, 6).forEach((id, i) => {
        if (i) who.append(", ");
        who.append(mapLink(model, id));
      });
      if (r.ids.length > 6) who.append(` and ${r.ids.length - 6} more`);
      return el("tr", {},
        el("th", { scope: "row" }, mapLink(model, r.id)),
        el("td", {}, organisationName(model, n) || "—"),
        el("td", { class: "num" }, String(r.ids.length)),
        who);
    })),
  );
  if (!unique.length) {
    uniqueTable.append(el("tbody", {}, el("tr", {}, el("td", { colspan: 4 }, "Nobody is reached through one partner alone: every stakeholder two steps out has more than one route in."))));
  }
}

load();
