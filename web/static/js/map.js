// The Map page: the hub-centred network (vis-network), its controls, filters, search and the
// analysis overlays. The side panel lives in panel.js and the edit forms in edit.js.

/* global vis */
import {
  ApiError,
  LABELS,
  LEVEL_ORDER,
  SECTOR_ORDER,
  api,
  apiAll,
  el,
  errorText,
  page,
  params,
  progressText,
  replace,
  status,
} from "./lib.js";
import { displayName, loadGraph, metricOf } from "./graphmodel.js";
import {
  ORG_VIEW_ABOVE,
  PHYSICS_MAX_EDGES,
  PHYSICS_MAX_NODES,
  edgeId,
  edgeItem,
  egoView,
  fullView,
  nodeItem,
  organisationView,
  renderLegend,
  ringLayout,
  seedNear,
  sizeValue,
} from "./mapview.js";
import { showPanel } from "./panel.js";
import { setupEditing } from "./edit.js";

const $ = (id) => document.getElementById(id);
const container = $("map");
const statusLine = $("map-status");

const state = {
  model: null,
  view: null,
  items: [],
  style: { colour: "sector", size: "none", layout: "force" },
  analysis: { gaps: null, gapSeverity: new Map(), metrics: {}, community: null },
  filters: { sectors: new Set(), levels: new Set(), tieKinds: new Set(), org: "", tier: "" },
  declared: null,
  selected: null,
  path: null,
  network: null,
  nodes: null,
  edges: null,
  rings: null,
  positions: {},
};

// -- loading --------------------------------------------------------------------------------------

async function start() {
  try {
    state.model = await loadGraph(page.pid);
    performance.mark("stakemap:graph-loaded");
  } catch (error) {
    container.dataset.state = "error";
    status(statusLine, `The map could not be loaded. ${errorText(error)}`, "error");
    return;
  }
  buildFilters();
  const n = state.model.nodes.size;
  const requested = params.get("view");
  let kind = requested === "organisations" || requested === "full" ? requested : null;
  if (!kind) kind = n > ORG_VIEW_ABOVE ? "organisations" : "full";
  $("map-view").value = kind;
  $("map-layout").value = state.style.layout;
  const focus = Number(params.get("focus"));
  if (focus && state.model.nodes.has(focus) && kind === "organisations") {
    state.viewKind = "ego";
    state.egoCentre = focus;
    $("map-view").value = "ego";
    $("map-view").querySelector('option[value="ego"]').disabled = false;
  } else {
    state.viewKind = kind;
  }
  // The analysis starts once the map is drawn, so it does not compete with the first layout.
  container.addEventListener("map-ready", () => loadGaps(), { once: true });
  draw();
  if (focus && state.model.nodes.has(focus)) focusNode(focus);
  editing = page.canEdit ? setupEditing(editContext()) : null;
}

async function loadGaps() {
  try {
    const body = await api(`/partnerships/${page.pid}/analysis/gaps`, {
      onProgress: (p) => status(statusLine, `${progressText(p)} Gaps will appear when it is done.`, "info"),
    });
    state.analysis.gaps = Array.isArray(body) ? body : body.gaps || [];
    const rank = { high: 3, medium: 2, low: 1 };
    const worst = new Map();
    for (const gap of state.analysis.gaps) {
      for (const id of gap.subject_ids || []) {
        const prev = worst.get(id);
        if (!prev || rank[gap.severity] > rank[prev]) worst.set(id, gap.severity);
      }
    }
    state.analysis.gapSeverity = worst;
    restyle();
    if (state.selected !== null) refreshPanel();
    readyStatus();
    container.dataset.gaps = "loaded";
  } catch (error) {
    container.dataset.gaps = "unavailable";
    state.analysis.gaps = [];
    status(statusLine, `Gaps are not available yet: ${errorText(error)}`, "warn");
  }
}

async function loadSection(name) {
  return api(`/partnerships/${page.pid}/analysis/${name}`, {
    onProgress: (p) => status(statusLine, progressText(p), "info"),
  });
}

const CENTRALITY = ["betweenness", "pagerank", "eigenvector", "closeness", "harmonic"];

async function ensureCentrality() {
  if (state.analysis.centrality) return state.analysis.centrality;
  const section = await loadSection("centrality");
  state.analysis.centrality = section;
  for (const metric of CENTRALITY) {
    const values = new Map();
    for (const id of state.model.nodes.keys()) {
      const v = metricOf(section, metric, id);
      if (typeof v === "number") values.set(id, v);
    }
    state.analysis.metrics[metric] = values;
  }
  return section;
}

