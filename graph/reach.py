"""Reach of the partnership from its core (SPEC §4, Reach).

The core is the hub and its members. Tiers are hop distances over active ties; warm reach weighs a
path by the product of its tie strengths; *via* names the tier-1 stakeholders through whom the core
reaches everyone else.
"""

from __future__ import annotations

import heapq
from collections import defaultdict, deque

import numpy as np
import scipy.sparse as sp

from graph.build import groups
from graph.model import AnalyticGraph

__all__ = [
    "tiers",
    "organisation_tiers",
    "effective_tiers",
    "warm_reach",
    "via",
    "unique_reach",
    "reach_summary",
]

Tiers = dict[int, int | None]


def tiers(ag: AnalyticGraph) -> Tiers:
    """Return each stakeholder's tier: hops from the nearest core node (core 0, unreachable None).

    A multi-source breadth-first search from :attr:`AnalyticGraph.core` over active ties.

    Examples
    --------
    >>> from graph.testing import partnership
    >>> tiers(partnership([(1, 2), (2, 3), (4, 5)], members=[6]))
    {1: 0, 2: 1, 3: 2, 4: None, 5: None, 6: 0}
    """
    G = ag.G
    dist: dict[int, int] = {v: 0 for v in ag.core if v in G}
    queue = deque(dist)
    while queue:
        u = queue.popleft()
        du = dist[u] + 1
        for w in G._adj[u]:
            if w not in dist:
                dist[w] = du
                queue.append(w)
    return {v: dist.get(v) for v in G}


def _min_tier(a: int | None, b: int | None) -> int | None:
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)


def organisation_tiers(
    ag: AnalyticGraph, *, _tiers: Tiers | None = None, _groups: dict[int, str] | None = None
) -> Tiers:
    """Return ``{organisation id: min(its own tier, its members' tiers)}`` (None: unreached).

    Members are everyone in the organisation's group (see :func:`graph.build.group_of`), persons in
    its group-kind stakeholders included.

    Examples
    --------
    >>> from graph.model import Node
    >>> from graph.testing import partnership
    >>> ag = partnership([(1, 3)], nodes=[Node(2, "organisation", "Org"),
    ...                  Node(3, "person", "Ann", organisation_id=2)])
    >>> organisation_tiers(ag)
    {2: 1}
    """
    t = _tiers if _tiers is not None else tiers(ag)
    g = _groups if _groups is not None else groups(ag)
    out: Tiers = {v: t.get(v) for v, n in ag.nodes.items() if n.kind == "organisation"}
    for v, label in g.items():
        if label.startswith("org:"):
            org = int(label[4:])
            out[org] = _min_tier(out.get(org), t.get(v))
    return out


def effective_tiers(
    ag: AnalyticGraph, *, _tiers: Tiers | None = None, _org_tiers: Tiers | None = None
) -> Tiers:
    """Return the tiers used for reach counts: an organisation's tier as in
    :func:`organisation_tiers`, everyone else's as in :func:`tiers`.

    Examples
    --------
    >>> from graph.model import Node
    >>> from graph.testing import partnership
    >>> ag = partnership([(1, 3)], nodes=[Node(2, "organisation", "Org"),
    ...                  Node(3, "person", "Ann", organisation_id=2)])
    >>> effective_tiers(ag)
    {1: 0, 2: 1, 3: 1}
    """
    t = _tiers if _tiers is not None else tiers(ag)
    o = _org_tiers if _org_tiers is not None else organisation_tiers(ag, _tiers=t)
    return {v: (o[v] if v in o else t[v]) for v in t}


def warm_reach(ag: AnalyticGraph) -> dict[int, float]:
    r"""Return each stakeholder's warm reach: the largest product of tie strengths along any
    path from the core.

    .. math:: w(v) = \max_{P: \mathrm{core} \leadsto v} \prod_{(x,y) \in P} s(x, y)

    Core nodes score 1 and unreachable nodes 0. Computed as Dijkstra's algorithm on lengths
    ``−log s`` from every core node at once, multiplying strengths directly (so products are exact
    floating-point products of the path's strengths).

    Examples
    --------
    >>> from graph.testing import partnership
    >>> ag = partnership([(1, 2, 4), (2, 3, 4), (1, 3, 2), (4, 5)])
    >>> {v: round(w, 6) for v, w in warm_reach(ag).items()}
    {1: 1.0, 2: 0.8, 3: 0.64, 4: 0.0, 5: 0.0}
    """
    G = ag.G
    best: dict[int, float] = {v: 1.0 for v in ag.core if v in G}
    done: set[int] = set()
    heap = [(-1.0, v) for v in sorted(best)]
    while heap:
        negw, u = heapq.heappop(heap)
        if u in done:
            continue
        done.add(u)
        wu = -negw
        for x, data in G._adj[u].items():
            if x in done:
                continue
            cand = wu * data["strength"]
            if cand > best.get(x, 0.0):
                best[x] = cand
                heapq.heappush(heap, (-cand, x))
    return {v: best.get(v, 0.0) for v in G}


