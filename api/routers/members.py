"""/api/v1/partnerships/{pid}/members — who may use a partnership (owners manage it)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict

from api.deps import CanOwn, CanRead, SessionDep, item_id
from api.errors import READ, WRITE
from app.auth import role_allows
from app.enums import Role
from app.errors import Forbidden
from app.schemas import Email
from app.services import members as service

router = APIRouter(prefix="/partnerships/{pid}/members", tags=["members"])
UserId = item_id("user_id", "user")


class MemberCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: Email
    role: Role = Role.viewer


class MemberUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Role


class MemberPublic(BaseModel):
    user_id: int
    email: str
    role: str
    created_at: datetime
    account_created: bool = False


class MembersPublic(BaseModel):
    data: list[MemberPublic]
    count: int


def _public(m, u, created: bool = False) -> MemberPublic:
    return MemberPublic(
        user_id=u.id, email=u.email, role=m.role, created_at=m.created_at, account_created=created
    )


@router.get("", response_model=MembersPublic, responses=READ)
def list_members(loaded: CanRead, session: SessionDep):
    """Every member and their role (any member may look)."""
    rows = service.page(session=session, partnership_id=loaded.id)
    return {"data": [_public(m, u) for m, u in rows], "count": len(rows)}


@router.post("", status_code=201, response_model=MemberPublic, responses=WRITE)
def add_member(data: MemberCreate, loaded: CanOwn, session: SessionDep):
    """Add a member by email (owners only); an unknown email gets an account without a password."""
    m, u, created = service.add(
        session=session, partnership_id=loaded.id, email=data.email, role=data.role
    )
    return _public(m, u, created)


@router.patch("/{user_id}", response_model=MemberPublic, responses=WRITE)
def change_member(user_id: UserId, data: MemberUpdate, loaded: CanOwn, session: SessionDep):
    """Change a member's role (owners only); the last owner cannot step down."""
    m = service.change_role(
        session=session, partnership_id=loaded.id, user_id=user_id, role=data.role
    )
    from app.tables import User

    return _public(m, session.get(User, user_id))


@router.delete("/{user_id}", status_code=204, responses=WRITE)
def remove_member(user_id: UserId, loaded: CanRead, session: SessionDep):
    """Remove a member (owners), or leave (anyone); the last owner cannot leave."""
    me = loaded.principal
    if me.read_only:
        raise Forbidden("This token is read-only")
    if user_id != me.user_id and not (me.is_admin or role_allows(loaded.role, Role.owner)):
        raise Forbidden("Only an owner can remove another member")
    service.remove(session=session, partnership_id=loaded.id, user_id=user_id)
    return Response(status_code=204)