async function ensureCommunities() {
  if (state.analysis.community) return;
  const section = await loadSection("communities");
  const map = new Map();
  const louvain = section.louvain || section;
  const membership = louvain.membership || louvain.community;
  if (membership && !Array.isArray(membership)) {
    for (const [id, c] of Object.entries(membership)) map.set(Number(id), Number(c));
  } else {
    const list = Array.isArray(louvain.communities) ? louvain.communities : membership || [];
    list.forEach((members, i) => {
      const ids = Array.isArray(members) ? members : members.members || members.ids || [];
      for (const id of ids) map.set(Number(typeof id === "object" ? id.id : id), i);
    });
  }
  state.analysis.community = map;
  state.analysis.communities = section;
}

// -- drawing --------------------------------------------------------------------------------------

function currentView() {
  const m = state.model;
  if (state.viewKind === "organisations") return organisationView(m);
  if (state.viewKind === "ego" && m.nodes.has(state.egoCentre)) return egoView(m, state.egoCentre, 1);
  return fullView(m);
}

function draw() {
  const m = state.model;
  state.view = currentView();
  state.items = state.view.nodes;
  const big = state.items.length > PHYSICS_MAX_NODES || state.view.edges.length > PHYSICS_MAX_EDGES;
  const layoutSelect = $("map-layout");
  layoutSelect.querySelector('option[value="force"]').disabled = big;
  const rings = state.style.layout === "rings" || big;
  layoutSelect.value = rings ? "rings" : "force";
  measure();
  const { positions, radii } = ringLayout(m, state.items);
  state.rings = rings ? radii : null;
  // Only the whole map keeps its force layout between draws (after an edit, say): nodes stay
  // where they were and a new one appears beside its organisation. The organisation and ego
  // views are small enough to lay out afresh.
  const keep = !rings && state.view.kind === "full" && Object.keys(state.positions).length > 0;
  const nodes = state.items.map((item) => {
    const node = nodeItem(m, item, state.style, state.analysis);
    const p = keep
      ? state.positions[item.id] || seedNear(m, item.id, state.positions)
      : positions.get(item.id) || { x: 0, y: 0 };
    if (item.node.kind !== "hub") {
      node.x = p.x;
      node.y = p.y;
    }
    if (rings) node.fixed = { x: true, y: true };
    return node;
  });
  const edges = state.view.edges.map(edgeItem);
  const physics = !rings && !keep;
  state.pathStyled = null;
  state.nodes = new vis.DataSet(nodes);
  state.edges = new vis.DataSet(edges);
  container.dataset.state = "loading";
  status(statusLine, physics ? "Laying out the network…" : "Drawing the map…", "info");
  const options = {
    autoResize: true,
    nodes: {
      scaling: { min: 9, max: 38, label: { enabled: true, min: 11, max: 24, drawThreshold: 5, maxVisible: 30 } },
      font: { face: "system-ui, sans-serif" },
      size: 12,
    },
    edges: { smooth: false, selectionWidth: 1.5, hoverWidth: 0.5 },
    physics: {
      enabled: physics,
      solver: "barnesHut",
      barnesHut: {
        gravitationalConstant: -9000,
        centralGravity: 0.12,
        springLength: 150,
        springConstant: 0.025,
        damping: 0.35,
        avoidOverlap: 0.5,
      },
      stabilization: { enabled: true, iterations: 150, updateInterval: 50, fit: true },
      minVelocity: 1.5,
    },
    interaction: {
      hover: !big,
      tooltipDelay: 200,
      hideEdgesOnDrag: big,
      hideEdgesOnZoom: big,
      keyboard: { enabled: true, bindToWindow: false },
      navigationButtons: false,
      multiselect: false,
    },
    layout: { improvedLayout: false, randomSeed: 7 },
  };
  if (state.network) state.network.destroy();
  const network = new vis.Network(container, { nodes: state.nodes, edges: state.edges }, options);
  state.network = network;
  network.on("click", (e) => {
    if (e.nodes.length) selectNode(e.nodes[0], { focus: false });
  });
  network.on("doubleClick", (e) => {
    if (e.nodes.length) showEgo(e.nodes[0]);
  });
  network.on("beforeDrawing", drawRings);
  const done = () => {
    network.setOptions({ physics: { enabled: false } });
    if (!rings && state.view.kind === "full") {
      state.positions = { ...state.positions, ...network.getPositions() };
    }
    container.dataset.state = "ready";
    container.dataset.nodes = String(state.items.length);
    container.dataset.view = state.view.kind;
    container.dataset.visibleEdges = String(state.view.edges.length);
    if (state.filters.tieKinds.size) applyTieFilter();
    else applyFilters();
    if (state.selected !== null && state.nodes.get(state.selected)) {
      network.selectNodes([state.selected]);
      if (state.path) highlightPath(state.path);
    }
    readyStatus();
    performance.mark("stakemap:map-ready");
    container.dispatchEvent(new Event("map-ready"));
  };
  if (physics) {
    network.once("stabilizationIterationsDone", done);
    network.on("stabilizationProgress", (p) => {
      status(statusLine, `Laying out the network… ${Math.round((100 * p.iterations) / p.total)}%`, "info");
    });
  } else {
    network.once("afterDrawing", () => {
      network.fit({ animation: false });
      done();
    });
  }
  renderLegend($("legend"), m, state.items, state.style, state.analysis);
  const ego = $("map-view").querySelector('option[value="ego"]');
  ego.disabled = state.selected === null && state.viewKind !== "ego";
}

