"""The import report: created / updated / unchanged per kind, and warnings."""

from __future__ import annotations

from dataclasses import dataclass, field

KINDS = ("organisations", "people", "groups", "ties", "engagements")
_CATEGORY = {"organisation": "organisations", "person": "people", "group": "groups"}


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

    def count(self, kind: str, outcome: str) -> None:
        """Count one record of ``kind`` as created, updated or unchanged."""
        getattr(self, outcome)[kind] += 1

    def warn(self, loc: list, msg: str) -> None:
        self.warnings.append({"loc": loc, "msg": msg})

    def as_dict(self, *, dry_run: bool = False) -> dict:
        return {
            "dry_run": dry_run,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "warnings": self.warnings,
        }
