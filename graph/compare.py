"""History (SPEC §6): how a partnership's reach, tiers and centrality ranks changed over time.

Both analytic graphs are built from the same records with :func:`graph.build.build`, one as of each
date; ties valid and engagements logged by then count, engagement evidence decaying to that date.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from datetime import date

from graph.build import build
from graph.centrality import centrality
from graph.errors import InvalidDateRange, InvalidParameter
from graph.model import AnalyticGraph, Engagement, Node, Tie
from graph.reach import effective_tiers
from graph.reach import tiers as reach_tiers
from graph.whatif import delta, reach_headline

__all__ = ["RANKED_METRICS", "ranks", "compare"]

#: The centrality measures whose ranks are compared.
RANKED_METRICS = ("betweenness", "eigenvector")
#: Values closer than this share a rank, so floating-point noise does not reorder equal nodes.
_RANK_TOLERANCE = 1e-9


def ranks(values: Mapping[int, float]) -> dict[int, int]:
    """Return competition ranks ("1224"): 1 + the number of strictly larger values.

    Values within 1e-9 of each other tie; NaN and infinities count as 0.

    Examples
    --------
    >>> ranks({1: 0.5, 2: 0.9, 3: 0.5, 4: 0.1})
    {1: 2, 2: 1, 3: 2, 4: 4}
    """
    clean = {v: (x if math.isfinite(x) else 0.0) for v, x in values.items()}
    ascending = sorted(clean.values())
    n = len(ascending)
    return {v: 1 + n - bisect_right(ascending, x + _RANK_TOLERANCE) for v, x in clean.items()}


def _movers(ag: AnalyticGraph, before: dict, after: dict, metric: str, top: int) -> list[dict]:
    values_before = {v: before.get(v, {}).get(metric, 0.0) for v in ag.nodes}
    values_after = {v: after.get(v, {}).get(metric, 0.0) for v in ag.nodes}
    rank_before, rank_after = ranks(values_before), ranks(values_after)
    moved = [v for v in ag.nodes if rank_before[v] != rank_after[v]]
    moved.sort(key=lambda v: (-abs(rank_before[v] - rank_after[v]), v))
    return [
        {
            "id": v,
            "name": ag.nodes[v].name,
            "rank_from": rank_before[v],
            "rank_to": rank_after[v],
            "change": rank_before[v] - rank_after[v],
            "value_from": _finite(values_before[v]),
            "value_to": _finite(values_after[v]),
        }
        for v in moved[:top]
    ]


def _finite(x: float) -> float:
    return float(x) if math.isfinite(x) else 0.0


def _pairs(ag: AnalyticGraph) -> set[frozenset[int]]:
    return {frozenset(e) for e in ag.G.edges()}


def compare(
    nodes: Mapping[int, Node] | Iterable[Node],
    ties: Iterable[Tie],
    engagements: Iterable[Engagement],
    *,
    date_from: date,
    date_to: date,
    half_life: float = 180.0,
    top: int = 10,
) -> dict:
    """Return the changes in reach, tiers, centrality ranks and active ties between two dates.

    Returns
    -------
    dict
        ``{"date_from", "date_to", "reach", "tier_changes", "centrality", "ties",
        "engagements_logged"}``: ``reach`` is ``{"from", "to", "delta"}`` of
        :func:`graph.whatif.reach_headline` (reach_k, coverage_k, ...); ``tier_changes`` lists
        ``{"id", "name", "from", "to"}`` for every stakeholder outside the core whose tier changed
        (an organisation's: its organisation tier; None = unreachable); ``centrality`` maps each
        of :data:`RANKED_METRICS` to ``{"top_movers": [...]}``, up to ``top`` stakeholders
        whose rank changed most, each ``{"id", "name", "rank_from", "rank_to", "change",
        "value_from", "value_to"}`` with
        ``change = rank_from − rank_to`` (positive: moved up); ``ties`` is ``{"active_from",
        "active_to", "new", "lost"}`` (counts of active ties); ``engagements_logged`` counts the
        engagements after ``date_from`` up to ``date_to``.

    Raises
    ------
    InvalidDateRange
        When ``date_from`` is after ``date_to``.
    InvalidParameter
        When ``top`` is negative.

    Examples
    --------
    >>> nodes = [Node(1, "hub", "Hub"), Node(2, "person", "Ann"), Node(3, "person", "Bob")]
    >>> ties = [Tie(1, 1, 2, strength=5), Tie(2, 2, 3, valid_from=date(2024, 3, 1))]
    >>> report = compare(nodes, ties, [], date_from=date(2024, 1, 1), date_to=date(2024, 6, 1))
    >>> report["tier_changes"]
    [{'id': 3, 'name': 'Bob', 'from': None, 'to': 2}]
    >>> report["reach"]["delta"]["reach_2"], report["ties"]
    (1, {'active_from': 1, 'active_to': 2, 'new': 1, 'lost': 0})
    """
    if date_from > date_to:
        raise InvalidDateRange(
            f"date_from ({date_from.isoformat()}) is after date_to ({date_to.isoformat()})",
            param="from",
        )
    if isinstance(top, bool) or not isinstance(top, int) or top < 0:
        raise InvalidParameter(f"top must be a non-negative integer, got {top!r}", param="top")
    node_map = dict(nodes) if isinstance(nodes, Mapping) else {n.id: n for n in nodes}
    ties, engagements = list(ties), list(engagements)
    old = build(node_map, ties, engagements, as_of=date_from, half_life=half_life)
    new = build(node_map, ties, engagements, as_of=date_to, half_life=half_life)

    hops_old, hops_new = reach_tiers(old), reach_tiers(new)
    head_old = reach_headline(old, tiers=hops_old)
    head_new = reach_headline(new, tiers=hops_new)
    tiers_old = effective_tiers(old, _tiers=hops_old)
    tiers_new = effective_tiers(new, _tiers=hops_new)
    core = new.core
    changed = [v for v in new.nodes if v not in core and tiers_old.get(v) != tiers_new.get(v)]
    cent_old, cent_new = centrality(old), centrality(new)
    pairs_old, pairs_new = _pairs(old), _pairs(new)
    return {
        "date_from": date_from.isoformat(),
        "date_to": date_to.isoformat(),
        "reach": {
            "from": head_old,
            "to": head_new,
            "delta": delta(head_old, head_new),
        },
        "tier_changes": [
            {"id": v, "name": new.nodes[v].name, "from": tiers_old.get(v), "to": tiers_new.get(v)}
            for v in changed
        ],
        "centrality": {
            m: {"top_movers": _movers(new, cent_old, cent_new, m, top)} for m in RANKED_METRICS
        },
        "ties": {
            "active_from": len(pairs_old),
            "active_to": len(pairs_new),
            "new": len(pairs_new - pairs_old),
            "lost": len(pairs_old - pairs_new),
        },
        "engagements_logged": sum(1 for e in engagements if date_from < e.occurred_on <= date_to),
    }