function drawRings(ctx) {
  if (!state.rings) return;
  ctx.save();
  // Keep the ring labels readable at any zoom: size them in screen pixels.
  const scale = state.network ? state.network.getScale() : 1;
  ctx.strokeStyle = "rgba(0, 0, 0, 0.14)";
  ctx.fillStyle = "rgba(0, 0, 0, 0.6)";
  ctx.lineWidth = 1.5 / scale;
  ctx.font = `600 ${Math.round(12 / scale)}px system-ui, sans-serif`;
  ctx.textAlign = "center";
  let lastLabel = -Infinity;
  for (const ring of state.rings) {
    ctx.beginPath();
    ctx.arc(0, 0, ring.r, 0, 2 * Math.PI);
    ctx.stroke();
    // Label a ring only when it is far enough from the last labelled one to be read.
    if ((ring.r - lastLabel) * scale < 18) continue;
    lastLabel = ring.r;
    const text = ring.key === "unreached" ? "not reached" : ring.key === 0 ? "core" : `tier ${ring.key}`;
    ctx.fillText(text, 0, -ring.r - 6 / scale);
  }
  ctx.restore();
}

function readyStatus() {
  const total = state.model.nodes.size;
  const shown = state.items.filter((i) => !hiddenIds.has(i.id)).length;
  let text;
  if (total <= 1) {
    text = page.canEdit
      ? "Only the hub so far. Add stakeholders with “Add stakeholder”, or import them from your CRM on the Import page."
      : "Only the hub so far: nobody has added stakeholders yet.";
  } else if (state.view.kind === "organisations") {
    text = `${state.items.length} organisations and groups (${total} stakeholders). Double-click one to see who is around it.`;
  } else if (state.view.kind === "ego") {
    const name = state.model.nodes.get(state.egoCentre).name;
    text = `${shown} stakeholders around ${name}.`;
  } else {
    text = `${shown} of ${total} stakeholders shown.`;
  }
  if (state.analysis.gaps === null) text += " Analysing gaps…";
  status(statusLine, text, "info");
}

/** The largest size value in the view, so the hub can be drawn a little bigger than anyone. */
function measure() {
  let max = 1;
  for (const item of state.items) {
    if (item.node.kind === "hub") continue;
    max = Math.max(max, sizeValue(item, state.style.size, state.analysis) || 0);
  }
  state.analysis.maxValue = max;
}

/** Update colours, sizes and gap outlines without rebuilding the network. */
function restyle() {
  if (!state.nodes) return;
  const m = state.model;
  measure();
  const updates = state.items.map((item) => {
    const full = nodeItem(m, item, state.style, state.analysis);
    return {
      id: full.id,
      color: full.color,
      value: full.value,
      borderWidth: full.borderWidth,
      shapeProperties: full.shapeProperties,
    };
  });
  state.nodes.update(updates);
  renderLegend($("legend"), m, state.items, state.style, state.analysis);
  if (state.path) highlightPath(state.path);
}

// -- filters --------------------------------------------------------------------------------------

function checkboxes(root, entries, set, onChange) {
  for (const [value, text] of entries) {
    const id = `${root.id}-${value}`;
    const box = el("input", { type: "checkbox", id, value, checked: true });
    box.addEventListener("change", () => {
      if (box.checked) set.delete(value);
      else set.add(value);
      onChange();
    });
    root.append(el("label", { for: id, class: "check" }, box, text));
  }
}

