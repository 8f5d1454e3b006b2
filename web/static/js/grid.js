// The Grid page: the power/interest (Mendelow) grid with current → desired engagement, and the
// PMBOK engagement assessment matrix. Both come from /graph's stakeholder attributes.

import { LABELS, LEVEL_ORDER, el, errorText, label, page, replace, status, svg } from "./lib.js";
import { loadGraph, organisationName, quadrant } from "./graphmodel.js";

const statusLine = document.getElementById("grid-status");
const PER_CELL = 6;
const MATRIX_PAGE = 100;

/** A five-step scale from unaware to leading: a dot now, an arrow to the engagement wanted. */
function engagementScale(node) {
  const now = LEVEL_ORDER.indexOf(node.engagement);
  const want = LEVEL_ORDER.indexOf(node.desired_engagement);
  const x = (i) => 5 + i * 13;
  const box = svg("svg", { class: "arrow", width: 62, height: 12, viewBox: "0 0 62 12", "aria-hidden": "true" });
  box.append(svg("line", { x1: 5, x2: 57, y1: 6, y2: 6, stroke: "#c5ccd3", "stroke-width": 1 }));
  for (let i = 0; i < 5; i++) box.append(svg("line", { x1: x(i), x2: x(i), y1: 3, y2: 9, stroke: "#b8c0c8" }));
  if (now >= 0 && want >= 0 && want !== now) {
    const dir = want > now ? 1 : -1;
    box.append(svg("line", { x1: x(now), x2: x(want) - dir * 4, y1: 6, y2: 6, stroke: "#D55E00", "stroke-width": 2 }));
    const tip = x(want) + dir;
    box.append(svg("polygon", { points: `${tip},6 ${tip - dir * 6},2 ${tip - dir * 6},10`, fill: "#D55E00" }));
  } else if (want >= 0 && now < 0) {
    box.append(svg("circle", { cx: x(want), cy: 6, r: 3, fill: "none", stroke: "#111", "stroke-width": 1.4 }));
  }
  if (now >= 0) box.append(svg("circle", { cx: x(now), cy: 6, r: 3.2, fill: "#0072B2", stroke: "#fff", "stroke-width": 0.8 }));
  return box;
}

function engagementText(node) {
  if (!node.engagement && !node.desired_engagement) return "engagement not assessed";
  return `${label("levels", node.engagement)} now, ${label("levels", node.desired_engagement)} wanted`;
}

function renderGrid(model, people) {
  const grid = document.getElementById("pigrid");
  const cells = new Map();
  for (const n of people) {
    const key = `${n.influence}-${n.interest}`;
    if (!cells.has(key)) cells.set(key, []);
    cells.get(key).push(n);
  }
  replace(grid);
  for (let influence = 5; influence >= 1; influence--) {
    grid.append(el("div", { class: "axis", "aria-hidden": "true" }, `${influence}`));
    for (let interest = 1; interest <= 5; interest++) {
      const here = (cells.get(`${influence}-${interest}`) || []).sort((a, b) => a.name.localeCompare(b.name));
      const q = quadrant({ influence, interest });
      const cell = el("div", {
        class: `cell q-${q}`,
        role: "group",
        "aria-label": `Influence ${influence}, interest ${interest}: ${here.length} stakeholder${here.length === 1 ? "" : "s"}`,
      });
      const list = el("ul", {});
      const item = (n) =>
        el(
          "li",
          { title: `${n.name}: ${engagementText(n)}` },
          el("a", { href: `/partnerships/${page.pid}?focus=${n.id}` }, n.name),
          engagementScale(n),
          el("span", { class: "visually-hidden" }, `, ${engagementText(n)}`),
        );
      here.slice(0, PER_CELL).forEach((n) => list.append(item(n)));
      cell.append(list);
      if (here.length > PER_CELL) {
        const button = el("button", { type: "button", class: "link more" }, `+ ${here.length - PER_CELL} more`);
        button.addEventListener("click", () => {
          here.slice(PER_CELL).forEach((n) => list.append(item(n)));
          button.remove();
        });
        cell.append(button);
      }
      grid.append(cell);
    }
  }
  grid.append(el("div", { class: "axis" }, ""));
  for (let interest = 1; interest <= 5; interest++) grid.append(el("div", { class: "axis", "aria-hidden": "true" }, `${interest}`));
  grid.append(el("div", { class: "axis" }, ""), el("div", { class: "axis x-title" }, "Interest →"));
  const key = document.getElementById("quadrant-key");
  replace(
    key,
    el("span", {}, "Rows: influence 5 (top) to 1. Columns: interest 1 to 5."),
    ...Object.entries(LABELS.quadrants).map(([q, name]) => el("span", {}, el("span", { class: `qbox q-${q}`, "aria-hidden": "true" }), name)),
  );
}

