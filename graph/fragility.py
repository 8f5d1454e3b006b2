"""Fragility: cut points, bridges, who depends on whom for a path to the core, bus factors (§4)."""

from __future__ import annotations

import math
from collections import defaultdict

import igraph as ig
import networkx as nx

from graph._engine import Arrays, arrays
from graph.build import groups
from graph.model import AnalyticGraph

__all__ = ["articulation_points", "bridges", "dependants", "bus_factor"]


def articulation_points(
    ag: AnalyticGraph, *, engine: str = "igraph", _arrays: Arrays | None = None
) -> list[int]:
    """Return the articulation points of the undirected view, sorted: stakeholders whose removal
    increases the number of connected components.

    Examples
    --------
    >>> from graph.testing import partnership
    >>> articulation_points(partnership([(1, 2), (2, 3), (3, 4), (4, 2)]))
    [2]
    """
    if engine == "networkx":
        return sorted(nx.articulation_points(ag.G))
    a = _arrays or arrays(ag.G)
    return sorted(a.nodes[i] for i in a.igraph.articulation_points())


def bridges(
    ag: AnalyticGraph, *, engine: str = "igraph", _arrays: Arrays | None = None
) -> list[tuple[int, int]]:
    """Return the bridges of the undirected view as sorted ``(min id, max id)`` pairs: active ties
    whose removal increases the number of connected components.

    Examples
    --------
    >>> from graph.testing import partnership
    >>> bridges(partnership([(1, 2), (2, 3), (3, 4), (4, 2)]))
    [(1, 2)]
    """
    if engine == "networkx":
        pairs = nx.bridges(ag.G)
    else:
        a = _arrays or arrays(ag.G)
        pairs = ((a.nodes[a.src[e]], a.nodes[a.dst[e]]) for e in a.igraph.bridges())
    return sorted((min(u, v), max(u, v)) for u, v in pairs)


def dependants(
    ag: AnalyticGraph, *, engine: str = "igraph", _arrays: Arrays | None = None
) -> dict[int, list[int]]:
    """Return ``{v: [stakeholders that lose every path to the core when v is removed]}``.

    Only stakeholders with at least one dependant appear; lists are sorted. ``u`` depends on ``v``
    exactly when ``v`` dominates ``u`` in the graph where a virtual root is joined to every core
    node (Lengauer–Tarjan dominator tree, igraph; ``engine="networkx"`` uses
    ``nx.immediate_dominators``): the dependants of ``v`` are its descendants in the dominator tree.
    Core nodes can have dependants too, the hub included: when the hub is the whole core, everyone
    reached depends on it; a hub member has dependants when the rest of the core reaches them only
    through that member. Stakeholders unreachable from the core depend on no one.

    Examples
    --------
    >>> from graph.testing import partnership
    >>> dependants(partnership([(1, 2), (2, 3), (3, 4), (1, 5), (5, 4), (2, 6)]))
    {1: [2, 3, 4, 5, 6], 2: [6]}
    >>> dependants(partnership([(1, 2), (2, 3), (3, 4), (7, 5), (5, 4), (2, 6)], members=[7]))
    {2: [6]}
    """
    G = ag.G
    core = [v for v in ag.core if v in G]
    if not core:
        return {}
    idom: dict[int, int | None] = {}
    if engine == "networkx":
        root = object()
        DG = nx.DiGraph(G)
        DG.add_edges_from((root, c) for c in core)
        for v, d in nx.immediate_dominators(DG, root).items():
            if v is not root:
                idom[v] = None if d is root else d
    else:
        a = _arrays or arrays(G)
        n = a.n
        edges = [(u, v) for u, v in zip(a.src.tolist(), a.dst.tolist(), strict=True)]
        edges += [(v, u) for u, v in edges] + [(n, a.index[c]) for c in core]
        g = ig.Graph(n=n + 1, edges=edges, directed=True)
        for i, d in enumerate(g.dominator(n, mode="out")[:n]):
            if isinstance(d, float) and math.isnan(d):
                continue  # unreachable from the core
            idom[a.nodes[i]] = None if d == n else a.nodes[int(d)]
    out: dict[int, list[int]] = defaultdict(list)
    for v in idom:
        d = idom[v]
        while d is not None:
            out[d].append(v)
            d = idom[d]
    return {v: sorted(us) for v, us in sorted(out.items())}


def bus_factor(ag: AnalyticGraph, *, _groups: dict[int, str] | None = None) -> dict[int, int]:
    """Return ``{organisation id: number of its members with a direct active tie to the core}``.

    Members are the stakeholders in the organisation's group (persons of its group-kind
    stakeholders included), not the organisation itself. Every organisation appears.

    Examples
    --------
    >>> from graph.model import Node
    >>> from graph.testing import partnership
    >>> ag = partnership([(1, 3), (1, 4), (4, 5)], nodes=[Node(2, "organisation", "Org")]
    ...     + [Node(v, "person", f"p{v}", organisation_id=2) for v in (3, 4, 5)])
    >>> bus_factor(ag)
    {2: 2}
    """
    labels = _groups if _groups is not None else groups(ag)
    core = ag.core
    G = ag.G
    out = {v: 0 for v, n in ag.nodes.items() if n.kind == "organisation"}
    for v, label in labels.items():
        member = label.startswith("org:") and ag.nodes[v].kind != "organisation"
        if member and any(u in core for u in G._adj[v]):
            out[int(label[4:])] += 1
    return out
