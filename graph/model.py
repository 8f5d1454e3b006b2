"""Plain records that the analysis works on, and the analytic graph built from them.

The application converts its database rows into these records; nothing in ``graph`` knows about the
database. Field names follow SPEC §2.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

import networkx as nx

__all__ = [
    "Node",
    "Tie",
    "Engagement",
    "AnalyticGraph",
    "ENGAGEMENT_LEVELS",
    "CHANNEL_WEIGHTS",
    "IN_PERSON_CHANNELS",
    "TOP_LEVEL",
]

#: The PMBOK engagement scale, in order.
ENGAGEMENT_LEVELS = ("unaware", "resistant", "neutral", "supportive", "leading")

#: Channel weight c (SPEC §2).
CHANNEL_WEIGHTS = {
    "face_to_face": 1.0,
    "meeting": 0.8,
    "event": 0.5,
    "video": 0.6,
    "call": 0.5,
    "email": 0.2,
    "letter": 0.2,
    "social_media": 0.1,
    "newsletter": 0.05,
}

#: Channels that count as meeting in person (SPEC §2).
IN_PERSON_CHANNELS = frozenset({"face_to_face", "meeting", "event"})

#: Seniorities that count as the top level of an organisation.
TOP_LEVEL = frozenset({"executive", "senior"})


@dataclass(frozen=True)
class Node:
    """A stakeholder as the analysis sees it.

    ``sector`` is the *effective* sector: a member without its own sector inherits its
    organisation's (the application resolves this before building the records).
    """

    id: int
    kind: str  # hub | organisation | person | group
    name: str
    organisation_id: int | None = None
    sector: str | None = None
    role: str | None = None
    seniority: str | None = None
    influence: int | None = None
    interest: int | None = None
    engagement: str | None = None
    desired_engagement: str | None = None
    owner_id: int | None = None


@dataclass(frozen=True)
class Tie:
    """A declared relationship between two stakeholders."""

    id: int
    source_id: int
    target_id: int
    kind: str = "collaborates"
    directed: bool = False
    strength: int = 3
    valid_from: date | None = None
    valid_to: date | None = None


@dataclass(frozen=True)
class Engagement:
    """One logged interaction."""

    id: int
    occurred_on: date
    channel: str
    participant_ids: tuple[int, ...]
    sentiment: int | None = None


@dataclass
class AnalyticGraph:
    """The analytic graph of SPEC §3 as of one date.

    ``G`` is the undirected view: every stakeholder is a node; every active tie (s ≥ 0.1) an edge
    with attributes ``strength`` (s) and ``distance`` (1/s, rounded to a 2⁻²⁰ grid so that path
    sums are exact: see ``graph.build.distance``). ``D`` is the directed view used for
    brokerage. ``engagements`` holds only the engagements on or before ``as_of``; ``ties`` only the
    declared ties valid on ``as_of``.
    """

    as_of: date
    hub_id: int
    nodes: dict[int, Node]
    G: nx.Graph
    D: nx.DiGraph
    ties: list[Tie] = field(default_factory=list)
    engagements: list[Engagement] = field(default_factory=list)
    half_life: float = 180.0

    @cached_property
    def core(self) -> frozenset[int]:
        """The hub and its members (persons whose organisation is the hub).

        Computed once per graph: callers ask for it inside loops over every node.
        """
        return frozenset(
            [self.hub_id]
            + [
                n.id
                for n in self.nodes.values()
                if n.kind == "person" and n.organisation_id == self.hub_id
            ]
        )
