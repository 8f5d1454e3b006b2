"""/api/v1/partnerships/{pid}/audit — the append-only trail of changes (owners only)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from api.deps import CanOwn, Limit, Offset, SessionDep
from api.errors import READ
from app.schemas import NO_NUL
from app.services import audit as service

router = APIRouter(prefix="/partnerships/{pid}/audit", tags=["audit"])


class AuditPublic(BaseModel):
    id: int
    at: datetime
    actor: str
    actor_user_id: int | None
    token_id: int | None
    entity: str
    entity_id: int | None
    action: str
    fields: list[str]
    detail: str


class AuditPage(BaseModel):
    data: list[AuditPublic]
    count: int


def _utc(at: datetime | None) -> datetime | None:
    """A time without a zone (``2026-05-01``, say) is read as UTC, the zone of the trail."""
    return at.replace(tzinfo=UTC) if at is not None and at.tzinfo is None else at


@router.get("", response_model=AuditPage, responses=READ)
def audit_trail(
    loaded: CanOwn,
    session: SessionDep,
    actor: Annotated[
        str | None, Query(max_length=320, pattern=NO_NUL, description="The actor's email.")
    ] = None,
    entity: Annotated[
        str | None, Query(pattern="^(partnership|stakeholder|tie|engagement|membership|import)$")
    ] = None,
    action: Annotated[str | None, Query(pattern="^(create|update|delete|erase|import)$")] = None,
    since: Annotated[
        datetime | None, Query(description="Entries at or after this time (UTC unless it says).")
    ] = None,
    until: Annotated[
        datetime | None, Query(description="Entries before this time (UTC unless it says).")
    ] = None,
    limit: Limit = 100,
    offset: Offset = 0,
):
    """Who changed what and when, newest first: entity, action and the names of changed fields."""
    rows, count = service.page(
        session=session,
        partnership_id=loaded.id,
        actor=actor,
        entity=entity,
        action=action,
        since=_utc(since),
        until=_utc(until),
        limit=limit,
        offset=offset,
    )
    return {"data": rows, "count": count}
