"""/api/v1/partnerships/{pid}/ties"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.deps import CanEdit, CanRead, Limit, Offset, SessionDep, item_id
from api.errors import READ, WRITE
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
def get_tie(tid: TieId, loaded: CanRead, session: SessionDep):
    return service.get(session=session, partnership_id=loaded.id, tie_id=tid)


@router.patch("/{tid}", response_model=TiePublic, responses=WRITE)
def update_tie(tid: TieId, data: TieUpdate, loaded: CanEdit, session: SessionDep):
    t = service.get(session=session, partnership_id=loaded.id, tie_id=tid)
    return service.update(session=session, tie=t, data=data)


@router.delete("/{tid}", status_code=204, responses=READ)
def delete_tie(tid: TieId, loaded: CanEdit, session: SessionDep):
    t = service.get(session=session, partnership_id=loaded.id, tie_id=tid)
    service.delete(session=session, tie=t)
    return Response(status_code=204)
