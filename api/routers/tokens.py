"""/api/v1/tokens — the caller's own API tokens: list, create (shown once), revoke."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from api.deps import Limit, Offset, PrincipalDep, SessionDep, item_id
from api.errors import LIST, WRITE
from app.errors import Forbidden, NotFound
from app.schemas import Flag, ShortText, TokenCreated
from app.services import users as service
from app.tables import ApiToken, User

router = APIRouter(prefix="/tokens", tags=["tokens"])
TokenId = item_id("token_id", "token")


class TokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: ShortText = ""
    read_only: Flag = False
    expires_days: Annotated[int, Field(ge=1, le=3650, strict=True)] | None = None


class TokenPublic(BaseModel):
    id: int
    name: str
    prefix: str = Field(description="The token's first characters, to recognise it.")
    read_only: bool
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


class TokensPublic(BaseModel):
    data: list[TokenPublic]
    count: int


@router.get("", response_model=TokensPublic, responses=LIST)
def list_tokens(
    session: SessionDep, principal: PrincipalDep, limit: Limit = 100, offset: Offset = 0
):
    """The caller's tokens (never their secrets)."""
    rows = (
        session.execute(
            select(ApiToken)
            .where(ApiToken.user_id == principal.user_id)
            .order_by(ApiToken.id)
            .limit(limit)
            .offset(offset)
        )
        .scalars()
        .all()
    )
    total = session.execute(select(ApiToken.id).where(ApiToken.user_id == principal.user_id)).all()
    return {"data": rows, "count": len(total)}


@router.post("", status_code=201, response_model=TokenCreated, responses=WRITE)
def create_token(data: TokenCreate, session: SessionDep, principal: PrincipalDep):
    """A new token for the caller; its secret is in this reply only."""
    if principal.read_only:
        raise Forbidden("A read-only token cannot create tokens")
    user = session.get(User, principal.user_id)
    token, secret = service.create_token(
        session=session,
        user=user,
        name=data.name,
        read_only=data.read_only,
        expires_days=data.expires_days,
    )
    return TokenCreated(
        id=token.id,
        token=secret,
        name=token.name,
        read_only=token.read_only,
        expires_at=token.expires_at,
    )


@router.delete("/{token_id}", status_code=204, responses=WRITE)
def revoke_token(token_id: TokenId, session: SessionDep, principal: PrincipalDep):
    """Revoke one of the caller's tokens (admins: anyone's); it stops working at once."""
    token = session.get(ApiToken, token_id)
    if token is None or (token.user_id != principal.user_id and not principal.is_admin):
        raise NotFound(f"Token {token_id} not found")
    if principal.read_only:
        raise Forbidden("A read-only token cannot revoke tokens")
    service.revoke_token(session=session, token_id=token_id)
    return Response(status_code=204)
