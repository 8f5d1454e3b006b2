"""/api/v1/partnerships/{pid}/engagements"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.deps import (
    CanEdit,
    CanRead,
    IfMatch,
    Limit,
    Offset,
    SessionDep,
    check_if_match,
    etag,
    item_id,
)
from api.errors import CHANGE, READ, WRITE
from app.enums import Channel
from app.schemas import MAX_ID, EngagementCreate, EngagementPublic, EngagementUpdate, Page
from app.services import engagements as service

router = APIRouter(prefix="/partnerships/{pid}/engagements", tags=["engagements"])
EngagementId = item_id("eid", "engagement")


def _public(session, items):
    parts = service.participants(session=session, engagement_ids=[e.id for e in items])
    return [service.public(e, parts.get(e.id, [])) for e in items]


@router.get("", response_model=Page[EngagementPublic], responses=READ)
def list_engagements(
    loaded: CanRead,
    session: SessionDep,
    stakeholder_id: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Engagements this stakeholder took part in.")
    ] = None,
    channel: Channel | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
):
    """Engagements, newest first."""
    rows, count = service.page(
        session=session,
        partnership_id=loaded.id,
        stakeholder_id=stakeholder_id,
        channel=channel.value if channel else None,
        since=since,
        until=until,
        limit=limit,
        offset=offset,
    )
    return {"data": _public(session, rows), "count": count}


@router.post("", status_code=201, response_model=EngagementPublic, responses=WRITE)
def create_engagement(data: EngagementCreate, loaded: CanEdit, session: SessionDep):
    """Log an engagement between two or more stakeholders."""
    e = service.create(session=session, partnership_id=loaded.id, data=data)
    return _public(session, [e])[0]


@router.get("/{eid}", response_model=EngagementPublic, responses=READ)
def get_engagement(eid: EngagementId, loaded: CanRead, session: SessionDep, response: Response):
    """One engagement (with its ETag for If-Match)."""
    e = service.get(session=session, partnership_id=loaded.id, engagement_id=eid)
    response.headers["ETag"] = etag(e)
    return _public(session, [e])[0]


@router.patch("/{eid}", response_model=EngagementPublic, responses=CHANGE)
def update_engagement(
    eid: EngagementId,
    data: EngagementUpdate,
    loaded: CanEdit,
    session: SessionDep,
    response: Response,
    if_match: IfMatch = None,
):
    """Change some fields; a new participant list replaces the old one."""
    e = service.get(session=session, partnership_id=loaded.id, engagement_id=eid)
    check_if_match(if_match, e)
    e = service.update(session=session, engagement=e, data=data)
    response.headers["ETag"] = etag(e)
    return _public(session, [e])[0]


@router.delete("/{eid}", status_code=204, responses=CHANGE)
def delete_engagement(
    eid: EngagementId, loaded: CanEdit, session: SessionDep, if_match: IfMatch = None
):
    """Delete an engagement."""
    e = service.get(session=session, partnership_id=loaded.id, engagement_id=eid)
    check_if_match(if_match, e)
    service.delete(session=session, engagement=e)
    return Response(status_code=204)
