"""Mendelow classification, contact cadence and the PMBOK engagement matrix (SPEC §4).

A stakeholder's *quadrant* places it on the power/interest grid; the quadrant sets how often the
partnership should be in touch (:data:`CADENCE_DAYS`). The *engagement gap* is how many steps its
current engagement lies below the desired one on the ordered PMBOK scale
``unaware < resistant < neutral < supportive < leading``.
"""

from __future__ import annotations

from graph.errors import InvalidParameter
from graph.model import ENGAGEMENT_LEVELS, AnalyticGraph, Node

__all__ = [
    "HIGH",
    "QUADRANTS",
    "CADENCE_DAYS",
    "level_index",
    "is_high",
    "quadrant",
    "quadrants",
    "engagement_gap",
    "engagement_matrix",
]

#: Influence or interest at or above this is "high" on the Mendelow grid.
HIGH = 4

#: The four Mendelow quadrants, most demanding first.
QUADRANTS = ("key_player", "keep_satisfied", "keep_informed", "monitor")

#: Expected contact cadence in days, per quadrant (SPEC §4).
CADENCE_DAYS = {"key_player": 30, "keep_satisfied": 60, "keep_informed": 90, "monitor": 180}

_LEVEL_INDEX = {level: i for i, level in enumerate(ENGAGEMENT_LEVELS)}


def level_index(level: str | None) -> int | None:
    """Return the position of an engagement level on the ordered scale (0 = unaware), or None.

    Raises
    ------
    InvalidParameter
        When ``level`` is not one of :data:`graph.model.ENGAGEMENT_LEVELS`.

    Examples
    --------
    >>> level_index("unaware"), level_index("leading"), level_index(None)
    (0, 4, None)
    """
    if level is None:
        return None
    try:
        return _LEVEL_INDEX[level]
    except KeyError:
        raise InvalidParameter(
            f"unknown engagement level {level!r}: use one of {', '.join(ENGAGEMENT_LEVELS)}"
        ) from None


def is_high(score: int | None) -> bool:
    """Return whether an influence or interest score is high (4 or 5); a missing score is low.

    Examples
    --------
    >>> is_high(4), is_high(3), is_high(None)
    (True, False, False)
    """
    return score is not None and score >= HIGH


def quadrant(node: Node) -> str:
    """Return the Mendelow quadrant of a stakeholder.

    ``key_player`` when influence and interest are both high (4 or 5), ``keep_satisfied`` when only
    influence is, ``keep_informed`` when only interest is, ``monitor`` otherwise.

    Notes
    -----
    A missing influence or interest is treated as low: a stakeholder nobody has assessed is
    monitored until someone rates it, so it never demands key-player attention by default.

    Examples
    --------
    >>> quadrant(Node(1, "person", "Ann", influence=5, interest=4))
    'key_player'
    >>> quadrant(Node(2, "person", "Bob", influence=4, interest=2))
    'keep_satisfied'
    >>> quadrant(Node(3, "person", "Cy", influence=None, interest=5))
    'keep_informed'
    >>> quadrant(Node(4, "person", "Di"))
    'monitor'
    """
    power, interest = is_high(node.influence), is_high(node.interest)
    if power and interest:
        return "key_player"
    if power:
        return "keep_satisfied"
    if interest:
        return "keep_informed"
    return "monitor"


def quadrants(ag: AnalyticGraph) -> dict[int, str]:
    """Return ``{stakeholder id: quadrant}`` for every stakeholder of the graph."""
    return {v: quadrant(n) for v, n in ag.nodes.items()}


def engagement_gap(node: Node) -> int | None:
    """Return desired − current engagement in steps of the ordered scale (None if one is unset).

    A positive gap means the stakeholder should be more engaged than it is; zero or negative means
    it is where it should be (or beyond).

    Examples
    --------
    >>> engagement_gap(Node(1, "person", "Ann", engagement="neutral",
    ...                     desired_engagement="leading"))
    2
    >>> engagement_gap(Node(2, "person", "Bob", engagement="leading",
    ...                     desired_engagement="supportive"))
    -1
    >>> engagement_gap(Node(3, "person", "Cy", desired_engagement="leading")) is None
    True
    """
    current = level_index(node.engagement)
    desired = level_index(node.desired_engagement)
    if current is None or desired is None:
        return None
    return desired - current


def engagement_matrix(ag: AnalyticGraph) -> list[dict]:
    """Return the rows of the PMBOK stakeholder engagement assessment matrix.

    One row per stakeholder outside the core with a current or desired engagement recorded:
    ``{"stakeholder_id", "name", "organisation", "quadrant", "influence", "interest", "current",
    "desired", "gap"}`` where ``organisation`` is the organisation's name (or None) and ``gap`` is
    :func:`engagement_gap` (None when either level is unset). Rows are ordered by influence
    (highest first, unrated last), then name and id.

    Examples
    --------
    >>> from datetime import date
    >>> from graph.build import build
    >>> nodes = [Node(1, "hub", "Board"), Node(2, "organisation", "Trust", influence=5),
    ...          Node(3, "person", "Ann", organisation_id=2, engagement="neutral",
    ...               desired_engagement="supportive"),
    ...          Node(4, "person", "Bob", organisation_id=2)]
    >>> rows = engagement_matrix(build(nodes, [], [], as_of=date(2024, 1, 1)))
    >>> [(r["name"], r["organisation"], r["current"], r["desired"], r["gap"]) for r in rows]
    [('Ann', 'Trust', 'neutral', 'supportive', 1)]
    """
    core = ag.core
    rows = []
    for v, node in ag.nodes.items():
        if v in core or node.kind == "hub":
            continue
        if node.engagement is None and node.desired_engagement is None:
            continue
        org = ag.nodes.get(node.organisation_id) if node.organisation_id is not None else None
        rows.append(
            {
                "stakeholder_id": v,
                "name": node.name,
                "organisation": org.name if org is not None else None,
                "quadrant": quadrant(node),
                "influence": node.influence,
                "interest": node.interest,
                "current": node.engagement,
                "desired": node.desired_engagement,
                "gap": engagement_gap(node),
            }
        )
    rows.sort(key=lambda r: (-(r["influence"] or 0), r["name"], r["stakeholder_id"]))
    return rows
