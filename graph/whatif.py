"""What-if analysis (SPEC §6): what happens to reach and gaps if someone leaves or a tie is made.

Two analytic graphs are built from the same records with :func:`graph.build.build`: the partnership
as it is, and the partnership with the proposed ties added and the departing stakeholders taken
out. The report compares their reach, tiers and gaps.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from datetime import date

from graph.build import build
from graph.errors import InvalidParameter, UnknownStakeholder
from graph.gaps import gap_key, gaps
from graph.model import AnalyticGraph, Engagement, Node, Tie
from graph.reach import effective_tiers, reach_summary
from graph.reach import tiers as reach_tiers

__all__ = [
    "TIE_KINDS",
    "DIRECTED_KINDS",
    "HEADLINE",
    "reach_headline",
    "delta",
    "remove_stakeholders",
    "what_if",
]

#: Tie kinds of SPEC §2.
TIE_KINDS = frozenset({"collaborates", "reports_to", "funds", "commissions", "advises", "informal"})
#: Kinds whose ties are directed by default.
DIRECTED_KINDS = frozenset({"reports_to", "funds", "commissions"})
#: The reach numbers reported before and after (keys of :func:`graph.reach.reach_summary`).
HEADLINE = (
    "N",
    "reach_1",
    "reach_2",
    "reach_3",
    "coverage_1",
    "coverage_2",
    "coverage_3",
    "unreached",
    "warm_reach",
    "key_players",
    "key_player_coverage",
)


def reach_headline(ag: AnalyticGraph, *, tiers: Mapping[int, int | None] | None = None) -> dict:
    """Return the headline reach numbers of SPEC §4 (from :func:`graph.reach.reach_summary`).

    ``{"N", "reach_1", "reach_2", "reach_3", "coverage_1", "coverage_2", "coverage_3",
    "unreached", "warm_reach", "key_players", "key_player_coverage"}``: N counts the stakeholders
    outside the core, ``reach_k`` those at tier ≤ k (an organisation at its organisation tier),
    ``coverage_k = reach_k / N`` (None when N = 0), ``unreached`` those with no path from the
    core, ``warm_reach`` the sum of their warm reach, ``key_player_coverage`` the share of those
    with influence ≥ 4 at tier ≤ 2 (None when there are none).

    Examples
    --------
    >>> from datetime import date
    >>> nodes = [Node(1, "hub", "Hub"), Node(2, "person", "Ann"), Node(3, "person", "Bob")]
    >>> ag = build(nodes, [Tie(1, 1, 2, strength=5)], [], as_of=date(2024, 1, 1))
    >>> reach_headline(ag)
    {'N': 2, 'reach_1': 1, 'reach_2': 1, 'reach_3': 1, 'coverage_1': 0.5, 'coverage_2': 0.5, \
'coverage_3': 0.5, 'unreached': 1, 'warm_reach': 1.0, 'key_players': 0, 'key_player_coverage': None}
    """
    summary = reach_summary(ag, _tiers=dict(tiers) if tiers is not None else None)
    return {k: summary[k] for k in HEADLINE}


def delta(before: Mapping, after: Mapping) -> dict:
    """Return ``after − before`` for each headline number (None when either side is None).

    Examples
    --------
    >>> delta({"N": 3, "coverage_1": None}, {"N": 5, "coverage_1": 0.2})
    {'N': 2, 'coverage_1': None}
    """
    return {
        k: (after[k] - before[k] if after[k] is not None and before[k] is not None else None)
        for k in before
    }


def remove_stakeholders(ag: AnalyticGraph, removed: Iterable[int]) -> AnalyticGraph:
    """Return a copy of ``ag`` without the ``removed`` stakeholders, as if they had left.

    The remaining ties keep their strengths (shared history does not change when someone leaves).
    References to a removed stakeholder are cleared: members of a removed organisation have no
    organisation, stakeholders it owned have no owner; it is taken out of the participants of
    past engagements, and engagements left with fewer than two participants are dropped.
    """
    gone = set(removed)
    G = ag.G.copy()
    D = ag.D.copy()
    G.remove_nodes_from(gone)
    D.remove_nodes_from(gone)
    nodes: dict[int, Node] = {}
    for v, node in ag.nodes.items():
        if v in gone:
            continue
        changes = {}
        if node.organisation_id in gone:
            changes["organisation_id"] = None
            G.nodes[v]["organisation_id"] = None
            D.nodes[v]["organisation_id"] = None
        if node.owner_id in gone:
            changes["owner_id"] = None
        nodes[v] = dataclasses.replace(node, **changes) if changes else node
    engagements: list[Engagement] = []
    for e in ag.engagements:
        left = tuple(p for p in e.participant_ids if p not in gone)
        if len(left) >= 2:
            engagements.append(
                e
                if len(left) == len(e.participant_ids)
                else dataclasses.replace(e, participant_ids=left)
            )
    return AnalyticGraph(
        as_of=ag.as_of,
        hub_id=ag.hub_id,
        nodes=nodes,
        G=G,
        D=D,
        ties=[t for t in ag.ties if t.source_id not in gone and t.target_id not in gone],
        engagements=engagements,
        half_life=ag.half_life,
    )


def _proposed_tie(spec: Mapping | Tie, i: int, known: Mapping[int, Node], gone: set[int]) -> Tie:
    """A Tie from ``{source, target, kind?, strength?, directed?}``, validated."""
    if isinstance(spec, Tie):
        spec = dataclasses.asdict(spec)
    if not isinstance(spec, Mapping):
        raise InvalidParameter(
            f"add_ties[{i}] must be an object with source and target", param="add_ties"
        )
    source = spec.get("source", spec.get("source_id"))
    target = spec.get("target", spec.get("target_id"))
    for end in (source, target):
        if end is None:
            raise InvalidParameter(f"add_ties[{i}] needs a source and a target", param="add_ties")
        if end not in known or end in gone:
            raise UnknownStakeholder(end, param="add_ties")
    if source == target:
        raise InvalidParameter(
            f"add_ties[{i}] joins stakeholder {source} to itself", param="add_ties"
        )
    kind = spec.get("kind") or "collaborates"
    if kind not in TIE_KINDS:
        raise InvalidParameter(
            f"add_ties[{i}].kind must be one of {', '.join(sorted(TIE_KINDS))}", param="add_ties"
        )
    strength = spec.get("strength")
    strength = 3 if strength is None else strength
    if isinstance(strength, bool) or not isinstance(strength, int) or not 1 <= strength <= 5:
        raise InvalidParameter(
            f"add_ties[{i}].strength must be an integer from 1 to 5", param="add_ties"
        )
    directed = spec.get("directed")
    directed = kind in DIRECTED_KINDS if directed is None else bool(directed)
    # Negative ids cannot clash with stored ties.
    return Tie(-(i + 1), source, target, kind=kind, directed=directed, strength=strength)


def _who(ag: AnalyticGraph, ids: Iterable[int]) -> list[dict]:
    return [{"id": v, "name": ag.nodes[v].name} for v in ids]


def what_if(
    nodes: Mapping[int, Node] | Iterable[Node],
    ties: Iterable[Tie],
    engagements: Iterable[Engagement],
    *,
    as_of: date,
    half_life: float = 180.0,
    remove: Iterable[int] = (),
    add_ties: Iterable[Mapping | Tie] = (),
) -> dict:
    """Return how reach, tiers and gaps change if stakeholders leave and ties are added.

    Parameters
    ----------
    nodes, ties, engagements
        The partnership's records, as for :func:`graph.build.build`.
    as_of, half_life
        The date of the analysis and the tie-strength half-life in days.
    remove
        Stakeholder ids that leave (see :func:`remove_stakeholders`). The hub cannot leave.
    add_ties
        Proposed ties, each ``{"source", "target", "kind"?, "strength"?, "directed"?}`` (kind
        ``collaborates`` and strength 3 by default; directed by default for ``reports_to``,
        ``funds`` and ``commissions``), or :class:`~graph.model.Tie` records.

    Returns
    -------
    dict
        ``{"as_of", "removed", "added_ties", "reach", "tier_changes", "newly_unreachable",
        "newly_reached", "gaps"}``: ``reach`` is ``{"before", "after", "delta"}`` of
        :func:`reach_headline` (and their :func:`delta`); ``tier_changes`` lists ``{"id",
        "name", "before", "after"}`` for every remaining stakeholder outside the core whose tier
        (an organisation's: its organisation tier) changed; ``newly_unreachable`` (reachable before,
        not after) and ``newly_reached`` (the reverse) list ``{"id", "name", "tier"}`` with the
        tier they had or gain; ``gaps`` is ``{"appeared", "closed", "before", "after"}``, gaps
        compared by :func:`graph.gaps.gap_key` and the counts before and after. Gaps about a
        removed stakeholder are not reported as closed: they left, they were not solved.

    Raises
    ------
    UnknownStakeholder
        When a removed stakeholder or a proposed tie's end is not in the partnership (or leaves).
    InvalidParameter
        When asked to remove the hub, or a proposed tie is malformed.

    Examples
    --------
    >>> from datetime import date
    >>> nodes = [Node(1, "hub", "Hub"), Node(2, "person", "Ann"), Node(3, "person", "Bob")]
    >>> ties = [Tie(1, 1, 2, strength=5), Tie(2, 2, 3, strength=5)]
    >>> report = what_if(nodes, ties, [], as_of=date(2024, 1, 1), remove=[2])
    >>> report["newly_unreachable"]
    [{'id': 3, 'name': 'Bob', 'tier': 2}]
    >>> report["reach"]["delta"]["reach_3"]
    -2
    """
    node_map = dict(nodes) if isinstance(nodes, Mapping) else {n.id: n for n in nodes}
    ties, engagements = list(ties), list(engagements)
    gone: set[int] = set()
    for v in remove:
        if v not in node_map:
            raise UnknownStakeholder(v, param="remove")
        if node_map[v].kind == "hub":
            raise InvalidParameter("the hub cannot be removed", param="remove")
        gone.add(v)
    proposed = [_proposed_tie(spec, i, node_map, gone) for i, spec in enumerate(add_ties)]

    before = build(node_map, ties, engagements, as_of=as_of, half_life=half_life)
    after = build(node_map, ties + proposed, engagements, as_of=as_of, half_life=half_life)
    after = remove_stakeholders(after, gone)

    hops_before, hops_after = reach_tiers(before), reach_tiers(after)
    head_before = reach_headline(before, tiers=hops_before)
    head_after = reach_headline(after, tiers=hops_after)
    tiers_before = effective_tiers(before, _tiers=hops_before)
    tiers_after = effective_tiers(after, _tiers=hops_after)
    changed = [
        v for v in after.nodes if v not in after.core and tiers_before.get(v) != tiers_after.get(v)
    ]
    gaps_before = gaps(before, metrics={"tiers": hops_before})
    gaps_after = gaps(after, metrics={"tiers": hops_after})
    keys_before = {gap_key(g) for g in gaps_before}
    keys_after = {gap_key(g) for g in gaps_after}
    return {
        "as_of": as_of.isoformat(),
        "removed": _who(before, sorted(gone)),
        "added_ties": [
            {
                "source": t.source_id,
                "target": t.target_id,
                "source_name": node_map[t.source_id].name,
                "target_name": node_map[t.target_id].name,
                "kind": t.kind,
                "strength": t.strength,
                "directed": t.directed,
            }
            for t in proposed
        ],
        "reach": {
            "before": head_before,
            "after": head_after,
            "delta": delta(head_before, head_after),
        },
        "tier_changes": [
            {
                "id": v,
                "name": after.nodes[v].name,
                "before": tiers_before.get(v),
                "after": tiers_after.get(v),
            }
            for v in changed
        ],
        "newly_unreachable": [
            {"id": v, "name": after.nodes[v].name, "tier": tiers_before[v]}
            for v in changed
            if tiers_after.get(v) is None
        ],
        "newly_reached": [
            {"id": v, "name": after.nodes[v].name, "tier": tiers_after[v]}
            for v in changed
            if tiers_before.get(v) is None
        ],
        "gaps": {
            "appeared": [g for g in gaps_after if gap_key(g) not in keys_before],
            "closed": [
                g
                for g in gaps_before
                if gap_key(g) not in keys_after and not gone.intersection(g["subject_ids"])
            ],
            "before": len(gaps_before),
            "after": len(gaps_after),
        },
    }
