"""/api/v1/partnerships/{pid}/ties"""

from __future__ import annotations

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
from app.enums import TieKind
from app.schemas import MAX_ID, Page, TieCreate, TiePublic, TieUpdate
from app.services import ties as service

router = APIRouter(prefix="/partnerships/{pid}/ties", tags=["ties"])
TieId = item_id("tid", "tie")


@router.get("", response_model=Page[TiePublic], responses=READ)
def list_ties(
    loaded: CanRead,
    session: SessionDep,
    stakeholder_id: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Ties touching this stakeholder.")
    ] = None,
    kind: TieKind | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
):
    rows, count = service.page(
        session=session,
        partnership_id=loaded.id,
        stakeholder_id=stakeholder_id,
        kind=kind.value if kind else None,
        limit=limit,
        offset=offset,
    )
    return {"data": rows, "count": count}


@router.post("", status_code=201, response_model=TiePublic, responses=WRITE)
def create_tie(data: TieCreate, loaded: CanEdit, session: SessionDep):
    """Declare a tie between two stakeholders."""
    return service.create(session=session, partnership_id=loaded.id, data=data)


@router.get("/{tid}", response_model=TiePublic, responses=READ)
def get_tie(tid: TieId, loaded: CanRead, session: SessionDep, response: Response):
    """One tie (with its ETag for If-Match)."""
    t = service.get(session=session, partnership_id=loaded.id, tie_id=tid)
    response.headers["ETag"] = etag(t)
    return t


@router.patch("/{tid}", response_model=TiePublic, responses=CHANGE)
def update_tie(
    tid: TieId,
    data: TieUpdate,
    loaded: CanEdit,
    session: SessionDep,
    response: Response,
    if_match: IfMatch = None,
):
    """Change some of a tie's fields."""
    t = service.get(session=session, partnership_id=loaded.id, tie_id=tid)
    check_if_match(if_match, t)
    t = service.update(session=session, tie=t, data=data)
    response.headers["ETag"] = etag(t)
    return t


@router.delete("/{tid}", status_code=204, responses=CHANGE)
def delete_tie(tid: TieId, loaded: CanEdit, session: SessionDep, if_match: IfMatch = None):
    """Delete a tie."""
    t = service.get(session=session, partnership_id=loaded.id, tie_id=tid)
    check_if_match(if_match, t)
    service.delete(session=session, tie=t)
    return Response(status_code=204)