function buildFilters() {
  const f = state.filters;
  checkboxes($("filter-sector"), [...SECTOR_ORDER.map((s) => [s, LABELS.sectors[s]]), ["none", "No sector"]], f.sectors, applyFilters);
  checkboxes($("filter-engagement"), [...LEVEL_ORDER.map((s) => [s, LABELS.levels[s]]), ["none", "Not assessed"]], f.levels, applyFilters);
  checkboxes(
    $("filter-tie"),
    [...Object.entries(LABELS.tieKinds), ["engagement", "Engagements only (no declared tie)"]],
    f.tieKinds,
    applyTieFilter,
  );
  fillOrganisations();
  $("filter-organisation").addEventListener("change", (e) => {
    f.org = e.target.value;
    applyFilters();
  });
  $("filter-tier").addEventListener("change", (e) => {
    f.tier = e.target.value;
    applyFilters();
  });
  $("filter-reset").addEventListener("click", resetFilters);
}

function fillOrganisations() {
  const select = $("filter-organisation");
  const current = select.value;
  replace(select, el("option", { value: "" }, "All organisations"));
  const orgs = [...state.model.nodes.values()]
    .filter((n) => n.kind === "organisation")
    .sort((a, b) => a.name.localeCompare(b.name));
  for (const o of orgs) select.append(el("option", { value: String(o.id) }, o.name));
  select.value = current;
}

function resetFilters() {
  const f = state.filters;
  f.sectors.clear();
  f.levels.clear();
  f.tieKinds.clear();
  f.org = "";
  f.tier = "";
  for (const box of document.querySelectorAll("#filters input[type=checkbox]")) box.checked = true;
  $("filter-organisation").value = "";
  $("filter-tier").value = "";
  applyFilters();
  applyTieFilter();
}

let hiddenIds = new Set();

function visible(node) {
  const m = state.model;
  if (m.core.has(node.id)) return true;
  const f = state.filters;
  if (f.sectors.size && f.sectors.has(node.sector || "none")) return false;
  if (f.levels.size && f.levels.has(node.engagement || "none")) return false;
  if (f.org && node.group !== Number(f.org) && node.id !== Number(f.org)) return false;
  if (f.tier) {
    if (f.tier === "unreached") return node.tier === null || node.tier > 3;
    if (node.tier === null || node.tier > Number(f.tier)) return false;
  }
  return true;
}

function applyFilters() {
  if (!state.nodes) return;
  const next = new Set();
  for (const item of state.items) if (!visible(item.node)) next.add(item.id);
  const changes = [];
  for (const item of state.items) {
    const hide = next.has(item.id);
    if (hide !== hiddenIds.has(item.id)) changes.push({ id: item.id, hidden: hide });
  }
  hiddenIds = next;
  if (changes.length) state.nodes.update(changes);
  const active =
    state.filters.sectors.size + state.filters.levels.size + state.filters.tieKinds.size +
    (state.filters.org ? 1 : 0) + (state.filters.tier ? 1 : 0);
  const badge = $("filter-count");
  badge.hidden = !active;
  badge.textContent = active ? `${active} on` : "";
  container.dataset.visible = String(state.items.length - hiddenIds.size);
  if (container.dataset.state === "ready") readyStatus();
}

async function applyTieFilter() {
  const kinds = state.filters.tieKinds;
  if (kinds.size && !state.declared) {
    status(statusLine, "Loading the declared ties…", "info");
    try {
      const ties = await apiAll(`/partnerships/${page.pid}/ties`);
      const pairs = new Map();
      for (const t of ties) {
        const key = edgeId(t.source_id, t.target_id);
        if (!pairs.has(key)) pairs.set(key, new Set());
        pairs.get(key).add(t.kind);
      }
      state.declared = pairs;
    } catch (error) {
      status(statusLine, `Ties could not be loaded: ${errorText(error)}`, "error");
      return;
    }
  }
  const changes = [];
  if (state.view.kind !== "organisations") {
    for (const e of state.view.edges) {
      const id = edgeId(e.a, e.b);
      const declared = state.declared ? state.declared.get(id) : null;
      let show = true;
      if (kinds.size) {
        show = declared
          ? [...declared].some((k) => !kinds.has(k))
          : !kinds.has("engagement");
      }
      changes.push({ id, hidden: !show });
    }
    state.edges.update(changes);
  }
  container.dataset.visibleEdges = String(state.edges.get({ filter: (e) => !e.hidden }).length);
  applyFilters();
}