function renderMatrix(model, rows) {
  const table = document.getElementById("matrix");
  const head = el(
    "thead",
    {},
    el("tr", {},
      el("th", { scope: "col" }, "Stakeholder"),
      el("th", { scope: "col" }, "Organisation"),
      el("th", { scope: "col" }, "Grid"),
      LEVEL_ORDER.map((l) => el("th", { scope: "col", class: "num" }, LABELS.levels[l])),
      el("th", { scope: "col", class: "num" }, "Steps short")),
  );
  const body = el("tbody", {});
  let shown = 0;
  const more = document.getElementById("matrix-more");
  const addRows = () => {
    for (const n of rows.slice(shown, shown + MATRIX_PAGE)) {
      const now = LEVEL_ORDER.indexOf(n.engagement);
      const want = LEVEL_ORDER.indexOf(n.desired_engagement);
      const gap = now >= 0 && want >= 0 ? want - now : null;
      body.append(
        el("tr", {},
          el("th", { scope: "row" }, el("a", { href: `/partnerships/${page.pid}?focus=${n.id}` }, n.name)),
          el("td", {}, organisationName(model, n) || "—"),
          el("td", {}, label("quadrants", quadrant(n))),
          LEVEL_ORDER.map((l, i) => {
            const c = i === now;
            const d = i === want;
            const mark = c && d ? "C D" : c ? "C" : d ? "D" : "";
            return el("td", { class: `mark${c && d ? " both" : c ? " cur" : d ? " want" : ""}` }, mark);
          }),
          el("td", { class: "num" }, gap === null ? "—" : String(gap))),
      );
    }
    shown = Math.min(rows.length, shown + MATRIX_PAGE);
    more.hidden = shown >= rows.length;
    more.textContent = `Show ${Math.min(MATRIX_PAGE, rows.length - shown)} more of ${rows.length - shown}`;
  };
  more.addEventListener("click", addRows);
  addRows();
  table.append(head, body);
}

async function load() {
  let model;
  try {
    model = await loadGraph(page.pid);
  } catch (error) {
    status(statusLine, `The stakeholders could not be loaded: ${errorText(error)}`, "error");
    return;
  }
  const outside = [...model.nodes.values()].filter((n) => !model.core.has(n.id) && n.kind !== "hub");
  const rated = outside.filter((n) => n.influence && n.interest);
  const assessed = outside
    .filter((n) => n.engagement || n.desired_engagement)
    .sort((a, b) => (b.influence || 0) - (a.influence || 0) || a.name.localeCompare(b.name));
  renderGrid(model, rated);
  renderMatrix(model, assessed);
  const unrated = outside.length - rated.length;
  if (!outside.length) {
    status(statusLine, "Nobody on the map yet: add stakeholders on the Map page, then rate their influence, interest and engagement.", "info");
  } else {
    status(
      statusLine,
      `${rated.length} of ${outside.length} stakeholders are rated for influence and interest.` +
        (unrated ? ` Rate the other ${unrated} (Edit, on the map) to place them on the grid.` : ""),
      "info",
    );
  }
}

load();
