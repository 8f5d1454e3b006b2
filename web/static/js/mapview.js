// What the map draws: the nodes and edges of a view (everyone, organisations, ego), their colour,
// size and shape, the tier-rings layout, and the legend. No vis-network calls live here except
// building plain item objects; map.js owns the network.

import {
  CATEGORY_COLOURS,
  LABELS,
  LEVEL_COLOURS,
  LEVEL_ORDER,
  SECTOR_COLOURS,
  SECTOR_ORDER,
  TIER_COLOURS,
  el,
  label,
  replace,
  svg,
} from "./lib.js";
import { organisationName } from "./graphmodel.js";

export const SHAPES = { hub: "star", organisation: "square", group: "hexagon", person: "dot" };
/** Above this many stakeholders the map opens on the organisation view. */
export const ORG_VIEW_ABOVE = 500;
/** Views bigger than this are laid out on tier rings: a force layout would take too long. */
export const PHYSICS_MAX_NODES = 500;
export const PHYSICS_MAX_EDGES = 3000;

const MAX_LABEL = 30;
const short = (s) => (s.length > MAX_LABEL ? `${s.slice(0, MAX_LABEL - 1)}…` : s);

// -- views --------------------------------------------------------------------------------------

/** The stakeholders and ties of the whole map. */
export function fullView(model) {
  return {
    kind: "full",
    nodes: [...model.nodes.values()].map((n) => ({ id: n.id, node: n, members: 1 })),
    edges: model.links.map((l) => ({ a: l.source, b: l.target, strength: l.strength, count: 1 })),
  };
}

/** One node per organisation (members folded in; the core folded into the hub). */
export function organisationView(model) {
  const groups = new Map();
  for (const n of model.nodes.values()) {
    const g = n.group;
    if (!groups.has(g)) groups.set(g, { id: g, node: model.nodes.get(g), members: 0 });
    groups.get(g).members += 1;
  }
  const edges = new Map();
  for (const l of model.links) {
    const a = model.nodes.get(l.source).group;
    const b = model.nodes.get(l.target).group;
    if (a === b) continue;
    const key = a < b ? `${a}-${b}` : `${b}-${a}`;
    const e = edges.get(key) || { a: Math.min(a, b), b: Math.max(a, b), strength: 0, count: 0 };
    e.strength = Math.max(e.strength, l.strength);
    e.count += 1;
    edges.set(key, e);
  }
  return { kind: "organisations", nodes: [...groups.values()], edges: [...edges.values()] };
}

/** A stakeholder, everyone within ``depth`` steps, and the ties among them. */
export function egoView(model, centre, depth = 1) {
  const keep = new Set([centre]);
  let frontier = [centre];
  for (let d = 0; d < depth; d++) {
    const next = [];
    for (const v of frontier) {
      for (const [u] of model.adj.get(v) || []) {
        if (!keep.has(u)) {
          keep.add(u);
          next.push(u);
        }
      }
    }
    frontier = next;
  }
  keep.add(model.hubId);
  return {
    kind: "ego",
    centre,
    nodes: [...keep].map((id) => ({ id, node: model.nodes.get(id), members: 1 })),
    edges: model.links
      .filter((l) => keep.has(l.source) && keep.has(l.target))
      .map((l) => ({ a: l.source, b: l.target, strength: l.strength, count: 1 })),
  };
}

// -- colour ---------------------------------------------------------------------------------------

export function colourKey(node, by, analysis) {
  if (by === "sector") return node.kind === "hub" ? "hub" : node.sector || "none";
  if (by === "engagement") return node.kind === "hub" ? "hub" : node.engagement || "none";
  if (by === "tier") return node.tier === null ? "unreached" : String(Math.min(node.tier, 4));
  if (by === "community") {
    const c = analysis.community ? analysis.community.get(node.id) : undefined;
    return c === undefined ? "none" : String(c);
  }
  return "none";
}

export function colourFor(key, by) {
  if (key === "hub") return "#222222";
  if (by === "sector") return SECTOR_COLOURS[key] || SECTOR_COLOURS.none;
  if (by === "engagement") return LEVEL_COLOURS[key] || LEVEL_COLOURS.none;
  if (by === "tier") return key === "unreached" ? "#CC3311" : TIER_COLOURS[Number(key)];
  if (by === "community") {
    return key === "none" ? "#DDDDDD" : CATEGORY_COLOURS[Number(key) % CATEGORY_COLOURS.length];
  }
  return "#999999";
}

function tierLabel(key) {
  if (key === "unreached") return "Not reached";
  if (key === "0") return "Core (hub and team)";
  if (key === "4") return "4 or more steps";
  return key === "1" ? "1 step from the core" : `${key} steps from the core`;
}

// -- items for vis-network ------------------------------------------------------------------------