// -- search ---------------------------------------------------------------------------------------

function setupSearch() {
  const input = $("map-search");
  const list = $("search-results");
  const run = () => {
    const q = input.value.trim().toLowerCase();
    if (!q || !state.model) {
      list.hidden = true;
      replace(list);
      return;
    }
    const hits = [];
    for (const n of state.model.nodes.values()) {
      if (n.name.toLowerCase().includes(q)) hits.push(n);
    }
    hits.sort((a, b) => {
      const sa = a.name.toLowerCase().startsWith(q) ? 0 : 1;
      const sb = b.name.toLowerCase().startsWith(q) ? 0 : 1;
      return sa - sb || a.name.localeCompare(b.name);
    });
    replace(list);
    if (!hits.length) {
      list.append(el("li", { class: "muted" }, "Nobody matches. Check the spelling, or clear the filters."));
    }
    for (const n of hits.slice(0, 12)) {
      const button = el("button", { type: "button", class: "result", dataset: { id: n.id } }, displayName(state.model, n));
      button.addEventListener("click", () => {
        list.hidden = true;
        input.value = n.name;
        selectNode(n.id, { focus: true, focusPanel: true });
      });
      list.append(el("li", {}, button));
    }
    if (hits.length > 12) list.append(el("li", { class: "muted" }, `${hits.length - 12} more: type more of the name`));
    list.hidden = false;
  };
  input.addEventListener("input", run);
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      const first = list.querySelector("button.result");
      if (first) first.click();
    } else if (e.key === "ArrowDown") {
      const first = list.querySelector("button.result");
      if (first) {
        e.preventDefault();
        first.focus();
      }
    } else if (e.key === "Escape") {
      list.hidden = true;
    }
  });
  list.addEventListener("keydown", (e) => {
    const buttons = [...list.querySelectorAll("button.result")];
    const i = buttons.indexOf(document.activeElement);
    if (e.key === "ArrowDown" && i < buttons.length - 1) {
      e.preventDefault();
      buttons[i + 1].focus();
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      if (i > 0) buttons[i - 1].focus();
      else input.focus();
    } else if (e.key === "Escape") {
      list.hidden = true;
      input.focus();
    }
  });
}

// -- selection, panel and path --------------------------------------------------------------------

/** Show a stakeholder: make sure it is on the map, select and centre it, open its panel. */
function focusNode(id) {
  selectNode(id, { focus: true });
}

function inView(id) {
  return state.nodes && state.nodes.get(id) !== null;
}

function selectNode(id, { focus, focusPanel }) {
  const m = state.model;
  if (!m.nodes.has(id)) return;
  if (!inView(id) || hiddenIds.has(id)) {
    if (hiddenIds.has(id)) resetFilters();
    if (!inView(id)) {
      if (state.viewKind === "organisations" && m.nodes.get(id).group === id) {
        // an organisation is on the organisation view: fine
      } else {
        state.viewKind = m.nodes.size > ORG_VIEW_ABOVE ? "ego" : "full";
        state.egoCentre = id;
        $("map-view").value = state.viewKind;
        state.selected = id;
        draw();
      }
    }
  }
  state.selected = id;
  const ego = $("map-view").querySelector('option[value="ego"]');
  ego.disabled = false;
  const network = state.network;
  const target = inView(id) ? id : m.nodes.get(id).group;
  network.selectNodes([target]);
  if (focus) {
    network.focus(target, { scale: Math.max(network.getScale(), 0.9), animation: { duration: 400 } });
  }
  container.dataset.selected = String(id);
  refreshPanel(Boolean(focusPanel));
}

function refreshPanel(focusPanel = false) {
  showPanel({ ...panelContext(), focusPanel }, state.selected);
}

function clearPath() {
  if (!state.pathStyled) return;
  const { nodes, edges } = state.pathStyled;
  const m = state.model;
  const restoreNodes = nodes
    .filter((id) => inView(id))
    .map((id) => {
      const item = state.items.find((i) => i.id === id);
      const full = nodeItem(m, item, state.style, state.analysis);
      return { id, borderWidth: full.borderWidth, color: full.color, shapeProperties: full.shapeProperties };
    });
  state.nodes.update(restoreNodes);
  const restoreEdges = edges
    .filter((id) => state.edges.get(id))
    .map((id) => {
      const e = state.view.edges.find((x) => edgeId(x.a, x.b) === id);
      const item = edgeItem(e);
      return { id, width: item.width, color: item.color, dashes: false };
    });
  state.edges.update(restoreEdges);
  state.pathStyled = null;
  container.dataset.path = "";
}

