// Reach by sector as a chart: shared by the Reach page and the board report.

import { el, label } from "./lib.js";
import { numbersTable, stackedBars } from "./charts.js";

export const TIER_SERIES = [
  { label: "1 step", colour: "#0072B2", ink: "#ffffff" },
  { label: "2 steps", colour: "#56B4E9" },
  { label: "3 steps", colour: "#A6D8F0" },
  { label: "Further", colour: "#E69F00" },
  { label: "Not reached", colour: "#BBBBBB" },
];

/** Rows of the tiers-by-sector chart from reach.summary.by_sector. */
export function sectorRows(bySector) {
  return Object.entries(bySector || {})
    .filter(([, c]) => c.N > 0)
    .map(([sector, c]) => ({
      label: sector === "hub" ? "The hub's own groups" : sector === "none" ? "No sector" : label("sectors", sector),
      values: [
        c.reach_1,
        c.reach_2 - c.reach_1,
        c.reach_3 - c.reach_2,
        c.N - c.reach_3 - c.unreached,
        c.unreached,
      ],
    }))
    .sort((a, b) => b.values.reduce((x, y) => x + y, 0) - a.values.reduce((x, y) => x + y, 0));
}

export function sectorChart(bySector, width) {
  const rows = sectorRows(bySector);
  return el(
    "div",
    {},
    stackedBars({
      title: "Stakeholders by sector and steps from the core",
      description: rows.map((r) => `${r.label}: ${r.values.join(", ")}`).join("; "),
      rows,
      series: TIER_SERIES,
      width,
    }),
    numbersTable("Stakeholders by sector and steps from the core", ["Sector", ...TIER_SERIES.map((s) => s.label)], rows.map((r) => [r.label, ...r.values.map(String)])),
  );
}
