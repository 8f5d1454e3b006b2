"""Domain exceptions. Services raise these; the HTTP layers map them to 4xx responses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class StakemapError(Exception):
    """Base class for every error a user can cause."""


class NotFound(StakemapError):
    """The named thing does not exist, or the caller may not know that it does."""


class Forbidden(StakemapError):
    """The caller is known but may not do this."""


class Unauthorized(StakemapError):
    """No valid credentials."""


@dataclass
class FieldProblem:
    loc: tuple[str | int, ...]
    msg: str
    type: str = "value_error"

    def as_dict(self) -> dict:
        return {"loc": list(self.loc), "msg": self.msg, "type": self.type}


class Invalid(StakemapError):
    """One or more fields break an integrity rule (HTTP 422, FastAPI's validation shape)."""

    def __init__(self, problems: Sequence[FieldProblem] | FieldProblem):
        if isinstance(problems, FieldProblem):
            problems = [problems]
        self.problems = list(problems)
        super().__init__("; ".join(f"{'.'.join(map(str, p.loc))}: {p.msg}" for p in problems))

    @classmethod
    def field(cls, loc: str | Sequence[str | int], msg: str, type: str = "value_error"):
        loc_t = (loc,) if isinstance(loc, str) else tuple(loc)
        return cls(FieldProblem(loc_t, msg, type))


class Conflict(Invalid):
    """The request clashes with what is stored, e.g. a duplicate external_id (HTTP 409)."""


class PreconditionFailed(StakemapError):
    """The If-Match precondition does not hold: someone changed the record meanwhile (412)."""