/** Light up a path (a list of ids from the core) on the map. */
function highlightPath(path) {
  clearPath();
  state.path = path;
  if (!path || path.length < 1 || state.view.kind === "organisations") return;
  const nodes = path.filter((id) => inView(id));
  const edges = [];
  for (let i = 0; i + 1 < path.length; i++) {
    const id = edgeId(path[i], path[i + 1]);
    if (state.edges.get(id)) edges.push(id);
  }
  state.nodes.update(
    nodes.map((id) => ({
      id,
      borderWidth: 5,
      color: { ...state.nodes.get(id).color, border: "#000000" },
    })),
  );
  state.edges.update(
    edges.map((id) => ({ id, width: 7, color: { color: "#000000", highlight: "#000000", opacity: 1 }, hidden: false })),
  );
  state.pathStyled = { nodes, edges };
  container.dataset.path = path.join(",");
}

function showEgo(id) {
  state.viewKind = "ego";
  state.egoCentre = id;
  $("map-view").value = "ego";
  state.selected = id;
  draw();
  refreshPanel();
}

function panelContext() {
  return {
    model: state.model,
    analysis: state.analysis,
    ensureCentrality,
    highlightPath,
    clearPath,
    select: (id) => selectNode(id, { focus: true }),
    showEgo,
    editing,
  };
}

// -- editing --------------------------------------------------------------------------------------

let editing = null;

function editContext() {
  return {
    get model() {
      return state.model;
    },
    get selected() {
      return state.selected;
    },
    reload,
  };
}

/** Reload the graph after a change, keep everyone where they were, then select ``selectId``. */
async function reload(selectId) {
  if (state.network && state.view.kind === "full" && !state.rings) {
    state.positions = { ...state.positions, ...state.network.getPositions() };
  }
  state.model = await loadGraph(page.pid);
  state.declared = null;
  state.analysis.gaps = null;
  state.analysis.centrality = null;
  state.analysis.community = null;
  state.analysis.metrics = {};
  fillOrganisations();
  if (selectId === undefined) selectId = state.selected;
  if (selectId !== null && !state.model.nodes.has(selectId)) selectId = null;
  if (state.viewKind === "ego" && !state.model.nodes.has(state.egoCentre)) state.viewKind = "full";
  state.selected = selectId;
  if (selectId === null) {
    state.path = null;
    container.dataset.selected = "";
  }
  if (state.model.nodes.size <= 1 && state.viewKind !== "full") state.viewKind = "full";
  draw();
  if (state.selected !== null) selectNode(state.selected, { focus: false });
  else showPanel(panelContext(), null);
  await loadGaps();
  if (state.style.size !== "none" && !["degree", "strength", "influence"].includes(state.style.size)) {
    await ensureCentrality().then(restyle, () => {});
  }
}

// -- controls -------------------------------------------------------------------------------------

function setupControls() {
  $("map-view").addEventListener("change", (e) => {
    const v = e.target.value;
    if (v === "ego") {
      if (state.selected === null) return;
      state.egoCentre = state.selected;
    }
    state.viewKind = v;
    draw();
  });
  $("map-colour").addEventListener("change", async (e) => {
    state.style.colour = e.target.value;
    if (state.style.colour === "community") {
      try {
        await ensureCommunities();
      } catch (error) {
        status(statusLine, `Communities are not available: ${errorText(error)}`, "warn");
      }
    }
    restyle();
  });
  $("map-size").addEventListener("change", async (e) => {
    state.style.size = e.target.value;
    if (CENTRALITY.includes(state.style.size)) {
      try {
        await ensureCentrality();
      } catch (error) {
        status(statusLine, `Centrality is not available: ${errorText(error)}`, "warn");
      }
    }
    restyle();
  });
  $("map-layout").addEventListener("change", (e) => {
    state.style.layout = e.target.value;
    if (state.style.layout === "force") state.positions = {};
    draw();
  });
}

window.addEventListener("unhandledrejection", (e) => {
  if (e.reason instanceof ApiError) {
    status(statusLine, errorText(e.reason), "error");
    e.preventDefault();
  }
});

setupControls();
setupSearch();
start();

// A read-only handle for debugging in the console and for the browser tests, which need the
// canvas position of a node to click or hover it like a user would.
window.stakemapMap = Object.freeze({
  network: () => state.network,
  selected: () => state.selected,
});
