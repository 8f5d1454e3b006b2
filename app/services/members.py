"""Partnership membership: who may see or change a partnership, and with which role."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session

from app.enums import Role
from app.errors import Conflict, NotFound
from app.services import users as user_service
from app.tables import Membership, User

__all__ = ["page", "add", "change_role", "remove"]


def page(*, session: Session, partnership_id: int) -> list[tuple[Membership, User]]:
    """Every member with their user record, owners first."""
    rows = session.execute(
        select(Membership, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.partnership_id == partnership_id)
        .order_by(Membership.role.desc(), User.email)
    ).all()
    order = {Role.owner.value: 0, Role.editor.value: 1, Role.viewer.value: 2}
    return sorted(((m, u) for m, u in rows), key=lambda r: (order[r[0].role], r[1].email))


def _owners(session: Session, partnership_id: int) -> int:
    return session.execute(
        select(func.count()).where(
            Membership.partnership_id == partnership_id, Membership.role == Role.owner.value
        )
    ).scalar_one()


def _get(session: Session, partnership_id: int, user_id: int) -> Membership:
    m = session.get(Membership, (partnership_id, user_id))
    if m is None:
        raise NotFound(f"User {user_id} is not a member of this partnership")
    return m


def add(
    *, session: Session, partnership_id: int, email: str, role: Role
) -> tuple[Membership, User, bool]:
    """Make a user a member (creating an account without a password if there is none).

    Returns the membership, the user, and whether the account was created now.
    """
    created = False
    try:
        user = user_service.get_by_email(session=session, email=email)
    except NotFound:
        user = user_service.create_user(session=session, email=email)
        created = True
    if session.get(Membership, (partnership_id, user.id)) is not None:
        raise Conflict.field(("body", "email"), f"{user.email} is already a member", "conflict")
    m = Membership(partnership_id=partnership_id, user_id=user.id, role=role.value)
    session.add(m)
    session.flush()
    return m, user, created


def change_role(*, session: Session, partnership_id: int, user_id: int, role: Role) -> Membership:
    """Change a member's role; the last owner cannot step down."""
    m = _get(session, partnership_id, user_id)
    if m.role == Role.owner.value and role != Role.owner and _owners(session, partnership_id) == 1:
        raise Conflict.field(("body", "role"), "the last owner cannot step down", "conflict")
    m.role = role.value
    session.add(m)
    session.flush()
    return m


def remove(*, session: Session, partnership_id: int, user_id: int) -> None:
    """Remove a member; the last owner cannot leave."""
    m = _get(session, partnership_id, user_id)
    if m.role == Role.owner.value and _owners(session, partnership_id) == 1:
        raise Conflict.field(("path", "user_id"), "the last owner cannot leave", "conflict")
    session.delete(m)
    session.flush()
