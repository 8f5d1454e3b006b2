"""The import report: created / updated / unchanged per kind, and warnings."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel, Field

KINDS = ("organisations", "people", "groups", "ties", "engagements")
_CATEGORY = {"organisation": "organisations", "person": "people", "group": "groups"}

#: Warnings kept in a report; beyond this one last warning says how many more there were.
MAX_WARNINGS = 1000


def category(kind: str) -> str:
    """The report's key for a stakeholder kind."""
    return _CATEGORY[kind]


def _zeros() -> dict[str, int]:
    return dict.fromkeys(KINDS, 0)


@dataclass
class ImportReport:
    created: dict[str, int] = field(default_factory=_zeros)
    updated: dict[str, int] = field(default_factory=_zeros)
    unchanged: dict[str, int] = field(default_factory=_zeros)
    warnings: list[dict] = field(default_factory=list)
    #: True when the hub's own record changed (the hub has no count of its own).
    hub_changed: bool = False
    _dropped: int = 0

    def count(self, kind: str, outcome: str, n: int = 1) -> None:
        """Count ``n`` records of ``kind`` as created, updated or unchanged."""
        getattr(self, outcome)[kind] += n

    def warn(self, loc, msg: str) -> None:
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append({"loc": list(loc), "msg": msg})
        else:
            self._dropped += 1

    @property
    def changed(self) -> bool:
        """Whether applying this report writes anything."""
        return self.hub_changed or any(self.created.values()) or any(self.updated.values())

    def as_dict(self, *, dry_run: bool = False) -> dict:
        warnings = list(self.warnings)
        if self._dropped:
            warnings.append({"loc": [], "msg": f"… and {self._dropped} more warnings"})
        return {
            "dry_run": dry_run,
            "created": dict(self.created),
            "updated": dict(self.updated),
            "unchanged": dict(self.unchanged),
            "warnings": warnings,
        }


class Counts(BaseModel):
    organisations: int
    people: int
    groups: int
    ties: int
    engagements: int


class ImportWarning(BaseModel):
    loc: list[str | int] = Field(description="Path into the document.")
    msg: str


class ImportResult(BaseModel):
    """What an import did (or, with ``dry_run``, would do)."""

    dry_run: bool
    created: Counts
    updated: Counts
    unchanged: Counts
    warnings: list[ImportWarning]
