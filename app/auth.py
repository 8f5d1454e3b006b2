"""Who is calling, and what their role lets them do."""

from __future__ import annotations

from dataclasses import dataclass

from app.enums import ROLE_RANK, Role


@dataclass(frozen=True)
class Principal:
    """An authenticated caller: a user, through a token or a browser session."""

    user_id: int
    email: str
    is_admin: bool = False
    token_id: int | None = None
    read_only: bool = False


def role_allows(role: str | None, needed: Role) -> bool:
    """True when ``role`` is at least ``needed`` (viewer < editor < owner)."""
    return role is not None and ROLE_RANK[Role(role)] >= ROLE_RANK[needed]
