"""Build the analytic graph of SPEC §3 from plain records, and group its nodes.

The tie strength of a pair is a noisy-or of its evidence (declared ties and shared engagements); a
pair whose strength reaches :data:`ACTIVE_THRESHOLD` is an *active tie*, an edge of the analytic
graph.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from itertools import combinations

import networkx as nx

from graph.model import CHANNEL_WEIGHTS, AnalyticGraph, Engagement, Node, Tie

__all__ = [
    "ACTIVE_THRESHOLD",
    "MAX_PARTICIPANTS",
    "HUB_GROUP",
    "NO_SECTOR",
    "distance",
    "tie_is_valid",
    "tie_strengths",
    "build",
    "group_of",
    "groups",
]

#: A pair is an active tie when its strength is at least this (SPEC §3).
ACTIVE_THRESHOLD = 0.1
#: Floating-point slack on the threshold: ``1 - 0.9`` is ``0.09999999999999998`` in binary, and a
#: strength that is 0.1 on paper must count as active.
_THRESHOLD_SLACK = 1e-12
#: Engagements with more participants than this add no pair evidence (SPEC §3).
MAX_PARTICIPANTS = 50
#: Group label of the hub and its members.
HUB_GROUP = "hub"
#: Sector label of a stakeholder outside the core with no (effective) sector.
NO_SECTOR = "none"

#: Edge lengths are multiples of 2**-_DISTANCE_BITS (see :func:`distance`).
_DISTANCE_BITS = 20

Pair = tuple[int, int]


def distance(s: float) -> float:
    """Return the edge length of a tie of strength ``s``: ``1/s`` on a grid of 2⁻²⁰.

    Shortest-path algorithms compare sums of lengths. With raw ``1/s`` two paths of equal length
    on paper (the same lengths in another order) can differ in the last bit, and networkx (exact
    ``==``) and igraph (relative tolerance 1e-10) then count different sets of shortest paths, so
    their betweenness disagrees. Lengths on a dyadic grid add exactly, so equal paths are equal for
    every engine; the rounding moves ``1/s`` by at most 2⁻²¹ ≈ 4.8e-7 (relative ≤ 4.8e-7, as s ≤ 1).

    Examples
    --------
    >>> distance(1.0), distance(0.8), distance(0.6)
    (1.0, 1.25, 1.6666669845581055)
    """
    return math.ldexp(round(math.ldexp(1.0 / s, _DISTANCE_BITS)), -_DISTANCE_BITS)


def _as_node_map(nodes: Mapping[int, Node] | Iterable[Node]) -> dict[int, Node]:
    if isinstance(nodes, Mapping):
        return dict(nodes)
    return {n.id: n for n in nodes}


def tie_is_valid(tie: Tie, as_of: date) -> bool:
    """Return whether a declared tie counts on ``as_of``: ``valid_from ≤ as_of ≤ valid_to``.

    A null bound is open.

    Examples
    --------
    >>> from datetime import date
    >>> tie_is_valid(Tie(1, 1, 2, valid_to=date(2024, 1, 1)), date(2024, 1, 1))
    True
    >>> tie_is_valid(Tie(1, 1, 2, valid_from=date(2024, 1, 2)), date(2024, 1, 1))
    False
    """
    if tie.valid_from is not None and tie.valid_from > as_of:
        return False
    return not (tie.valid_to is not None and tie.valid_to < as_of)


def _pair(u: int, v: int) -> Pair:
    return (u, v) if u < v else (v, u)


def _declared(node_ids: Iterable[int], ties: Iterable[Tie], as_of: date) -> tuple[list[Tie], dict]:
    """Valid ties between known, distinct stakeholders and the largest strength per pair."""
    known = set(node_ids)
    valid: list[Tie] = []
    best: dict[Pair, float] = {}
    for t in ties:
        if t.source_id == t.target_id or t.source_id not in known or t.target_id not in known:
            continue
        if not tie_is_valid(t, as_of):
            continue
        valid.append(t)
        p = _pair(t.source_id, t.target_id)
        a = min(max(float(t.strength), 0.0), 5.0)
        if a > best.get(p, -1.0):
            best[p] = a
    return valid, best


def _evidence(
    node_ids: Iterable[int], engagements: Iterable[Engagement], as_of: date, half_life: float
) -> tuple[list[Engagement], dict[Pair, float]]:
    """Past engagements and, per pair, q = 1 − Π_e (1 − c_e·d_e/(k_e − 1)).

    q is updated as ``q + x·(1 − q)`` rather than as a product of complements, so one engagement
    gives exactly ``x`` (``1 − (1 − 0.1)`` would be ``0.09999999999999998``).
    """
    known = set(node_ids)
    past: list[Engagement] = []
    hit: dict[Pair, float] = defaultdict(float)
    decay_cache: dict[int, float] = {}
    for e in engagements:
        if e.occurred_on > as_of:
            continue
        past.append(e)
        people = set(e.participant_ids)
        k = len(people)
        if k < 2 or k > MAX_PARTICIPANTS:
            continue
        age = (as_of - e.occurred_on).days
        d = decay_cache.get(age)
        if d is None:
            d = decay_cache[age] = 0.5 ** (age / half_life)
        x = CHANNEL_WEIGHTS.get(e.channel, 0.0) * d / (k - 1)
        if x <= 0.0:
            continue
        x = min(x, 1.0)
        for p in combinations(sorted(people & known), 2):
            q = hit[p]
            hit[p] = q + x * (1.0 - q)
    return past, dict(hit)


def tie_strengths(
    nodes: Mapping[int, Node] | Iterable[Node],
    ties: Iterable[Tie],
    engagements: Iterable[Engagement],
    *,
    as_of: date,
    half_life: float = 180.0,
) -> dict[Pair, float]:
    r"""Return the tie strength of every pair with any evidence, keyed ``(min_id, max_id)``.

    .. math::

        s(u, v) = 1 - \left(1 - \frac{a}{5}\right)
                  \prod_e \left(1 - \frac{c_e d_e}{k_e - 1}\right),
        \qquad d_e = 0.5^{\mathrm{age}_e / H}

    where ``a`` is the largest assessed strength of the declared ties between u and v valid on
    ``as_of`` (0 when none) and the product runs over the engagements on or before ``as_of`` in
    which both took part; ``c_e`` is the channel weight, ``k_e`` the number of distinct
    participants, ``age_e`` the engagement's age in days and ``H`` the half-life in days.

    Notes
    -----
    Engagements with more than 50 participants add no pair evidence, so the pair enumeration is
    bounded by 1,225 pairs per engagement. Pairs without evidence (or only evidence of weight 0,
    such as an unknown channel) are absent: their strength is 0. Participants and tie ends that are
    not among ``nodes`` are ignored (but still count in ``k_e``). The noisy-or is evaluated as
    ``a/5 + (1 − a/5)·q`` with ``q`` accumulated as ``q + x(1 − q)``, which is the same number
    but exact when there is a single piece of evidence.

    Examples
    --------
    >>> from datetime import date
    >>> people = [Node(1, "hub", "Hub"), Node(2, "person", "Ann"), Node(3, "person", "Bob")]
    >>> e = Engagement(1, date(2024, 1, 1), "face_to_face", (1, 2, 3))
    >>> tie_strengths(people, [Tie(1, 1, 2, strength=5)], [e], as_of=date(2024, 6, 29))
    {(1, 2): 1.0, (1, 3): 0.25, (2, 3): 0.25}
    """
    node_map = _as_node_map(nodes)
    _, best = _declared(node_map, ties, as_of)
    _, hit = _evidence(node_map, engagements, as_of, half_life)
    return _combine(best, hit)


def _combine(best: dict[Pair, float], hit: dict[Pair, float]) -> dict[Pair, float]:
    # s = a/5 + (1 − a/5)·q, the same noisy-or written so that a lone source of evidence is exact.
    out: dict[Pair, float] = {}
    for p in best.keys() | hit.keys():
        a = best.get(p, 0.0) / 5.0
        out[p] = a + (1.0 - a) * hit.get(p, 0.0)
    return dict(sorted(out.items()))


def build(
    nodes: Mapping[int, Node] | Iterable[Node],
    ties: Iterable[Tie],
    engagements: Iterable[Engagement],
    *,
    as_of: date,
    half_life: float = 180.0,
) -> AnalyticGraph:
    """Return the analytic graph of a partnership as of ``as_of`` (SPEC §3).

    Every stakeholder is a node of ``G`` (undirected) and ``D`` (directed), with attributes
    ``kind``, ``name``, ``organisation_id`` and ``sector``. Each active pair (``s ≥ 0.1``, with
    1e-12 of slack for rounding) is an edge of ``G`` with ``strength = s`` and ``distance = 1/s``
    (on a 2⁻²⁰ grid, see :func:`distance`). In ``D`` the same pair gives the union of its valid
    declared ties' directions — a directed tie its own direction, an undirected tie both — and both
    directions when it has no declared tie (engagement evidence only). ``D``'s arcs carry the same
    attributes. ``ties`` keeps the declared ties valid on ``as_of`` (between known, distinct
    stakeholders) and ``engagements`` those on or before it.

    Raises
    ------
    ValueError
        When there is not exactly one node of kind ``hub``.

    Examples
    --------
    >>> from datetime import date
    >>> people = [Node(1, "hub", "Hub"), Node(2, "organisation", "Org"), Node(3, "person", "Bo")]
    >>> ties = [Tie(1, 1, 2, strength=5), Tie(2, 3, 2, kind="reports_to", directed=True)]
    >>> ag = build(people, ties, [], as_of=date(2024, 1, 1))
    >>> ag.hub_id, sorted(ag.G.edges(data="strength"))
    (1, [(1, 2, 1.0), (2, 3, 0.6)])
    >>> sorted(ag.D.edges())
    [(1, 2), (2, 1), (3, 2)]
    """
    node_map = dict(sorted(_as_node_map(nodes).items()))
    hubs = [n.id for n in node_map.values() if n.kind == "hub"]
    if len(hubs) != 1:
        raise ValueError(f"a partnership has exactly one hub, found {len(hubs)}")
    valid, best = _declared(node_map, ties, as_of)
    past, hit = _evidence(node_map, engagements, as_of, half_life)
    strengths = _combine(best, hit)

    G = nx.Graph()
    D = nx.DiGraph()
    attrs = [
        (
            n.id,
            {
                "kind": n.kind,
                "name": n.name,
                "organisation_id": n.organisation_id,
                "sector": n.sector,
            },
        )
        for n in node_map.values()
    ]
    G.add_nodes_from(attrs)
    D.add_nodes_from(attrs)

    directions: dict[Pair, set[Pair]] = defaultdict(set)
    for t in valid:
        u, v = t.source_id, t.target_id
        directions[_pair(u, v)].add((u, v))
        if not t.directed:
            directions[_pair(u, v)].add((v, u))

    cut = ACTIVE_THRESHOLD - _THRESHOLD_SLACK
    arcs = []
    edges = []
    for (u, v), s in strengths.items():
        if s < cut:
            continue
        # networkx copies the attribute dict into its own, so G and D may share this one.
        data = {"strength": s, "distance": distance(s)}
        edges.append((u, v, data))
        declared = directions.get((u, v))
        if declared is None or len(declared) == 2:
            arcs.append((u, v, data))
            arcs.append((v, u, data))
        else:
            a, b = next(iter(declared))
            arcs.append((a, b, data))
    G.add_edges_from(edges)
    D.add_edges_from(arcs)
    return AnalyticGraph(
        as_of=as_of,
        hub_id=hubs[0],
        nodes=node_map,
        G=G,
        D=D,
        ties=valid,
        engagements=past,
        half_life=half_life,
    )


def _organisation_group(nodes: Mapping[int, Node], hub_id: int, v: int) -> str:
    node = nodes[v]
    if v == hub_id or node.kind == "hub":
        return HUB_GROUP
    if node.kind == "organisation":
        return f"org:{v}"
    # Walk up organisation_id through group-kind (or other non-organisation) stakeholders to the
    # nearest organisation or the hub; the topmost stakeholder of an unattached chain is the group.
    seen = {v}
    top = v
    parent = node.organisation_id
    while parent is not None and parent in nodes and parent not in seen:
        p = nodes[parent]
        if parent == hub_id or p.kind == "hub":
            return HUB_GROUP
        if p.kind == "organisation":
            return f"org:{parent}"
        seen.add(parent)
        top = parent
        parent = p.organisation_id
    return f"node:{top}"


def group_of(ag: AnalyticGraph, v: int, by: str = "organisation") -> str:
    """Return the group label of stakeholder ``v``: by ``"organisation"`` or by ``"sector"``.

    By organisation: ``"hub"`` for the hub and its members, ``"org:<id>"`` for an organisation and
    everyone under it (a person in a group-kind stakeholder belongs to that group's organisation),
    ``"node:<id>"`` for a stakeholder under no organisation (the topmost of its chain). By sector:
    ``"hub"`` for everyone in the hub group, else the effective sector, ``"none"`` when null.

    Examples
    --------
    >>> from datetime import date
    >>> people = [Node(1, "hub", "Hub"), Node(2, "organisation", "Org", sector="health"),
    ...           Node(3, "group", "Team", organisation_id=2), Node(4, "person", "Al",
    ...           organisation_id=3, sector="health"), Node(5, "person", "Cy", organisation_id=1)]
    >>> ag = build(people, [], [], as_of=date(2024, 1, 1))
    >>> [group_of(ag, v) for v in (1, 2, 3, 4, 5)]
    ['hub', 'org:2', 'org:2', 'org:2', 'hub']
    >>> [group_of(ag, v, by="sector") for v in (1, 3, 4)]
    ['hub', 'none', 'health']
    """
    if by == "organisation":
        return _organisation_group(ag.nodes, ag.hub_id, v)
    if by == "sector":
        if _organisation_group(ag.nodes, ag.hub_id, v) == HUB_GROUP:
            return HUB_GROUP
        return ag.nodes[v].sector or NO_SECTOR
    raise ValueError(f"unknown grouping {by!r}: use 'organisation' or 'sector'")


def groups(ag: AnalyticGraph, by: str = "organisation") -> dict[int, str]:
    """Return ``{stakeholder id: group label}`` for every stakeholder (see :func:`group_of`).

    Examples
    --------
    >>> from datetime import date
    >>> ag = build([Node(1, "hub", "H"), Node(2, "person", "P")], [], [], as_of=date(2024, 1, 1))
    >>> groups(ag)
    {1: 'hub', 2: 'node:2'}
    """
    return {v: group_of(ag, v, by) for v in ag.nodes}
