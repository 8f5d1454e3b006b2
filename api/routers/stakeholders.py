"""/api/v1/partnerships/{pid}/stakeholders"""

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
from app.enums import Kind, Sector
from app.schemas import (
    MAX_ID,
    NO_NUL,
    Page,
    StakeholderCreate,
    StakeholderPublic,
    StakeholderUpdate,
)
from app.services import stakeholders as service

router = APIRouter(prefix="/partnerships/{pid}/stakeholders", tags=["stakeholders"])
StakeholderId = item_id("sid", "stakeholder")


def _public(session, items):
    sectors = (
        service.effective_sectors(
            session=session, partnership_id=items[0].partnership_id, stakeholders=items
        )
        if items
        else {}
    )
    return [service.public(s, sectors[s.id]) for s in items]


@router.get("", response_model=Page[StakeholderPublic], responses=READ)
def list_stakeholders(
    loaded: CanRead,
    session: SessionDep,
    kind: Kind | None = None,
    organisation_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    sector: Annotated[Sector | None, Query(description="Matches the effective sector.")] = None,
    q: Annotated[
        str | None, Query(max_length=200, pattern=NO_NUL, description="Part of the name.")
    ] = None,
    limit: Limit = 100,
    offset: Offset = 0,
):
    """Stakeholders of the partnership, filtered and paged, in id order."""
    rows, count = service.page(
        session=session,
        partnership_id=loaded.id,
        kind=kind.value if kind else None,
        organisation_id=organisation_id,
        sector=sector.value if sector else None,
        q=q,
        limit=limit,
        offset=offset,
    )
    return {"data": _public(session, rows), "count": count}


@router.post("", status_code=201, response_model=StakeholderPublic, responses=WRITE)
def create_stakeholder(data: StakeholderCreate, loaded: CanEdit, session: SessionDep):
    """Add an organisation, person or group."""
    s = service.create(session=session, partnership_id=loaded.id, data=data)
    return _public(session, [s])[0]


@router.get("/{sid}", response_model=StakeholderPublic, responses=READ)
def get_stakeholder(sid: StakeholderId, loaded: CanRead, session: SessionDep, response: Response):
    """One stakeholder (with its ETag for If-Match)."""
    s = service.get(session=session, partnership_id=loaded.id, stakeholder_id=sid)
    response.headers["ETag"] = etag(s)
    return _public(session, [s])[0]


@router.patch("/{sid}", response_model=StakeholderPublic, responses=CHANGE)
def update_stakeholder(
    sid: StakeholderId,
    data: StakeholderUpdate,
    loaded: CanEdit,
    session: SessionDep,
    response: Response,
    if_match: IfMatch = None,
):
    """Change some fields; a null clears an optional field."""
    s = service.get(session=session, partnership_id=loaded.id, stakeholder_id=sid)
    check_if_match(if_match, s)
    s = service.update(session=session, stakeholder=s, data=data)
    response.headers["ETag"] = etag(s)
    return _public(session, [s])[0]


@router.delete("/{sid}", status_code=204, responses=CHANGE)
def delete_stakeholder(
    sid: StakeholderId, loaded: CanEdit, session: SessionDep, if_match: IfMatch = None
):
    """Delete a stakeholder with its ties; engagements left with one participant go too."""
    s = service.get(session=session, partnership_id=loaded.id, stakeholder_id=sid)
    check_if_match(if_match, s)
    service.delete(session=session, stakeholder=s)
    return Response(status_code=204)
