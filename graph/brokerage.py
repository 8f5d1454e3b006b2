"""Brokerage: Gould–Fernandez roles, Burt's structural holes and boundary spanners (SPEC §4)."""

from __future__ import annotations

import math
from collections import Counter

import networkx as nx
import numpy as np
import scipy.sparse as sp

from graph._engine import Arrays, arrays
from graph.build import groups
from graph.model import AnalyticGraph

__all__ = [
    "ROLES",
    "gould_fernandez",
    "structural_holes",
    "boundary_spanners",
]

#: Gould–Fernandez brokerage roles, in the order of their definition.
ROLES = ("coordinator", "consultant", "representative", "gatekeeper", "liaison")


def gould_fernandez(
    ag: AnalyticGraph, *, by: str = "organisation", _groups: dict[int, str] | None = None
) -> dict[int, dict[str, int]]:
    r"""Return each stakeholder's Gould–Fernandez brokerage counts on the directed view ``D``.

    Every open two-path ``a → b → c`` (``a ≠ c``, no arc ``a → c``) scores broker ``b`` in one
    role by the groups ``g`` (:func:`graph.build.group_of`, ``by`` organisation or sector):

    ================ =============================
    coordinator      g(a) = g(b) = g(c)
    consultant       g(a) = g(c) ≠ g(b)
    representative   g(a) = g(b) ≠ g(c)
    gatekeeper       g(a) ≠ g(b) = g(c)
    liaison          g(a), g(b), g(c) all different
    ================ =============================

    plus their ``total``. Each in-neighbour ``a`` of ``b`` is handled at once: the open ``c`` are
    ``b``'s successors minus ``a``'s (a set intersection) minus ``a``, and their groups are counted
    from ``b``'s per-group successor counts, so the work is Σ over arcs of the shared successors.

    References
    ----------
    Gould, R. V. and Fernandez, R. M. (1989). Structures of mediation: a formal approach to
    brokerage in transaction networks. *Sociological Methodology* 19: 89–126.

    Examples
    --------
    >>> from graph.model import Node
    >>> from graph.testing import partnership
    >>> ag = partnership([(2, 3), (3, 4)], directed=[(2, 3), (3, 4)],
    ...     nodes=[Node(5, "organisation", "A"), Node(6, "organisation", "B"),
    ...            Node(3, "person", "b", organisation_id=5),
    ...            Node(4, "person", "c", organisation_id=6)])
    >>> gould_fernandez(ag)[3]  # 2 has no organisation: a liaison two-path through 3
    {'coordinator': 0, 'consultant': 0, 'representative': 0, 'gatekeeper': 0, 'liaison': 1,
     'total': 1}
    """
    D = ag.D
    labels = _groups if _groups is not None else groups(ag, by=by)
    code: dict[str, int] = {}
    g = {v: code.setdefault(labels[v], len(code)) for v in D}
    succ = {v: set(D._succ[v]) for v in D}
    out: dict[int, dict[str, int]] = {}
    for b in D:
        coord = cons = rep = gate = liai = 0
        outs = succ[b]
        preds = D._pred[b]
        if outs and preds:
            gb = g[b]
            per_group = Counter(g[c] for c in outs)
            n_out = len(outs)
            for a in preds:
                ga = g[a]
                closed = outs & succ[a]
                a_out = a in outs
                total = n_out - len(closed) - a_out
                if total <= 0:
                    continue
                closed_groups = Counter(g[c] for c in closed) if closed else Counter()
                same_b = per_group[gb] - closed_groups[gb] - (a_out and ga == gb)
                if ga == gb:
                    coord += same_b
                    rep += total - same_b
                else:
                    same_a = per_group[ga] - closed_groups[ga] - a_out
                    gate += same_b
                    cons += same_a
                    liai += total - same_b - same_a
        out[b] = {
            "coordinator": coord,
            "consultant": cons,
            "representative": rep,
            "gatekeeper": gate,
            "liaison": liai,
            "total": coord + cons + rep + gate + liai,
        }
    return out


def _none_if_nan(x: float) -> float | None:
    return None if math.isnan(x) else float(x)


