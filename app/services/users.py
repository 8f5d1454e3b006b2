"""Users, API tokens and one-time sign-in links. Secrets are shown once and stored hashed."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlmodel import Session

from app.auth import Principal
from app.errors import Conflict, Invalid, NotFound
from app.tables import ApiToken, LoginLink, User, utcnow

__all__ = [
    "create_user",
    "get_by_email",
    "count",
    "create_token",
    "revoke_token",
    "principal_for_token",
    "create_login_link",
    "use_login_link",
    "verify_password",
    "MIN_PASSWORD",
]

MIN_PASSWORD = 12
TOKEN_PREFIX = "smk_"
_hasher = PasswordHasher()


def digest(secret: str) -> str:
    """SHA-256 of a random secret (tokens, links and session cookies)."""
    # Tokens carry 256 random bits, so a fast hash is safe here (unlike passwords).
    return hashlib.sha256(secret.encode()).hexdigest()


def normalise_email(email: str) -> str:
    email = email.strip().lower()
    if "@" not in email or len(email) > 320 or email.startswith("@") or email.endswith("@"):
        raise Invalid.field("email", f"{email!r} is not an email address")
    return email


def count(*, session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(User)).scalar_one())


def get_by_email(*, session: Session, email: str) -> User:
    user = session.execute(
        select(User).where(User.email == normalise_email(email))
    ).scalar_one_or_none()
    if user is None:
        raise NotFound(f"No user {email}")
    return user


def create_user(
    *, session: Session, email: str, password: str | None = None, is_admin: bool = False
) -> User:
    """Create a user; a password, when given, must have at least 12 characters."""
    email = normalise_email(email)
    if session.execute(select(User.id).where(User.email == email)).scalar_one_or_none():
        raise Conflict.field("email", f"a user {email} already exists", "conflict")
    if password is not None and len(password) < MIN_PASSWORD:
        raise Invalid.field("password", f"a password needs at least {MIN_PASSWORD} characters")
    user = User(
        email=email,
        is_admin=is_admin,
        password_hash=_hasher.hash(password) if password is not None else None,
    )
    session.add(user)
    session.flush()
    return user


def verify_password(user: User, password: str) -> bool:
    if not user.password_hash:
        return False
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def create_token(
    *,
    session: Session,
    user: User,
    name: str = "",
    read_only: bool = False,
    expires_days: int | None = None,
) -> tuple[ApiToken, str]:
    """Create an API token; returns the row and the secret, which is never stored."""
    if expires_days is not None and expires_days < 1:
        raise Invalid.field("expires_days", "expires_days must be at least 1")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name,
        token_hash=digest(secret),
        prefix=secret[:10],
        read_only=read_only,
        expires_at=utcnow() + timedelta(days=expires_days) if expires_days else None,
    )
    session.add(token)
    session.flush()
    return token, secret


def revoke_token(*, session: Session, token_id: int) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFound(f"No token {token_id}")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.add(token)
        session.flush()
    return token


def find_by_secret(session: Session, model, secret: str):
    """The (row, user) whose hashed secret matches, for tokens, links and sessions; or None."""
    return session.execute(
        select(model, User)
        .join(User, User.id == model.user_id)
        .where(model.token_hash == digest(secret))
    ).first()


def principal_for_token(*, session: Session, secret: str) -> Principal | None:
    """The principal a bearer token stands for, or None if unknown, revoked or expired."""
    # Only the columns it needs (no ORM objects): this runs on every API request.
    row = session.execute(
        select(
            ApiToken.id,
            ApiToken.revoked_at,
            ApiToken.expires_at,
            ApiToken.read_only,
            User.id,
            User.email,
            User.is_admin,
            User.is_active,
        )
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == digest(secret))
    ).first()
    if row is None:
        return None
    token_id, revoked_at, expires_at, read_only, user_id, email, is_admin, is_active = row
    if revoked_at is not None or not is_active:
        return None
    if expires_at is not None and expires_at <= utcnow():
        return None
    return Principal(
        user_id=user_id,
        email=email,
        is_admin=is_admin,
        token_id=token_id,
        read_only=read_only,
    )


def create_login_link(*, session: Session, user: User, minutes: int) -> str:
    """A one-time sign-in secret for ``user``, valid for ``minutes``."""
    secret = secrets.token_urlsafe(32)
    session.add(
        LoginLink(
            user_id=user.id,
            token_hash=digest(secret),
            expires_at=utcnow() + timedelta(minutes=minutes),
        )
    )
    session.flush()
    return secret


def use_login_link(*, session: Session, secret: str, now: datetime | None = None) -> User | None:
    """Spend a one-time link: its user, or None if unknown, used or expired."""
    now = now or utcnow()
    link = session.execute(
        select(LoginLink).where(LoginLink.token_hash == digest(secret))
    ).scalar_one_or_none()
    if link is None or link.used_at is not None or link.expires_at <= now:
        return None
    link.used_at = now
    session.add(link)
    session.flush()
    return session.get(User, link.user_id)
