"""Shared dependencies: the database session, the caller, and "load or 404"."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from app.auth import Principal
from app.db import open_session
from app.enums import Role
from app.errors import PreconditionFailed, Unauthorized
from app.schemas import MAX_ID
from app.services import partnerships as partnership_service
from app.services import users as user_service
from app.settings import Settings
from app.tables import Partnership

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_bearer = HTTPBearer(auto_error=False, description="An API token from `stakemap token create`.")


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_session(request: Request) -> Iterator[Session]:
    """One transaction per request: committed when the route returns, else rolled back."""
    safe = request.method in SAFE_METHODS
    session = open_session(request.app.state.engine, write=not safe, reads_only=safe)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


# scope="function": the commit runs before the response is sent, so a commit that fails (the
# database went away, is read-only or full) answers 503 instead of a 2xx for a lost write.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def get_principal(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The authenticated caller, from a bearer token or a browser session."""
    if credentials is not None:
        principal = user_service.principal_for_token(
            session=session, secret=credentials.credentials
        )
        if principal is None:
            raise Unauthorized("The token is unknown, revoked or expired")
        session.info["principal"] = principal
        return principal
    web_principal = getattr(request.app.state, "session_principal", None)
    if web_principal is not None:
        principal = web_principal(request, session)
        if principal is not None:
            session.info["principal"] = principal
            return principal
    raise Unauthorized("Authentication required: send Authorization: Bearer <token>")


PrincipalDep = Annotated[Principal, Depends(get_principal)]

PartnershipId = Annotated[
    int, Path(alias="pid", ge=1, le=MAX_ID, description="The partnership's id.")
]


@dataclass
class Loaded:
    """A partnership the caller may use, and the caller's role in it."""

    partnership: Partnership
    role: str | None
    principal: Principal

    @property
    def id(self) -> int:
        return self.partnership.id


class PartnershipAccess:
    """Load the path's partnership or 404; 403 when the caller's role is too weak."""

    def __init__(self, needed: Role):
        self.needed = needed

    def __call__(
        self, request: Request, pid: PartnershipId, session: SessionDep, principal: PrincipalDep
    ) -> Loaded:
        p, role = partnership_service.get_for(
            session=session,
            partnership_id=pid,
            principal=principal,
            needed=self.needed,
            writes=request.method not in SAFE_METHODS,
        )
        return Loaded(p, role, principal)


CanRead = Annotated[Loaded, Depends(PartnershipAccess(Role.viewer))]
CanEdit = Annotated[Loaded, Depends(PartnershipAccess(Role.editor))]
CanOwn = Annotated[Loaded, Depends(PartnershipAccess(Role.owner))]

Limit = Annotated[int, Query(ge=1, le=500, description="Page size (at most 500).")]
Offset = Annotated[int, Query(ge=0, le=MAX_ID, description="Rows to skip.")]


def item_id(name: str, what: str):
    """A path parameter for an item's id, bounded to 64 bits."""
    return Annotated[int, Path(alias=name, ge=1, le=MAX_ID, description=f"The {what}'s id.")]


IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        description="The ETag you read; the change is refused with 412 if the record moved on.",
    ),
]


def etag(obj) -> str:
    """A record's entity tag: a partnership's revision, an item's last change."""
    if isinstance(obj, Partnership):
        return f'"p{obj.id}-r{obj.revision}"'
    prefix = type(obj).__name__[0].lower()
    stamp = int(obj.updated_at.timestamp() * 1_000_000)
    return f'"{prefix}{obj.id}-{stamp}"'


def _strip_weak(tag: str) -> str:
    return tag[2:] if tag.startswith("W/") else tag


def check_if_match(if_match: str | None, obj) -> None:
    """Raise PreconditionFailed unless If-Match is absent, "*", or names the current ETag."""
    if if_match is None:
        return
    tags = {_strip_weak(t.strip()) for t in if_match.split(",") if t.strip()}
    if "*" in tags:
        return
    if _strip_weak(etag(obj)) not in tags:
        raise PreconditionFailed(
            "This record was changed by someone else since you read it; reload and try again."
        )
