"""/api/v1/partnerships/{pid}/audit — the append-only trail of changes (owners only)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from api.deps import CanOwn, Limit, Offset, SessionDep
from api.errors import READ
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


@router.get("", response_model=AuditPage, responses=READ)
def audit_trail(
    loaded: CanOwn,
    session: SessionDep,
    actor: Annotated[str | None, Query(max_length=320, description="The actor's email.")] = None,
    entity: Annotated[
        str | None, Query(pattern="^(partnership|stakeholder|tie|engagement|membership|import)$")
    ] = None,
    since: Annotated[datetime | None, Query(description="Entries at or after this time.")] = None,
    limit: Limit = 100,
    offset: Offset = 0,
):
    """Who changed what and when, newest first: entity, action and the names of changed fields."""
    rows, count = service.page(
        session=session,
        partnership_id=loaded.id,
        actor=actor,
        entity=entity,
        since=since,
        limit=limit,
        offset=offset,
    )
    return {"data": rows, "count": count}
