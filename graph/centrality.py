"""Node centrality on the undirected view (SPEC §4).

networkx is the reference for every formula. ``engine="networkx"`` computes everything with it;
``engine="igraph"`` (the default) computes the all-pairs metrics with compiled code — betweenness,
closeness and harmonic closeness in one Brandes pass of ``graph._brandes`` (C, over threads), or
where that is not built igraph's betweenness and scipy's Dijkstra — eigenvector
centrality as networkx's own power iteration on a sparse matrix — and agrees with networkx within
1e-9 (the tests check it). Edge lengths are on a dyadic grid (see :func:`graph.build.distance`),
so both engines see the same shortest paths.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np

from graph._allpairs import AllPairs, default_workers
from graph._engine import Arrays, arrays
from graph.model import AnalyticGraph

__all__ = [
    "ENGINES",
    "METRICS",
    "betweenness",
    "closeness_and_harmonic",
    "eigenvector",
    "pagerank",
    "start_all_pairs",
    "centrality",
]

ENGINES = ("igraph", "networkx")
#: The keys of each node's entry in :func:`centrality`.
METRICS = (
    "degree",
    "degree_centrality",
    "strength",
    "betweenness",
    "closeness",
    "harmonic",
    "eigenvector",
    "pagerank",
)


def _check(engine: str) -> None:
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}: use one of {ENGINES}")


def betweenness(
    ag: AnalyticGraph, *, engine: str = "igraph", _arrays: Arrays | None = None
) -> dict[int, float]:
    r"""Return normalised shortest-path betweenness over ``distance``.

    .. math::

        c_B(v) = \frac{2}{(n-1)(n-2)} \sum_{\{s,t\} \not\ni v} \frac{\sigma(s,t|v)}{\sigma(s,t)}

    as ``nx.betweenness_centrality(G, weight="distance", normalized=True)`` (no scaling for n ≤ 2).

    Examples
    --------
    >>> from graph.testing import partnership
    >>> ag = partnership([(1, 2), (2, 3)])
    >>> betweenness(ag)
    {1: 0.0, 2: 1.0, 3: 0.0}
    """
    _check(engine)
    G = ag.G
    if engine == "networkx":
        return nx.betweenness_centrality(G, weight="distance", normalized=True)
    a = _arrays or arrays(G)
    raw, _, _ = start_all_pairs(a).result()
    return a.to_ids(_scale_betweenness(raw))


def _scale_betweenness(raw: np.ndarray) -> np.ndarray:
    # igraph counts each unordered pair once; networkx counts both orders, then scales.
    n = len(raw)
    return raw * (2.0 / ((n - 1) * (n - 2)) if n > 2 else 1.0)


def closeness_and_harmonic(
    ag: AnalyticGraph, *, engine: str = "igraph", _arrays: Arrays | None = None
) -> tuple[dict[int, float], dict[int, float]]:
    r"""Return ``(closeness, harmonic)`` over ``distance``.

    Closeness with the Wasserman–Faust scaling, as ``nx.closeness_centrality(G,
    distance="distance", wf_improved=True)``, and harmonic closeness as
    ``nx.harmonic_centrality(G, distance="distance")``:

    .. math::

        C(u) = \frac{r(u) - 1}{\sum_{v} d(u, v)} \cdot \frac{r(u) - 1}{n - 1},
        \qquad H(u) = \sum_{v \ne u} \frac{1}{d(u, v)}

    where the sum runs over the ``r(u)`` nodes reachable from ``u`` (``u`` included); an isolated
    node scores 0 on both.

    Examples
    --------
    >>> from graph.testing import partnership
    >>> c, h = closeness_and_harmonic(partnership([(1, 2), (2, 3)]))
    >>> c[2], h[2], h[1]
    (1.0, 2.0, 1.5)
    """
    _check(engine)
    G = ag.G
    if engine == "networkx":
        return (
            nx.closeness_centrality(G, distance="distance", wf_improved=True),
            nx.harmonic_centrality(G, distance="distance"),
        )
    a = _arrays or arrays(G)
    _, clo, har = start_all_pairs(a).result()
    return a.to_ids(clo), a.to_ids(har)


def eigenvector(
    ag: AnalyticGraph,
    *,
    engine: str = "igraph",
    max_iter: int = 1000,
    tol: float = 1e-9,
    _arrays: Arrays | None = None,
) -> dict[int, float]:
    r"""Return eigenvector centrality over ``strength`` (Euclidean norm 1).

    networkx's power iteration with the shift ``A + I`` from the uniform start ``x₀ = 1/n``,

    .. math::

        x_{k+1} = \frac{(A + I)\, x_k}{\lVert (A + I)\, x_k \rVert_2},
        \quad \text{stop when } \lVert x_{k+1} - x_k \rVert_1 < n \cdot \mathrm{tol}

    as ``nx.eigenvector_centrality(G, weight="strength", max_iter=1000, tol=1e-9)``. It is
    defined on disconnected graphs and on graphs without edges (every node ``1/√n``). Where
    networkx would raise ``PowerIterationFailedConvergence`` the last iterate is returned, so the
    result is always defined. The igraph engine runs the same iteration on a scipy sparse matrix.

    Examples
    --------
    >>> from graph.testing import partnership
    >>> x = eigenvector(partnership([(1, 2), (2, 3)]))
    >>> round(x[2], 6), round(x[1], 6)
    (0.707107, 0.5)
    """
    _check(engine)
    G = ag.G
    if len(G) == 0:
        return {}
    if engine == "networkx":
        try:
            return nx.eigenvector_centrality(G, weight="strength", max_iter=max_iter, tol=tol)
        except nx.PowerIterationFailedConvergence:
            pass  # fall through to the same iteration, which keeps its last iterate
    a = _arrays or arrays(G)
    W = a.W
    n = a.n
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        last = x
        x = last + W @ last
        norm = math.sqrt(float(x @ x)) or 1.0
        x = x / norm
        if float(np.abs(x - last).sum()) < n * tol:
            break
    return a.to_ids(x)


def pagerank(ag: AnalyticGraph) -> dict[int, float]:
    """Return PageRank over ``strength`` with α = 0.85 (``nx.pagerank``, scipy-backed).

    Examples
    --------
    >>> from graph.testing import partnership
    >>> pr = pagerank(partnership([(1, 2), (2, 3)]))
    >>> round(sum(pr.values()), 12), pr[1] == pr[3] < pr[2]
    (1.0, True)
    """
    G = ag.G
    if len(G) == 0:
        return {}
    try:
        return nx.pagerank(G, alpha=0.85, weight="strength")
    except nx.PowerIterationFailedConvergence:
        return nx.pagerank(G, alpha=0.85, weight="strength", max_iter=10_000)


def start_all_pairs(a: Arrays, workers: int | None = None) -> AllPairs:
    """Start the all-pairs metrics of the igraph engine (in ``workers`` threads, or processes
    without the compiled kernel; ``None`` chooses from the graph's size and the cores)."""
    w = default_workers(a.n) if workers is None else workers
    return AllPairs(a.n, a.src, a.dst, a.distance, workers=w)


def centrality(
    ag: AnalyticGraph,
    *,
    engine: str = "igraph",
    workers: int | None = None,
    _arrays: Arrays | None = None,
    _all_pairs: AllPairs | None = None,
) -> dict[int, dict[str, float]]:
    """Return every centrality of every node: ``{id: {metric: value}}`` with keys :data:`METRICS`.

    ``degree`` is the number of active ties, ``degree_centrality`` = degree/(n − 1) (networkx's
    ``degree_centrality``), ``strength`` = Σ s over the node's ties; the others as in
    :func:`betweenness`, :func:`closeness_and_harmonic`, :func:`eigenvector` and
    :func:`pagerank`. All values are finite. With the igraph engine the three all-pairs metrics
    run in ``workers`` processes (None: 2 from 3,000 stakeholders on a multi-core machine, else in
    process); the results do not depend on it.

    Examples
    --------
    >>> from graph.testing import partnership
    >>> c = centrality(partnership([(1, 2), (2, 3)]))
    >>> c[2]["degree"], c[2]["degree_centrality"], c[2]["betweenness"], c[2]["closeness"]
    (2, 1.0, 1.0, 1.0)
    """
    _check(engine)
    G = ag.G
    a = None if engine == "networkx" else (_arrays or arrays(G))
    pending = None
    if a is not None:
        pending = _all_pairs or start_all_pairs(a, workers)
    deg = dict(G.degree())
    deg_c = nx.degree_centrality(G)
    strength = dict(G.degree(weight="strength"))
    eig = eigenvector(ag, engine=engine, _arrays=a)
    pr = pagerank(ag)
    if pending is None:
        btw = betweenness(ag, engine=engine)
        clo, har = closeness_and_harmonic(ag, engine=engine)
    else:
        raw, c, h = pending.result()
        btw = a.to_ids(_scale_betweenness(raw))
        clo, har = a.to_ids(c), a.to_ids(h)
    return {
        v: {
            "degree": deg[v],
            "degree_centrality": float(deg_c[v]),
            "strength": float(strength[v]),
            "betweenness": float(btw[v]),
            "closeness": float(clo[v]),
            "harmonic": float(har[v]),
            "eigenvector": float(eig[v]),
            "pagerank": float(pr[v]),
        }
        for v in G
    }
