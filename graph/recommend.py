"""Next best engagements (SPEC §6): whom to meet next to widen the partnership's reach most.

Engaging a stakeholder directly puts it at tier 1, and so brings its neighbours within two steps of
the core. The recommendation greedily picks, up to ``k`` times, the stakeholder whose direct
engagement brings the most influence-weighted *new* stakeholders within two steps, counting the
picks already made.
"""

from __future__ import annotations

from collections.abc import Mapping

from graph.errors import InvalidParameter
from graph.model import AnalyticGraph
from graph.paths import path_strength, warmest_paths
from graph.reach import tiers as reach_tiers

__all__ = ["weight", "next_best_engagements"]

#: "Within two steps" of the core.
_HORIZON = 2


def weight(ag: AnalyticGraph, v: int) -> int:
    """Return the weight of bringing ``v`` within reach: its influence (1–5), 1 when unrated.

    An unrated stakeholder counts as the least influential, as it is low on the Mendelow grid.

    Examples
    --------
    >>> from datetime import date
    >>> from graph.build import build
    >>> from graph.model import Node
    >>> ag = build([Node(1, "hub", "H"), Node(2, "person", "Ann", influence=4),
    ...             Node(3, "person", "Bob")], [], [], as_of=date(2024, 1, 1))
    >>> weight(ag, 2), weight(ag, 3)
    (4, 1)
    """
    influence = ag.nodes[v].influence
    return influence if influence is not None else 1


def next_best_engagements(
    ag: AnalyticGraph, *, k: int = 5, metrics: Mapping | None = None
) -> list[dict]:
    r"""Return up to ``k`` stakeholders to engage directly, best first, with what each would bring.

    Candidates are the stakeholders outside the core that have no active tie to it (tier 2 or
    more, or unreachable). Engaging candidate ``c`` brings within two steps the set
    :math:`\{c\} \cup N(c)` minus those already within two steps (or brought by earlier picks) and
    the core; its gain is the sum of their :func:`weight` (influence, 1 when unrated). The
    greedy pick maximises the gain, then the number of new stakeholders, the candidate's own
    influence, the warmth of the best path to it, and the lowest id. Picking stops early when no
    candidate brings anyone new.

    Parameters
    ----------
    ag
        The analytic graph.
    k
        The most picks to return (0 gives an empty list).
    metrics
        Optional precomputed ``tiers`` (:func:`graph.reach.tiers`) and ``warmest_paths``
        (:func:`graph.paths.warmest_paths`).

    Returns
    -------
    list of dict
        ``{"stakeholder_id", "name", "tier", "influence", "gain", "new_count", "newly_reached",
        "introducer", "path", "path_strength"}``: ``newly_reached`` lists ``{"id", "name"}``
        (most influential first); ``introducer`` is ``{"id", "name"}`` of the stakeholder just
        before the candidate on the warmest path from the core (who can introduce), or None when
        no path exists; ``path`` is that path's ids (None when unreachable).

    Raises
    ------
    InvalidParameter
        When ``k`` is not a non-negative integer.

    Examples
    --------
    >>> from datetime import date
    >>> from graph.build import build
    >>> from graph.model import Node, Tie
    >>> nodes = [Node(1, "hub", "Hub"), Node(2, "person", "Ann"), Node(3, "person", "Bob"),
    ...          Node(4, "person", "Cy", influence=5), Node(5, "person", "Di")]
    >>> ties = [Tie(1, 1, 2), Tie(2, 2, 3), Tie(3, 3, 4), Tie(4, 3, 5)]
    >>> picks = next_best_engagements(build(nodes, ties, [], as_of=date(2024, 1, 1)), k=2)
    >>> [(p["name"], p["gain"], [r["name"] for r in p["newly_reached"]]) for p in picks]
    [('Bob', 6, ['Cy', 'Di'])]
    >>> picks[0]["introducer"]
    {'id': 2, 'name': 'Ann'}
    """
    if isinstance(k, bool) or not isinstance(k, int) or k < 0:
        raise InvalidParameter(f"k must be a non-negative integer, got {k!r}", param="k")
    core = ag.core
    tiers = (metrics or {}).get("tiers") or reach_tiers(ag)
    outside = {v for v, n in ag.nodes.items() if v not in core and n.kind != "hub"}
    reached = {v for v in outside if tiers.get(v) is not None and tiers[v] <= _HORIZON}
    candidates = {v for v in outside if tiers.get(v) != 1}
    paths = (metrics or {}).get("warmest_paths") or warmest_paths(ag)
    warmth = {v: path_strength(ag, p) for v, p in paths.items() if v in candidates}

    def order(v: int, new: set[int]) -> tuple:
        gain = sum(weight(ag, u) for u in new)
        return (gain, len(new), ag.nodes[v].influence or 0, warmth.get(v, 0.0), -v)

    picks = []
    while len(picks) < k and candidates:
        best = None
        for c in candidates:
            new = ({c} | set(ag.G[c])) & outside
            new -= reached
            key = order(c, new)
            if best is None or key > best[0]:
                best = (key, c, new)
        key, c, new = best
        if key[0] <= 0:
            break
        candidates.discard(c)
        reached |= new
        path = paths.get(c)
        introducer = path[-2] if path is not None and len(path) >= 2 else None
        ordered = sorted(new, key=lambda u: (-weight(ag, u), ag.nodes[u].name, u))
        picks.append(
            {
                "stakeholder_id": c,
                "name": ag.nodes[c].name,
                "tier": tiers.get(c),
                "influence": ag.nodes[c].influence,
                "gain": key[0],
                "new_count": len(new),
                "newly_reached": [{"id": u, "name": ag.nodes[u].name} for u in ordered],
                "introducer": (
                    {"id": introducer, "name": ag.nodes[introducer].name}
                    if introducer is not None
                    else None
                ),
                "path": list(path) if path is not None else None,
                "path_strength": warmth.get(c, 0.0),
            }
        )
    return picks
