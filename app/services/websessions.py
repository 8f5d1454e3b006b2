"""Browser sessions: created at sign-in, looked up by cookie, ended at sign-out or expiry."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import Session

from app.auth import Principal
from app.services.users import digest, find_by_secret
from app.tables import User, WebSession, utcnow

__all__ = ["start", "principal_for", "end", "end_all_for", "COOKIE"]

COOKIE = "stakemap_session"


def start(*, session: Session, user: User, hours: int) -> str:
    """Open a session for ``user``; returns the cookie's secret (stored only hashed)."""
    secret = secrets.token_urlsafe(32)
    session.add(
        WebSession(
            user_id=user.id,
            token_hash=digest(secret),
            expires_at=utcnow() + timedelta(hours=hours),
        )
    )
    session.flush()
    return secret


def principal_for(*, session: Session, secret: str) -> Principal | None:
    """The principal behind a session cookie, or None if unknown, ended or expired."""
    row = find_by_secret(session, WebSession, secret)
    if row is None:
        return None
    ws, user = row
    if ws.ended_at is not None or ws.expires_at <= utcnow() or not user.is_active:
        return None
    return Principal(user_id=user.id, email=user.email, is_admin=user.is_admin)


def end(*, session: Session, secret: str) -> None:
    """End the session with this secret (sign-out)."""
    session.execute(
        update(WebSession)
        .where(WebSession.token_hash == digest(secret), WebSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )


def end_all_for(*, session: Session, user_id: int) -> None:
    """End every session of a user."""
    session.execute(
        update(WebSession)
        .where(WebSession.user_id == user_id, WebSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )
