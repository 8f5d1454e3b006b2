r"""Warmest introduction paths (SPEC §6): the chain of relationships most likely to carry a request.

The warmth of a path is the product of its tie strengths ``s``; the warmest path maximises it. As
every ``s`` lies in (0, 1], maximising the product is a shortest-path problem on the additive
weight ``−log s`` (non-negative), solved with Dijkstra's algorithm. "From the core" starts at every
core node at once, as if a virtual source were joined to each of them at no cost.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

import networkx as nx

from graph.errors import InvalidParameter, UnknownStakeholder
from graph.model import AnalyticGraph

__all__ = ["path_strength", "warmest_path", "warmest_paths"]

_Weight = Callable[[int, int, dict], float | None]


def _check(ag: AnalyticGraph, v: int, param: str) -> None:
    if v not in ag.nodes or v not in ag.G:
        raise UnknownStakeholder(v, param=param)


def _weight(
    sources: frozenset[int],
    banned_nodes: frozenset[int] | set[int] = frozenset(),
    banned_edges: frozenset[frozenset[int]] | set[frozenset[int]] = frozenset(),
) -> _Weight:
    """The edge weight ``−log s``; None hides an edge from Dijkstra.

    networkx calls ``weight(u, v, data)`` with ``v`` the node being entered. Entering a source is
    hidden: a warmest path never needs to pass back through the core, it could start there.
    """

    def weight(u: int, v: int, data: dict) -> float | None:
        if v in sources or v in banned_nodes or u in banned_nodes:
            return None
        if banned_edges and frozenset((u, v)) in banned_edges:
            return None
        return max(0.0, -math.log(data["strength"]))

    return weight


def path_strength(ag: AnalyticGraph, path: list[int]) -> float:
    """Return the product of the tie strengths along ``path`` (1.0 for a single node).

    Examples
    --------
    >>> from datetime import date
    >>> from graph.build import build
    >>> from graph.model import Node, Tie
    >>> nodes = [Node(1, "hub", "Hub"), Node(2, "person", "Ann"), Node(3, "person", "Bob")]
    >>> ties = [Tie(1, 1, 2, strength=5), Tie(2, 2, 3, strength=3)]
    >>> path_strength(build(nodes, ties, [], as_of=date(2024, 1, 1)), [1, 2, 3])
    0.6
    """
    product = 1.0
    for u, v in zip(path, path[1:], strict=False):
        product *= ag.G.edges[u, v]["strength"]
    return product


def _describe(ag: AnalyticGraph, path: list[int]) -> dict:
    return {
        "path": list(path),
        "names": [ag.nodes[v].name for v in path],
        "strength": path_strength(ag, path),
        "steps": [
            {"from": u, "to": v, "strength": ag.G.edges[u, v]["strength"]}
            for u, v in zip(path, path[1:], strict=False)
        ],
    }


def _best(ag: AnalyticGraph, sources: frozenset[int], target: int, weight: _Weight) -> list | None:
    try:
        _, path = nx.multi_source_dijkstra(ag.G, sources, target, weight=weight)
    except nx.NetworkXNoPath:
        return None
    return path


def warmest_paths(ag: AnalyticGraph, *, source: int | None = None) -> dict[int, list[int]]:
    """Return the warmest path from the core (or ``source``) to every stakeholder it can reach.

    Keys are the reachable stakeholders (the starting nodes included, with the one-node path);
    each path starts at one core node (or at ``source``) and passes through no other core node.

    Raises
    ------
    UnknownStakeholder
        When ``source`` is not in the partnership.

    Examples
    --------
    >>> from datetime import date
    >>> from graph.build import build
    >>> from graph.model import Node, Tie
    >>> nodes = [Node(1, "hub", "Hub"), Node(2, "person", "Ann"), Node(3, "person", "Bob")]
    >>> ag = build(nodes, [Tie(1, 1, 2, strength=5), Tie(2, 2, 3)], [], as_of=date(2024, 1, 1))
    >>> warmest_paths(ag)
    {1: [1], 2: [1, 2], 3: [1, 2, 3]}
    """
    if source is not None:
        _check(ag, source, "source")
    sources = frozenset([source]) if source is not None else ag.core
    _, paths = nx.multi_source_dijkstra(ag.G, sources, weight=_weight(sources))
    return dict(sorted(paths.items()))


def warmest_path(
    ag: AnalyticGraph, target: int, *, source: int | None = None, alternatives: int = 3
) -> dict:
    r"""Return the warmest introduction path to ``target`` and up to ``alternatives`` others.

    The path maximises :math:`\prod_{(u,v) \in P} s(u, v)` over the paths of the undirected view
    from any core node (or from ``source``) to ``target``.

    Returns
    -------
    dict
        ``{"source", "target", "path", "names", "strength", "steps", "alternatives"}``:
        ``source`` as given (None means the core); ``path`` the stakeholder ids from a core node
        (or ``source``) to ``target``, ``names`` their names, ``strength`` the product of ``s``,
        ``steps`` one ``{"from", "to", "strength"}`` per tie; ``alternatives`` a list of
        ``{"path", "names", "strength", "steps"}``, warmest first. When ``target`` cannot be
        reached, ``path`` and ``names`` are None, ``strength`` 0.0 and both lists empty. When
        ``target`` is the source (or in the core), the path is ``[target]`` with strength 1.0.

    Raises
    ------
    UnknownStakeholder
        When ``target`` or ``source`` is not in the partnership.
    InvalidParameter
        When ``alternatives`` is negative.

    Notes
    -----
    Each alternative is the warmest path that avoids the intermediaries (the nodes strictly between
    the ends) of the main path *and of every earlier alternative*, so the alternatives are
    genuinely different introduction routes. A path with no intermediary (a direct tie) bans that
    tie instead, so the next alternative starts from another core member. "From the core", a path
    passes through exactly one core node, its first.

    Examples
    --------
    >>> from datetime import date
    >>> from graph.build import build
    >>> from graph.model import Node, Tie
    >>> nodes = [Node(1, "hub", "Hub"), Node(2, "person", "Ann"), Node(3, "person", "Bob"),
    ...          Node(4, "person", "Cy")]
    >>> ties = [Tie(1, 1, 2, strength=5), Tie(2, 2, 4, strength=3),
    ...         Tie(3, 1, 3, strength=3), Tie(4, 3, 4, strength=3)]
    >>> result = warmest_path(build(nodes, ties, [], as_of=date(2024, 1, 1)), 4)
    >>> result["names"], result["strength"]
    (['Hub', 'Ann', 'Cy'], 0.6)
    >>> [(a["names"], round(a["strength"], 2)) for a in result["alternatives"]]
    [(['Hub', 'Bob', 'Cy'], 0.36)]
    """
    _check(ag, target, "target")
    if source is not None:
        _check(ag, source, "source")
    if isinstance(alternatives, bool) or not isinstance(alternatives, int) or alternatives < 0:
        raise InvalidParameter(
            f"alternatives must be a non-negative integer, got {alternatives!r}",
            param="alternatives",
        )
    sources = frozenset([source]) if source is not None else ag.core
    result: dict = {"source": source, "target": target}
    if target in sources:
        return result | _describe(ag, [target]) | {"alternatives": []}
    first = _best(ag, sources, target, _weight(sources))
    if first is None:
        return result | {
            "path": None,
            "names": None,
            "strength": 0.0,
            "steps": [],
            "alternatives": [],
        }
    found = _describe(ag, first)
    others = []
    banned_nodes: set[int] = set()
    banned_edges: set[frozenset[int]] = set()
    path = first
    for _ in range(alternatives):
        _ban(path, banned_nodes, banned_edges)
        path = _best(ag, sources, target, _weight(sources, banned_nodes, banned_edges))
        if path is None:
            break
        others.append(_describe(ag, path))
    return result | found | {"alternatives": others}


def _ban(path: Iterable[int], nodes: set[int], edges: set[frozenset[int]]) -> None:
    path = list(path)
    middle = path[1:-1]
    if middle:
        nodes.update(middle)
    else:
        edges.add(frozenset(path))
