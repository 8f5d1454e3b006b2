"""Sign-in rate limits, per account and per address, kept in the database for every worker."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlmodel import Session

from app.tables import LoginAttempt, utcnow

__all__ = ["allowed", "failed", "succeeded", "WINDOW", "PER_ACCOUNT", "PER_ADDRESS"]

WINDOW = timedelta(minutes=15)
PER_ACCOUNT = 5
PER_ADDRESS = 20


def _keys(email: str, address: str | None) -> tuple[str, str | None]:
    return f"account:{email.strip().lower()}", (f"addr:{address}" if address else None)


def allowed(*, session: Session, email: str, address: str | None) -> bool:
    """False when the account or the address has failed too often within the window."""
    account, addr = _keys(email, address)
    since = utcnow() - WINDOW

    def count(key: str) -> int:
        return session.execute(
            select(func.count()).where(LoginAttempt.key == key, LoginAttempt.at >= since)
        ).scalar_one()

    if count(account) >= PER_ACCOUNT:
        return False
    return not (addr and count(addr) >= PER_ADDRESS)


def failed(*, session: Session, email: str, address: str | None) -> None:
    """Remember a failed sign-in, and forget attempts older than the window."""
    account, addr = _keys(email, address)
    session.execute(delete(LoginAttempt).where(LoginAttempt.at < utcnow() - WINDOW))
    session.add(LoginAttempt(key=account))
    if addr:
        session.add(LoginAttempt(key=addr))
    session.flush()


def succeeded(*, session: Session, email: str) -> None:
    """A successful sign-in clears the account's failures (not the address's)."""
    account, _ = _keys(email, None)
    session.execute(delete(LoginAttempt).where(LoginAttempt.key == account))
