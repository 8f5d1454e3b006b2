// Small SVG charts built with DOM APIs (labels are text nodes, so names can never become markup).
// Each chart has a <title> and <desc> for screen readers, and pages also offer the numbers as a table.

import { el, svg } from "./lib.js";

const FONT = 12;

/**
 * The width to draw a chart at: its container's width in CSS pixels (so the text is drawn at its
 * real size on a phone), at most ``max``.
 */
export function chartWidth(container, max) {
  return Math.round(Math.min(max, Math.max(300, container.clientWidth || max)));
}

function legend(series) {
  return el(
    "ul",
    { class: "chart-legend" },
    series.map((s) =>
      el(
        "li",
        {},
        svg("svg", { width: 14, height: 14, viewBox: "0 0 14 14", "aria-hidden": "true" },
          svg("rect", { x: 1, y: 1, width: 12, height: 12, fill: s.colour, stroke: "#333", "stroke-width": 0.5 })),
        s.label,
      ),
    ),
  );
}

/** Call ``draw`` now and again (debounced) whenever the window's width changes. */
export function drawResponsive(draw) {
  let width = window.innerWidth;
  let timer = null;
  draw();
  window.addEventListener("resize", () => {
    if (window.innerWidth === width) return;
    width = window.innerWidth;
    clearTimeout(timer);
    timer = setTimeout(draw, 150);
  });
}

/**
 * Horizontal stacked bars: rows [{label, values: [n per series]}], series [{label, colour}].
 * Bars are scaled to the largest row total, with each segment's count written inside when it fits.
 */
export function stackedBars({ title, description, rows, series, width = 720, labelWidth }) {
  labelWidth = labelWidth || Math.min(170, Math.round(width * 0.42));
  const fit = Math.floor((labelWidth - 10) / 6.6);
  const short = (text) => (text.length > fit ? `${text.slice(0, fit - 1)}…` : text);
  const barH = 22;
  const gap = 8;
  const top = 6;
  const right = 48;
  const height = top + rows.length * (barH + gap) + 4;
  const max = Math.max(1, ...rows.map((r) => r.values.reduce((a, b) => a + b, 0)));
  const plot = width - labelWidth - right;
  const root = svg("svg", {
    class: "chart",
    viewBox: `0 0 ${width} ${height}`,
    role: "img",
  });
  const id = `chart-${Math.random().toString(36).slice(2, 9)}`;
  root.setAttribute("aria-labelledby", `${id}-t ${id}-d`);
  root.append(svg("title", { id: `${id}-t` }, title), svg("desc", { id: `${id}-d` }, description || title));
  rows.forEach((row, i) => {
    const y = top + i * (barH + gap);
    root.append(
      svg("text", { x: labelWidth - 8, y: y + barH / 2 + FONT / 2 - 2, "text-anchor": "end", "font-size": FONT, fill: "#1b1f24" },
        short(row.label), svg("title", {}, row.label)),
    );
    let x = labelWidth;
    row.values.forEach((v, j) => {
      if (!v) return;
      const w = (v / max) * plot;
      const s = series[j];
      root.append(
        svg("rect", { x, y, width: Math.max(w, 1), height: barH, fill: s.colour, stroke: "#ffffff", "stroke-width": 1 },
          svg("title", {}, `${row.label}: ${s.label} ${v}`)),
      );
      if (w > 22) {
        root.append(
          svg("text", { x: x + w / 2, y: y + barH / 2 + 4, "text-anchor": "middle", "font-size": 11, fill: s.ink || "#111111" }, String(v)),
        );
      }
      x += w;
    });
    const total = row.values.reduce((a, b) => a + b, 0);
    root.append(svg("text", { x: x + 6, y: y + barH / 2 + 4, "font-size": 11, fill: "#5a6470" }, String(total)));
  });
  return el("figure", { class: "chart-figure" }, root, legend(series));
}

/** Vertical grouped bars: categories [{label, values: [n per series]}], series [{label, colour}]. */
export function groupedBars({ title, description, categories, series, width = 640, height = 220 }) {
  const left = 34;
  const bottom = 34;
  const top = 10;
  const plotH = height - top - bottom;
  const plotW = width - left - 10;
  const max = Math.max(1, ...categories.flatMap((c) => c.values));
  const step = plotW / categories.length;
  const barW = Math.min(34, (step - 12) / series.length);
  const id = `chart-${Math.random().toString(36).slice(2, 9)}`;
  const root = svg("svg", { class: "chart", viewBox: `0 0 ${width} ${height}`, role: "img" });
  root.setAttribute("aria-labelledby", `${id}-t ${id}-d`);
  root.append(svg("title", { id: `${id}-t` }, title), svg("desc", { id: `${id}-d` }, description || title));
  const ticks = 4;
  for (let t = 0; t <= ticks; t++) {
    const v = Math.round((max * t) / ticks);
    const y = top + plotH - (plotH * v) / max;
    root.append(svg("line", { x1: left, x2: width - 10, y1: y, y2: y, stroke: "#e1e5ea" }));
    root.append(svg("text", { x: left - 4, y: y + 4, "text-anchor": "end", "font-size": 10, fill: "#5a6470" }, String(v)));
  }
  categories.forEach((c, i) => {
    const x0 = left + i * step + (step - barW * series.length) / 2;
    c.values.forEach((v, j) => {
      const h = (plotH * v) / max;
      const x = x0 + j * barW;
      root.append(
        svg("rect", { x, y: top + plotH - h, width: barW - 2, height: Math.max(h, 0), fill: series[j].colour, stroke: "#333", "stroke-width": 0.4 },
          svg("title", {}, `${c.label}: ${series[j].label} ${v}`)),
      );
      if (v) {
        root.append(svg("text", { x: x + (barW - 2) / 2, y: top + plotH - h - 3, "text-anchor": "middle", "font-size": 10, fill: "#1b1f24" }, String(v)));
      }
    });
    root.append(
      svg("text", { x: left + i * step + step / 2, y: height - bottom + 16, "text-anchor": "middle", "font-size": FONT, fill: "#1b1f24" }, c.label),
    );
  });
  root.append(svg("line", { x1: left, x2: width - 10, y1: top + plotH, y2: top + plotH, stroke: "#333" }));
  return el("figure", { class: "chart-figure" }, root, legend(series));
}

/** A table of the same numbers, for screen readers and for copying. */
export function numbersTable(caption, headers, rows) {
  return el(
    "details",
    { class: "chart-table" },
    el("summary", {}, "Show the numbers as a table"),
    el(
      "div",
      { class: "table-wrap" },
      el(
        "table",
        { class: "data" },
        el("caption", { class: "visually-hidden" }, caption),
        el("thead", {}, el("tr", {}, headers.map((h, i) => el("th", { class: i ? "num" : null, scope: "col" }, h)))),
        el("tbody", {}, rows.map((r) => el("tr", {}, r.map((c, i) => (i ? el("td", { class: "num" }, c) : el("th", { scope: "row" }, c)))))),
      ),
    ),
  );
}
