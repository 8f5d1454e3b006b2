// The partnership's analytic graph in the browser: GET /graph, plus the cheap structure every page
// needs (adjacency, tiers from the core, organisations). Heavy metrics come from /analysis/*.

import { api } from "./lib.js";

/** Load /graph and index it. */
export async function loadGraph(pid, asOf) {
  const query = asOf ? `?as_of=${encodeURIComponent(asOf)}` : "";
  const data = await api(`/partnerships/${pid}/graph${query}`);
  return indexGraph(data);
}

/** Index node-link JSON: nodes by id, adjacency, core, tiers (hop distance from the core). */
export function indexGraph(data) {
  const nodes = new Map();
  for (const n of data.nodes) {
    nodes.set(n.id, { ...n, degree: 0, strength: 0, tier: null });
  }
  const adj = new Map();
  for (const id of nodes.keys()) adj.set(id, []);
  const links = [];
  for (const l of data.links) {
    if (!nodes.has(l.source) || !nodes.has(l.target)) continue;
    links.push(l);
    adj.get(l.source).push([l.target, l.strength]);
    adj.get(l.target).push([l.source, l.strength]);
    const a = nodes.get(l.source);
    const b = nodes.get(l.target);
    a.degree += 1;
    b.degree += 1;
    a.strength += l.strength;
    b.strength += l.strength;
  }
  const hubId = data.graph.hub_id;
  const core = new Set([...nodes.values()].filter((n) => n.core).map((n) => n.id));
  if (!core.size && nodes.has(hubId)) core.add(hubId);
  // Multi-source breadth-first search from the core: SPEC §4's tier.
  const queue = [...core];
  for (const id of core) nodes.get(id).tier = 0;
  for (let i = 0; i < queue.length; i++) {
    const v = queue[i];
    const t = nodes.get(v).tier;
    for (const [u] of adj.get(v)) {
      const node = nodes.get(u);
      if (node.tier === null) {
        node.tier = t + 1;
        queue.push(u);
      }
    }
  }
  const model = { meta: data.graph, hubId, nodes, links, adj, core };
  for (const n of nodes.values()) n.group = groupOf(model, n.id);
  return model;
}

/**
 * The container a stakeholder is drawn inside in the organisation view: the top of its
 * organisation chain (an organisation, or the hub for the core), or itself.
 */
export function groupOf(model, id) {
  const seen = new Set();
  let cur = model.nodes.get(id);
  if (model.core.has(id)) return model.hubId;
  while (cur && cur.organisation_id !== null && cur.organisation_id !== undefined) {
    if (seen.has(cur.id)) break;
    seen.add(cur.id);
    const parent = model.nodes.get(cur.organisation_id);
    if (!parent) break;
    cur = parent;
  }
  return cur ? cur.id : id;
}

/** The organisation's name for a member ("" when it has none). */
export function organisationName(model, node) {
  if (!node || node.organisation_id === null || node.organisation_id === undefined) return "";
  const org = model.nodes.get(node.organisation_id);
  return org ? org.name : "";
}

/** "Name (Organisation)" for members, the name otherwise. */
export function displayName(model, node) {
  const org = organisationName(model, node);
  return org && node.kind !== "hub" ? `${node.name} (${org})` : node.name;
}

/** Hub members: the partnership's own team, who can own relationships. */
export function hubMembers(model) {
  return [...model.nodes.values()]
    .filter((n) => n.kind === "person" && n.organisation_id === model.hubId)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Containers a person or group can belong to: the hub, organisations and groups. */
export function containers(model) {
  return [...model.nodes.values()]
    .filter((n) => n.kind === "hub" || n.kind === "organisation" || n.kind === "group")
    .sort((a, b) => (a.kind === "hub" ? -1 : b.kind === "hub" ? 1 : a.name.localeCompare(b.name)));
}

/** Mendelow quadrant (SPEC §4: high = 4 or 5; unset is low). */
export function quadrant(node) {
  const hi = (x) => x !== null && x !== undefined && x >= 4;
  if (hi(node.influence) && hi(node.interest)) return "key_player";
  if (hi(node.influence)) return "keep_satisfied";
  if (hi(node.interest)) return "keep_informed";
  return "monitor";
}

/** Find a value in an analysis section keyed by stakeholder id, whatever the nesting. */
export function metricOf(section, metric, id) {
  if (!section) return undefined;
  const key = String(id);
  const own = section[key];
  if (own && typeof own === "object" && metric in own) return own[metric];
  const tries = [
    section[metric],
    section.metrics && section.metrics[metric],
    section.nodes && section.nodes[key],
  ];
  for (const t of tries) {
    if (!t || typeof t !== "object") continue;
    if (t === (section.nodes && section.nodes[key])) {
      if (metric in t) return t[metric];
      continue;
    }
    if (key in t) return t[key];
  }
  return undefined;
}
