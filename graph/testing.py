"""Small builders of analytic graphs for tests, doctests and examples.

Every tie is a declared tie of strength 5, so ``s = 1`` and ``distance = 1``: weighted metrics equal
their unweighted forms, and graphs from the literature keep their published values.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from datetime import date

import networkx as nx

from graph.build import build, distance
from graph.model import AnalyticGraph, Node, Tie

__all__ = ["AS_OF", "partnership", "from_networkx"]

AS_OF = date(2024, 1, 1)


def partnership(
    edges: Iterable[tuple],
    *,
    hub: int = 1,
    nodes: Iterable[Node] = (),
    members: Iterable[int] = (),
    directed: Iterable[tuple[int, int]] = (),
    isolated: Iterable[int] = (),
    as_of: date = AS_OF,
) -> AnalyticGraph:
    """Return the analytic graph of a partnership given by its ties.

    ``edges`` are ``(u, v)`` (declared strength 5) or ``(u, v, strength)``; ``directed`` lists the
    ``(source, target)`` ties to declare as directed (their reverse is then not an arc of ``D``).
    Stakeholders not given in ``nodes`` are persons named ``n<id>``; ``hub`` is the hub (created
    when missing) and ``members`` are hub members (persons of the hub).

    Examples
    --------
    >>> ag = partnership([(1, 2), (2, 3, 1)], members=[2])
    >>> sorted(ag.core), sorted(ag.G.edges(data="strength"))
    ([1, 2], [(1, 2, 1.0), (2, 3, 0.2)])
    """
    given = {n.id: n for n in nodes}
    members = set(members)
    dirs = set(directed)
    ties = []
    ids: list[int] = [hub, *members, *isolated]
    for k, e in enumerate(edges, start=1):
        u, v = e[0], e[1]
        s = e[2] if len(e) > 2 else 5
        ids += [u, v]
        ties.append(Tie(k, u, v, directed=(u, v) in dirs, strength=s))
    records = dict(given)
    for v in ids:
        if v in records:
            continue
        if v == hub:
            records[v] = Node(v, "hub", "Hub")
        else:
            org = hub if v in members else None
            records[v] = Node(v, "person", f"n{v}", organisation_id=org)
    return build(records.values(), ties, [], as_of=as_of)


def from_networkx(
    G: nx.Graph, *, hub: Hashable | None = None, weight: str | None = None
) -> tuple[AnalyticGraph, dict]:
    """Return ``(ag, ids)``: ``G``'s structure as an analytic graph.

    Nodes are numbered in ``G``'s order (``ids`` maps each original node to its id); ``hub`` (by
    default ``G``'s first node) becomes the hub, every other node a person. Without ``weight``
    every tie has s = 1 (a declared tie of strength 5). With ``weight`` the graph is made
    directly, with ``strength`` = weight / largest weight (ratio-based measures such as
    constraint keep their values) and ``distance`` from :func:`graph.build.distance`.

    Examples
    --------
    >>> ag, ids = from_networkx(nx.path_graph(["a", "b", "c"]))
    >>> ids, ag.hub_id, sorted(ag.G.edges())
    ({'a': 0, 'b': 1, 'c': 2}, 0, [(0, 1), (1, 2)])
    >>> H = nx.Graph([("a", "b", {"w": 4}), ("b", "c", {"w": 2})])
    >>> sorted(from_networkx(H, weight="w")[0].G.edges(data="strength"))
    [(0, 1, 1.0), (1, 2, 0.5)]
    """
    ids = {v: i for i, v in enumerate(G)}
    hub_id = ids[hub] if hub is not None else 0
    nodes = [Node(i, "hub" if i == hub_id else "person", str(v)) for v, i in ids.items()]
    edges = [(ids[u], ids[v]) for u, v in G.edges()]
    if weight is None:
        directed = edges if G.is_directed() else ()
        return partnership(edges, hub=hub_id, nodes=nodes, directed=directed), ids
    top = max((d[weight] for _, _, d in G.edges(data=True)), default=1.0)
    U = nx.Graph()
    U.add_nodes_from(range(len(ids)))
    for u, v, d in G.edges(data=True):
        s = d[weight] / top
        U.add_edge(ids[u], ids[v], strength=s, distance=distance(s))
    D = U.to_directed()
    return AnalyticGraph(AS_OF, hub_id, {n.id: n for n in nodes}, U, D), ids