/** A tooltip element (vis-network renders a string title as HTML: never pass one). */
export function tooltip(model, item) {
  const n = item.node;
  const box = el("div", { class: "tip" });
  box.append(el("strong", {}, n.name));
  const org = organisationName(model, n);
  const kind = n.kind === "hub" ? "The hub" : label("kinds", n.kind);
  box.append(el("div", {}, org ? `${kind} · ${org}` : kind));
  if (n.kind !== "hub") box.append(el("div", {}, `Sector: ${label("sectors", n.sector)}`));
  if (n.engagement || n.desired_engagement) {
    box.append(
      el("div", {}, `Engagement: ${label("levels", n.engagement)} → ${label("levels", n.desired_engagement)}`),
    );
  }
  box.append(el("div", {}, n.tier === null ? "Not reached from the core" : `Tier ${n.tier}`));
  if (item.members > 1) box.append(el("div", {}, `${item.members} stakeholders on the map`));
  return box;
}

const BASE_SIZE = { hub: 30, organisation: 15, group: 13, person: 10 };

export function sizeValue(item, by, analysis) {
  const n = item.node;
  if (item.members > 1) return item.members;
  if (by === "none") return BASE_SIZE[item.node.kind] || 10;
  if (by === "degree") return n.degree;
  if (by === "strength") return n.strength;
  if (by === "influence") return n.influence || 0;
  const m = analysis.metrics ? analysis.metrics[by] : null;
  return m ? m.get(n.id) || 0 : 1;
}

/** The vis-network node object for one view item. */
export function nodeItem(model, item, style, analysis) {
  const n = item.node;
  const key = colourKey(n, style.colour, analysis);
  const colour = colourFor(key, style.colour);
  const gap = analysis.gapSeverity ? analysis.gapSeverity.get(n.id) : undefined;
  const kind = item.members > 1 && n.kind !== "hub" ? "organisation" : n.kind;
  const out = {
    id: n.id,
    label: short(item.members > 1 ? `${n.name} (${item.members})` : n.name),
    shape: SHAPES[kind] || "dot",
    title: tooltip(model, item),
    color: {
      background: colour,
      border: gap === "high" ? "#000000" : "#444444",
      highlight: { background: colour, border: "#000000" },
      hover: { background: colour, border: "#000000" },
    },
    borderWidth: gap === "high" ? 4 : 1,
    borderWidthSelected: 5,
    shapeProperties: { borderDashes: false },
    font: { color: "#111111", strokeWidth: 3, strokeColor: "#ffffff", size: n.kind === "hub" ? 18 : 13 },
  };
  out.value = n.kind === "hub" ? Math.max(1, analysis.maxValue || 1) * 1.3 : sizeValue(item, style.size, analysis);
  if (n.kind === "hub") {
    out.fixed = { x: true, y: true };
    out.x = 0;
    out.y = 0;
    out.mass = 5;
  }
  return out;
}

export function edgeId(a, b) {
  return a < b ? `${a}-${b}` : `${b}-${a}`;
}

export function edgeItem(e) {
  const s = e.strength;
  return {
    id: edgeId(e.a, e.b),
    from: e.a,
    to: e.b,
    width: 0.5 + 2.5 * s,
    color: { color: s >= 0.5 ? "#8a96a3" : "#b9c2cb", highlight: "#111111", hover: "#333333", opacity: 0.45 + 0.45 * s },
    title: e.count > 1 ? `${e.count} ties, strongest ${Math.round(s * 100)}%` : `Tie strength ${Math.round(s * 100)}%`,
  };
}

// -- the tier-rings layout ------------------------------------------------------------------------

export const RING_STEP = 200;

/**
 * Positions on concentric rings: the hub at the centre, the core around it, then one ring per
 * tier; unreached stakeholders on the outermost ring. Along a ring, stakeholders are ordered by
 * sector and organisation so that sectors form arcs. Returns {positions, radii}.
 */
export function ringLayout(model, items) {
  const rings = new Map();
  for (const item of items) {
    const n = item.node;
    if (n.kind === "hub") continue;
    const key = n.tier === null ? "unreached" : n.tier;
    if (!rings.has(key)) rings.set(key, []);
    rings.get(key).push(item);
  }
  const order = [...rings.keys()].filter((k) => k !== "unreached").sort((a, b) => a - b);
  if (rings.has("unreached")) order.push("unreached");
  const sectorRank = (s) => (s ? SECTOR_ORDER.indexOf(s) : SECTOR_ORDER.length);
  const positions = new Map([[model.hubId, { x: 0, y: 0 }]]);
  const radii = [];
  let last = 0;
  for (const key of order) {
    const ring = rings.get(key);
    ring.sort(
      (p, q) =>
        sectorRank(p.node.sector) - sectorRank(q.node.sector) ||
        (p.node.group || 0) - (q.node.group || 0) ||
        p.node.name.localeCompare(q.node.name),
    );
    const wanted = key === 0 ? 140 : last + RING_STEP;
    const needed = (ring.length * 30) / (2 * Math.PI);
    const r = Math.max(wanted, needed, last + 100);
    ring.forEach((item, i) => {
      const angle = (2 * Math.PI * i) / ring.length - Math.PI / 2;
      positions.set(item.node.id, { x: r * Math.cos(angle), y: r * Math.sin(angle) });
    });
    radii.push({ key, r, count: ring.length });
    last = r;
  }
  return { positions, radii };
}

