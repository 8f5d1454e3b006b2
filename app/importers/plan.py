"""What every importer produces: stakeholders, ties and engagements in Stakemap's terms.

Each format's reader translates its document into a :class:`Plan`; :mod:`app.importers.engine`
checks the plan against the partnership and writes it. A record carries only the fields its
source provides (an update leaves the others as stored), references to other stakeholders by
name (an external_id, a document-local ``ref``, or ``"hub"``), and where it came from in the
document, so that every problem is reported at its place in *that* document.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from app.errors import FieldProblem

HUB = "hub"

#: Stakeholder fields an import can set (besides kind, external_id and the references).
STAKEHOLDER_VALUES = (
    "name", "sector", "role", "seniority", "influence", "interest", "engagement",
    "desired_engagement", "email", "notes", "tags", "contact_permitted",
)  # fmt: skip
STAKEHOLDER_DEFAULTS: dict[str, Any] = {
    **dict.fromkeys(STAKEHOLDER_VALUES),
    "notes": "",
    "tags": [],
    "contact_permitted": True,
}
TIE_VALUES = ("kind", "directed", "strength", "valid_from", "valid_to", "notes")
TIE_DEFAULTS: dict[str, Any] = {
    "kind": "collaborates",
    "directed": None,  # by kind
    "strength": 3,
    "valid_from": None,
    "valid_to": None,
    "notes": "",
}
ENGAGEMENT_VALUES = ("occurred_on", "channel", "summary", "sentiment")
ENGAGEMENT_DEFAULTS: dict[str, Any] = {"summary": "", "sentiment": None}

Loc = tuple[str | int, ...]


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


#: A reference the source does not provide (an update leaves it as stored).
UNSET: Any = _Unset()


@dataclass(slots=True)
class Located:
    """Where a record is in the document; ``locs`` overrides the place of single fields."""

    loc: Loc
    locs: dict[str, Loc] | None

    def at(self, name: str, *rest: str | int) -> Loc:
        """The document path of one of the record's fields (Stakemap's field name)."""
        if self.locs is not None and name in self.locs:
            return (*self.locs[name], *rest)
        return (*self.loc, name, *rest)


@dataclass(slots=True)
class StakeholderIn(Located):
    kind: str
    external_id: str | None
    ref: str | None
    values: dict[str, Any]
    organisation: Any = UNSET
    owner: Any = UNSET

    @property
    def name_in_doc(self) -> str | None:
        return self.external_id if self.external_id is not None else self.ref


@dataclass(slots=True)
class TieIn(Located):
    source: str
    target: str
    external_id: str | None
    values: dict[str, Any]


@dataclass(slots=True)
class EngagementIn(Located):
    participants: list[str]
    external_id: str | None
    values: dict[str, Any]
    #: The place of each participant when they come from different records (Salesforce).
    participant_locs: list[Loc] | None = None

    def participant_at(self, j: int) -> Loc:
        if self.participant_locs is not None:
            return self.participant_locs[j]
        return self.at("participants", j)


@dataclass
class Plan:
    """A document translated: records to upsert, problems found so far, and warnings."""

    stakeholders: list[StakeholderIn] = field(default_factory=list)
    hub: StakeholderIn | None = None
    ties: list[TieIn] = field(default_factory=list)
    engagements: list[EngagementIn] = field(default_factory=list)
    problems: list[FieldProblem] = field(default_factory=list)
    warnings: list[tuple[Loc, str]] = field(default_factory=list)
    #: Names of records that failed validation: references to them are not reported again.
    broken: set[str] = field(default_factory=set)

    def problem(self, loc: Loc, msg: str, type: str = "value_error") -> None:
        self.problems.append(FieldProblem(tuple(loc), msg, type))

    def warn(self, loc: Loc, msg: str) -> None:
        self.warnings.append((tuple(loc), msg))

    @property
    def size(self) -> int:
        return len(self.stakeholders) + len(self.ties) + len(self.engagements)


#: What a reader is told about the partnership: its stakeholders' external_ids and kinds.
Known = Mapping[str, str]
#: A reader: (document, known external_ids) → plan.
Reader = Callable[[object, Known], Plan]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many objects that live on.

    A large import makes millions of dicts and lists; each collection would walk all of them,
    for nothing (reference counting frees what dies). This roughly halves reading time.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