def structural_holes(
    ag: AnalyticGraph, *, engine: str = "igraph", _arrays: Arrays | None = None
) -> dict[int, dict[str, float | None]]:
    r"""Return Burt's ``constraint``, ``effective_size`` and ``efficiency`` of each stakeholder.

    With :math:`p_{uv} = s_{uv} / \sum_x s_{ux}` and :math:`m_{uv} = s_{uv} / \max_x s_{ux}`,

    .. math::

        c(u) = \sum_{v \in N(u)} \Big(p_{uv} + \sum_{w} p_{uw} p_{wv}\Big)^2, \qquad
        e(u) = \sum_{v \in N(u)} \Big(1 - \sum_{w \in N(u)} p_{uw} m_{vw}\Big), \qquad
        \mathrm{eff}(u) = \frac{e(u)}{|N(u)|}

    as ``nx.constraint`` and ``nx.effective_size`` with ``weight="strength"`` (networkx's per-node
    computation: in networkx 3.6 the all-nodes matrix shortcut of ``effective_size`` normalises
    :math:`m` by the wrong axis on weighted graphs). The default engine
    evaluates the same sums with sparse matrix products restricted to the ties (networkx's own
    matrix form builds a dense n × n matrix for the effective size); ``engine="networkx"`` calls
    networkx. Isolated stakeholders, for whom networkx gives NaN, get None on all three.

    References
    ----------
    Burt, R. S. (1992). *Structural Holes*. Harvard University Press. Borgatti, S. P. (1997).
    Structural holes: unpacking Burt's redundancy measures. *Connections* 20(1): 35–38.

    Examples
    --------
    >>> from graph.testing import partnership
    >>> sh = structural_holes(partnership([(1, 2), (1, 3), (1, 4), (2, 3)]))
    >>> round(sh[1]["effective_size"], 4), round(sh[1]["efficiency"], 4), sh[4]["constraint"]
    (2.3333, 0.7778, 1.0)
    """
    G = ag.G
    deg = dict(G.degree())
    if engine == "networkx":
        con = nx.constraint(G, weight="strength")
        # nodes=list(G) takes networkx's per-node path: its all-nodes matrix path (3.6) divides
        # column-wise by the row maxima and gets weighted effective sizes wrong (Borgatti's
        # example gives 5.52 for G instead of the published 5.47).
        es = nx.effective_size(G, weight="strength", nodes=list(G))
        con = {v: _none_if_nan(x) for v, x in con.items()}
        es = {v: _none_if_nan(x) for v, x in es.items()}
    elif engine == "igraph":
        a = _arrays or arrays(G)
        con, es = _sparse_holes(a)
    else:
        raise ValueError(f"unknown engine {engine!r}")
    return {
        v: {
            "constraint": con[v],
            "effective_size": es[v],
            "efficiency": es[v] / deg[v] if deg[v] and es[v] is not None else None,
        }
        for v in G
    }


def _sparse_holes(a: Arrays) -> tuple[dict, dict]:
    W = a.W
    n = a.n
    if n == 0:
        return {}, {}
    rowsum = np.asarray(W.sum(axis=1)).ravel()
    rowmax = W.max(axis=1).toarray().ravel()
    isolated = rowsum == 0
    with np.errstate(divide="ignore"):
        inv_sum = np.where(isolated, 0.0, 1.0 / rowsum)
        inv_max = np.where(isolated, 0.0, 1.0 / rowmax)
    P = sp.csr_array(sp.diags_array(inv_sum) @ W)
    M = sp.csr_array(sp.diags_array(inv_max) @ W)
    pattern = sp.csr_array((np.ones_like(W.data), W.indices, W.indptr), shape=W.shape)
    # Both products are only needed on the ties (the pattern of W).
    local = (P + (P @ P).multiply(pattern)).power(2)
    constraint = np.asarray(local.sum(axis=1)).ravel()
    redundancy = np.asarray((P @ M.T).multiply(pattern).sum(axis=1)).ravel()
    degree = np.diff(W.indptr).astype(float)
    eff_size = degree - redundancy
    con = {v: (None if isolated[i] else float(constraint[i])) for i, v in enumerate(a.nodes)}
    es = {v: (None if isolated[i] else float(eff_size[i])) for i, v in enumerate(a.nodes)}
    return con, es


def boundary_spanners(
    ag: AnalyticGraph,
    *,
    by: str = "organisation",
    _groups: dict[int, str] | None = None,
    _brokerage: dict[int, dict[str, int]] | None = None,
) -> list[int]:
    """Return the boundary spanners, sorted: stakeholders with active ties into at least two
    groups other than their own and a positive representative + gatekeeper + liaison count.

    Examples
    --------
    >>> from graph.model import Node
    >>> from graph.testing import partnership
    >>> orgs = [Node(v, "organisation", f"O{v}") for v in (10, 20, 30)]
    >>> ag = partnership([(2, 10), (2, 20), (2, 30), (10, 20)], nodes=orgs)
    >>> boundary_spanners(ag)
    [2]
    """
    labels = _groups if _groups is not None else groups(ag, by=by)
    gf = _brokerage if _brokerage is not None else gould_fernandez(ag, by=by, _groups=labels)
    G = ag.G
    out = []
    for v in G:
        own = labels[v]
        others = {labels[u] for u in G._adj[v]} - {own}
        if len(others) >= 2:
            r = gf[v]
            if r["representative"] + r["gatekeeper"] + r["liaison"] > 0:
                out.append(v)
    return sorted(out)
