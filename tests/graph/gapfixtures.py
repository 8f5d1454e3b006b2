"""Hand-built partnerships for the gap, path, recommendation, what-if and compare tests.

:class:`Partnership` hands out ids in creation order (the hub is 1) and builds records with
:mod:`graph.model`, so each test states its network in a few readable lines. Declared strength 5
with no engagements gives s = 1.0, strength 3 gives s = 0.6, strength 1 gives s = 0.2.
"""

from __future__ import annotations

from datetime import date, timedelta

from graph.build import build
from graph.model import AnalyticGraph, Engagement, Node, Tie

AS_OF = date(2024, 6, 30)


class Partnership:
    """A partnership under construction: add stakeholders, ties and engagements, then build."""

    def __init__(self, hub: str = "Riverside Partnership Board", **fields) -> None:
        self.nodes: dict[int, Node] = {}
        self.ties: list[Tie] = []
        self.engagements: list[Engagement] = []
        self.hub = self._add("hub", hub, **fields)

    def _add(self, kind: str, name: str, **fields) -> int:
        v = len(self.nodes) + 1
        self.nodes[v] = Node(v, kind, name, **fields)
        return v

    def member(self, name: str, **fields) -> int:
        """A hub member (the partnership's own team): part of the core."""
        return self._add("person", name, organisation_id=self.hub, **fields)

    def org(self, name: str, **fields) -> int:
        return self._add("organisation", name, **fields)

    def person(self, name: str, org: int | None = None, **fields) -> int:
        return self._add("person", name, organisation_id=org, **fields)

    def group(self, name: str, org: int | None = None, **fields) -> int:
        return self._add("group", name, organisation_id=org, **fields)

    def tie(self, a: int, b: int, strength: int = 3, **fields) -> None:
        self.ties.append(Tie(len(self.ties) + 1, a, b, strength=strength, **fields))

    def engage(self, days_ago: int, channel: str, *participants: int) -> None:
        self.engagements.append(
            Engagement(
                len(self.engagements) + 1,
                AS_OF - timedelta(days=days_ago),
                channel,
                tuple(participants),
            )
        )

    def records(self) -> dict:
        return {
            "nodes": list(self.nodes.values()),
            "ties": self.ties,
            "engagements": self.engagements,
        }

    def build(self, as_of: date = AS_OF) -> AnalyticGraph:
        return build(self.nodes, self.ties, self.engagements, as_of=as_of)
