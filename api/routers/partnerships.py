"""/api/v1/partnerships"""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.deps import (
    CanEdit,
    CanOwn,
    CanRead,
    IfMatch,
    Limit,
    Offset,
    PrincipalDep,
    SessionDep,
    check_if_match,
    etag,
)
from api.errors import CHANGE, LIST, READ, WRITE
from app.schemas import Page, PartnershipCreate, PartnershipPublic, PartnershipUpdate
from app.services import partnerships as service

router = APIRouter(prefix="/partnerships", tags=["partnerships"])


@router.get("", response_model=Page[PartnershipPublic], responses=LIST)
def list_partnerships(
    session: SessionDep, principal: PrincipalDep, limit: Limit = 100, offset: Offset = 0
):
    """The partnerships the caller is a member of (every one, for site admins)."""
    rows, count = service.list_for(session=session, principal=principal, limit=limit, offset=offset)
    return {
        "data": [service.public(session=session, partnership=p, role=r) for p, r in rows],
        "count": count,
    }


@router.post("", status_code=201, response_model=PartnershipPublic, responses=WRITE)
def create_partnership(data: PartnershipCreate, session: SessionDep, principal: PrincipalDep):
    """Create a partnership and its hub; the caller becomes its owner."""
    p = service.create(session=session, data=data, creator=principal)
    return service.public(session=session, partnership=p, role="owner")


@router.get("/{pid}", response_model=PartnershipPublic, responses=READ)
def get_partnership(loaded: CanRead, session: SessionDep, response: Response):
    """One partnership, with its hub_id and current revision (also its ETag)."""
    response.headers["ETag"] = etag(loaded.partnership)
    return service.public(session=session, partnership=loaded.partnership, role=loaded.role)


@router.patch("/{pid}", response_model=PartnershipPublic, responses=CHANGE)
def update_partnership(
    data: PartnershipUpdate,
    loaded: CanEdit,
    session: SessionDep,
    response: Response,
    if_match: IfMatch = None,
):
    """Change a partnership's name, description or half-life."""
    check_if_match(if_match, loaded.partnership)
    p = service.update(session=session, partnership=loaded.partnership, data=data)
    response.headers["ETag"] = etag(p)
    return service.public(session=session, partnership=p, role=loaded.role)


@router.delete("/{pid}", status_code=204, responses=CHANGE)
def delete_partnership(loaded: CanOwn, session: SessionDep, if_match: IfMatch = None):
    """Delete a partnership and everything in it (owners only)."""
    check_if_match(if_match, loaded.partnership)
    service.delete(session=session, partnership=loaded.partnership)
    return Response(status_code=204)