def via(ag: AnalyticGraph, *, _tiers: Tiers | None = None) -> dict[int, list[int]]:
    """Return, for each reached stakeholder outside the core, the tier-1 stakeholders lying on
    its shortest (fewest-hop) paths from the core, sorted. A tier-1 stakeholder's via is itself.

    Computed level by level: via(v) is the union of via(u) over v's neighbours u one tier closer.

    Examples
    --------
    >>> from graph.testing import partnership
    >>> via(partnership([(1, 2), (1, 3), (2, 4), (3, 4), (3, 5), (5, 6)]))
    {2: [2], 3: [3], 4: [2, 3], 5: [3], 6: [3]}
    """
    t = _tiers if _tiers is not None else tiers(ag)
    levels: dict[int, list[int]] = defaultdict(list)
    for v, k in t.items():
        if k is not None and k > 0:
            levels[k].append(v)
    first = sorted(levels.get(1, []))
    out: dict[int, list[int]] = {v: [v] for v in first}
    if not first:
        return out
    G = ag.G
    # Via sets as rows of sparse boolean matrices over the tier-1 stakeholders, so a level is one
    # sparse product: V_k = [A(level k, level k−1) · V_{k−1} > 0].
    prev_nodes = first
    V = sp.csr_array(sp.identity(len(first), dtype=np.int32, format="csr"))
    first_arr = np.array(first)
    k = 2
    while levels.get(k):
        cur = sorted(levels[k])
        col = {v: j for j, v in enumerate(prev_nodes)}
        rows, cols = [], []
        for i, v in enumerate(cur):
            for u in G._adj[v]:
                j = col.get(u)
                if j is not None:
                    rows.append(i)
                    cols.append(j)
        B = sp.csr_array(
            (np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=(len(cur), len(prev_nodes))
        )
        V = sp.csr_array((B @ V) > 0, dtype=np.int32)
        V.sort_indices()
        for i, v in enumerate(cur):
            out[v] = first_arr[V.indices[V.indptr[i] : V.indptr[i + 1]]].tolist()
        prev_nodes = cur
        k += 1
    return dict(sorted(out.items()))


def unique_reach(
    ag: AnalyticGraph, *, _tiers: Tiers | None = None, _via: dict[int, list[int]] | None = None
) -> dict[int, list[int]]:
    """Return ``{tier-1 id: [tier-2 ids reached via it alone]}`` for every tier-1 stakeholder.

    Examples
    --------
    >>> from graph.testing import partnership
    >>> unique_reach(partnership([(1, 2), (1, 3), (2, 4), (3, 4), (3, 5), (5, 6)]))
    {2: [], 3: [5]}
    """
    t = _tiers if _tiers is not None else tiers(ag)
    vi = _via if _via is not None else via(ag, _tiers=t)
    out: dict[int, list[int]] = {v: [] for v in sorted(v for v, k in t.items() if k == 1)}
    for v, through in vi.items():
        if t.get(v) == 2 and len(through) == 1:
            out[through[0]].append(v)
    return out


def _counts(members: list[int], eff: Tiers) -> dict:
    n = len(members)
    row: dict = {"N": n}
    for k in (1, 2, 3):
        r = sum(1 for v in members if eff[v] is not None and eff[v] <= k)
        row[f"reach_{k}"] = r
        row[f"coverage_{k}"] = r / n if n else None
    row["unreached"] = sum(1 for v in members if eff[v] is None)
    return row


def reach_summary(
    ag: AnalyticGraph,
    *,
    _tiers: Tiers | None = None,
    _org_tiers: Tiers | None = None,
    _warm: dict[int, float] | None = None,
    _groups: dict[int, str] | None = None,
    _sectors: dict[int, str] | None = None,
) -> dict:
    """Return the partnership's reach in numbers.

    ``N`` = stakeholders outside the core; ``reach_k`` = those with tier ≤ k and
    ``coverage_k = reach_k / N`` (None when N = 0) for k = 1, 2, 3; ``unreached`` = tier None.
    An organisation counts with its organisation tier (:func:`effective_tiers`). The same
    counts broken down ``by_sector``, ``by_kind`` and ``by_organisation`` (keyed by organisation
    id: the organisation and its members, plus its ``tier``). ``warm_reach`` = Σ w(v) over the
    stakeholders outside the core (the core would add 1 each). ``key_player_coverage`` = the share
    of stakeholders outside the core with influence ≥ 4 whose tier is ≤ 2 (None when there are
    none; the core is left out because it is the partnership itself); ``key_players`` their count.

    Examples
    --------
    >>> from graph.testing import partnership
    >>> s = reach_summary(partnership([(1, 2), (2, 3), (4, 5)]))
    >>> s["N"], s["reach_1"], s["reach_2"], s["coverage_2"], s["unreached"], s["warm_reach"]
    (4, 1, 2, 0.5, 2, 2.0)
    """
    t = _tiers if _tiers is not None else tiers(ag)
    g = _groups if _groups is not None else groups(ag)
    o = _org_tiers if _org_tiers is not None else organisation_tiers(ag, _tiers=t, _groups=g)
    w = _warm if _warm is not None else warm_reach(ag)
    sec = _sectors if _sectors is not None else groups(ag, by="sector")
    eff = effective_tiers(ag, _tiers=t, _org_tiers=o)
    core = ag.core
    outside = [v for v in t if v not in core]
    out = _counts(outside, eff)
    by_sector: dict[str, list[int]] = defaultdict(list)
    by_kind: dict[str, list[int]] = defaultdict(list)
    by_org: dict[int, list[int]] = defaultdict(list)
    for v in outside:
        by_sector[sec[v]].append(v)
        by_kind[ag.nodes[v].kind].append(v)
        if g[v].startswith("org:"):
            by_org[int(g[v][4:])].append(v)
    out["by_sector"] = {k: _counts(vs, eff) for k, vs in sorted(by_sector.items())}
    out["by_kind"] = {k: _counts(vs, eff) for k, vs in sorted(by_kind.items())}
    out["by_organisation"] = {
        k: {**_counts(vs, eff), "tier": o.get(k)} for k, vs in sorted(by_org.items())
    }
    out["warm_reach"] = float(sum(w[v] for v in outside))
    key = [v for v in outside if (ag.nodes[v].influence or 0) >= 4]
    out["key_players"] = len(key)
    covered = sum(1 for v in key if eff[v] is not None and eff[v] <= 2)
    out["key_player_coverage"] = covered / len(key) if key else None
    return out
