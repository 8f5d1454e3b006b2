// The board report: headline numbers, reach by sector and engagement charts (inline SVG built
// with DOM APIs), top gaps and recommendations. Printable on A4.

import { LABELS, LEVEL_COLOURS, LEVEL_ORDER, api, el, errorText, fmt, label, page, progressText, replace, status, todayIso } from "./lib.js";
import { loadGraph } from "./graphmodel.js";
import { chartWidth, drawResponsive, groupedBars, stackedBars } from "./charts.js";
import { TIER_SERIES, sectorRows } from "./reachcharts.js";

const $ = (id) => document.getElementById(id);
const statusLine = $("report-status");

function kpi(term, value) {
  return el("div", {}, el("dt", {}, term), el("dd", {}, value));
}

function daysAgo(n) {
  const d = new Date();
  d.setDate(d.getDate() - n);
  return d.toISOString().slice(0, 10);
}

async function load() {
  let summary;
  let reach;
  let gaps;
  let recs;
  let model;
  let recent;
  try {
    [summary, reach, gaps, recs, model, recent] = await Promise.all([
      api(`/partnerships/${page.pid}/analysis/summary`, { onProgress: (p) => status(statusLine, progressText(p), "info") }),
      api(`/partnerships/${page.pid}/analysis/reach`),
      api(`/partnerships/${page.pid}/analysis/gaps`),
      api(`/partnerships/${page.pid}/analysis/recommendations?k=5`),
      loadGraph(page.pid),
      api(`/partnerships/${page.pid}/engagements?since=${daysAgo(90)}&limit=1`),
    ]);
  } catch (error) {
    status(statusLine, `The report could not be prepared: ${errorText(error)}`, "error");
    $("report").dataset.state = "error";
    return;
  }
  $("report-date").textContent = `as of ${fmt.date(summary.as_of || todayIso())}`;
  const r = summary.reach || {};
  const list = gaps.gaps || [];
  const high = list.filter((g) => g.severity === "high").length;
  replace(
    $("report-kpis"),
    kpi("Stakeholders mapped", fmt.int(r.N)),
    kpi("Reached directly (1 step)", fmt.pct(r.coverage_1)),
    kpi("Reached within 2 steps", fmt.pct(r.coverage_2)),
    kpi("Not reached", fmt.int(r.unreached)),
    kpi("Key players within 2 steps", fmt.pct(summary.key_player_coverage)),
    kpi("Urgent gaps", fmt.int(high)),
    kpi("Engagements, last 90 days", fmt.int(recent.count)),
    kpi("Cross-sector ties (E-I)", fmt.num(summary.ei_index ? summary.ei_index.sector : null, 2)),
  );

  drawResponsive(() => drawCharts(reach, model));
  replace(
    $("report-gaps"),
    list.length
      ? el(
          "ol",
          { class: "gaps" },
          list.slice(0, 10).map((g) =>
            el("li", {}, el("strong", {}, `${label("severities", g.severity)}: `), g.message, g.suggestion ? el("span", { class: "muted" }, ` ${g.suggestion}`) : null),
          ),
        )
      : el("p", {}, "No gaps found."),
    list.length > 10 ? el("p", { class: "muted" }, `${list.length - 10} more gaps are listed in Stakemap.`) : null,
  );

  const picks = recs.recommendations || [];
  replace(
    $("report-recs"),
    picks.length
      ? el(
          "ol",
          {},
          picks.map((p) =>
            el(
              "li",
              {},
              el("strong", {}, p.name),
              `: would bring ${p.new_count} more stakeholder${p.new_count === 1 ? "" : "s"} within two steps`,
              p.introducer ? ` (introduction through ${p.introducer.name})` : "",
              ".",
            ),
          ),
        )
      : el("p", {}, "No recommendations: everyone is already within two steps of the partnership."),
  );
  status(statusLine, "", "info");
  $("report").dataset.state = "ready";
}

function drawCharts(reach, model) {
  const rows = sectorRows(reach.summary.by_sector);
  replace(
    $("report-reach"),
    rows.length
      ? stackedBars({
          title: "Stakeholders by sector and steps from the core",
          rows,
          series: TIER_SERIES,
          width: chartWidth($("report-reach"), 640),
        })
      : el("p", { class: "muted" }, "No stakeholders outside the core yet."),
  );

  const outside = [...model.nodes.values()].filter((n) => !model.core.has(n.id) && n.kind !== "hub");
  const categories = LEVEL_ORDER.map((l) => ({
    label: LABELS.levels[l],
    values: [outside.filter((n) => n.engagement === l).length, outside.filter((n) => n.desired_engagement === l).length],
  }));
  const assessed = outside.filter((n) => n.engagement).length;
  replace(
    $("report-engagement"),
    assessed
      ? groupedBars({
          title: "Stakeholders by engagement now and wanted",
          categories,
          series: [
            { label: "Now", colour: LEVEL_COLOURS.leading },
            { label: "Wanted", colour: "#E69F00" },
          ],
          width: chartWidth($("report-engagement"), 600),
          height: 210,
        })
      : el("p", { class: "muted" }, "No engagement levels assessed yet."),
    el("p", { class: "muted" }, `${assessed} of ${outside.length} stakeholders have their engagement assessed.`),
  );
}

$("print-report").addEventListener("click", () => window.print());
load();