/** Positions near where related nodes are, so a new node appears beside its organisation. */
export function seedNear(model, id, positions) {
  const n = model.nodes.get(id);
  const anchor = [n.organisation_id, ...(model.adj.get(id) || []).map(([u]) => u)].find(
    (u) => u !== null && u !== undefined && positions[u],
  );
  const base = anchor !== undefined ? positions[anchor] : { x: 0, y: 0 };
  const angle = Math.random() * 2 * Math.PI;
  return { x: base.x + 80 * Math.cos(angle), y: base.y + 80 * Math.sin(angle) };
}

// -- legend ---------------------------------------------------------------------------------------

function swatch(colour, shape = "dot") {
  const box = svg("svg", { width: 16, height: 16, viewBox: "0 0 16 16", "aria-hidden": "true", class: "swatch" });
  const attrs = { fill: colour, stroke: "#333", "stroke-width": 1 };
  if (shape === "square") box.append(svg("rect", { x: 2, y: 2, width: 12, height: 12, ...attrs }));
  else if (shape === "star") {
    box.append(svg("polygon", { points: "8,1 10,6 15,6 11,9.5 12.5,15 8,11.5 3.5,15 5,9.5 1,6 6,6", ...attrs }));
  } else if (shape === "hexagon") {
    box.append(svg("polygon", { points: "8,1 14,4.5 14,11.5 8,15 2,11.5 2,4.5", ...attrs }));
  } else if (shape === "dashed") {
    box.append(svg("circle", { cx: 8, cy: 8, r: 5.5, fill: "#fff", stroke: "#000", "stroke-width": 3 }));
  } else box.append(svg("circle", { cx: 8, cy: 8, r: 6, ...attrs }));
  return box;
}

/** Draw the legend for the current colouring into ``root``; only keys present are listed. */
export function renderLegend(root, model, items, style, analysis) {
  const counts = new Map();
  for (const item of items) {
    const key = colourKey(item.node, style.colour, analysis);
    counts.set(key, (counts.get(key) || 0) + 1);
  }
  let keys = [...counts.keys()].filter((k) => k !== "hub");
  const rank = {
    sector: (k) => (k === "none" ? 99 : SECTOR_ORDER.indexOf(k)),
    engagement: (k) => (k === "none" ? 99 : LEVEL_ORDER.indexOf(k)),
    tier: (k) => (k === "unreached" ? 99 : Number(k)),
    community: (k) => (k === "none" ? 9999 : Number(k)),
  }[style.colour];
  keys.sort((a, b) => rank(a) - rank(b));
  let more = 0;
  if (style.colour === "community" && keys.length > 12) {
    more = keys.length - 12;
    keys = keys.slice(0, 12);
  }
  const text = (k) => {
    if (style.colour === "sector") return k === "none" ? "No sector" : LABELS.sectors[k];
    if (style.colour === "engagement") return k === "none" ? "Not assessed" : LABELS.levels[k];
    if (style.colour === "tier") return tierLabel(k);
    return k === "none" ? "Not yet computed" : `Community ${Number(k) + 1}`;
  };
  const list = el("ul", { class: "legend-list" });
  list.append(el("li", {}, swatch("#222222", "star"), "The hub"));
  for (const k of keys) {
    list.append(el("li", {}, swatch(colourFor(k, style.colour)), `${text(k)} (${counts.get(k)})`));
  }
  if (more) list.append(el("li", { class: "muted" }, `and ${more} smaller communities`));
  const shapes = el(
    "ul",
    { class: "legend-list shapes" },
    el("li", {}, swatch("#fff", "square"), "Organisation"),
    el("li", {}, swatch("#fff", "dot"), "Person"),
    el("li", {}, swatch("#fff", "hexagon"), "Group"),
    el("li", {}, swatch("#fff", "dashed"), "Thick outline: an urgent gap"),
  );
  const title = { sector: "Sector", engagement: "Engagement now", tier: "Steps from the core", community: "Community" }[style.colour];
  replace(
    root,
    el("details", { open: window.innerWidth > 700 },
      el("summary", {}, `Legend: ${title}`),
      list,
      shapes,
      el("p", { class: "muted" }, "Line thickness shows tie strength."),
    ),
  );
}

