"""Partnerships: create (with their hub), read, list, update, delete, and the revision."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy import update as sql_update
from sqlmodel import Session

from app.auth import Principal, role_allows
from app.enums import Kind, Role
from app.errors import Forbidden, NotFound
from app.schemas import PartnershipCreate, PartnershipPublic, PartnershipUpdate
from app.tables import Membership, Partnership, Stakeholder, utcnow

__all__ = ["create", "get_for", "list_for", "update", "delete", "bump", "hub_id", "public"]


def bump(*, session: Session, partnership_id: int) -> int:
    """Add one to the partnership's revision and return the new value.

    Every write calls this first: on PostgreSQL the row lock serialises writers of one
    partnership, so the checks that follow see a settled state.
    """
    rev = session.execute(
        sql_update(Partnership)
        .where(Partnership.id == partnership_id)
        .values(revision=Partnership.revision + 1, updated_at=utcnow())
        .returning(Partnership.revision)
    ).scalar_one()
    return int(rev)


def hub_id(*, session: Session, partnership_id: int) -> int:
    """The id of the partnership's hub."""
    return session.execute(
        select(Stakeholder.id).where(
            Stakeholder.partnership_id == partnership_id, Stakeholder.kind == Kind.hub.value
        )
    ).scalar_one()


def role_of(*, session: Session, partnership_id: int, user_id: int) -> str | None:
    """The user's role in the partnership, or None when not a member."""
    return session.execute(
        select(Membership.role).where(
            Membership.partnership_id == partnership_id, Membership.user_id == user_id
        )
    ).scalar_one_or_none()


def get_for(
    *,
    session: Session,
    partnership_id: int,
    principal: Principal,
    needed: Role = Role.viewer,
    writes: bool = True,
) -> tuple[Partnership, str | None]:
    """Load a partnership the principal may use with at least ``needed``; else raise.

    A non-member gets NotFound, so it learns nothing about the partnership's existence.
    ``writes=False`` marks a read that needs a stronger role (the audit trail, say), which a
    read-only token may make.
    """
    # A change locks the partnership's row first (PostgreSQL; SQLite's BEGIN IMMEDIATE already
    # serialises writers), so concurrent changes to one partnership take turns: an If-Match
    # check and the change it guards are atomic, even across server processes.
    lock = writes and needed != Role.viewer
    # the partnership and the caller's membership in one query (this runs on every request)
    member = (Membership.partnership_id == Partnership.id) & (
        Membership.user_id == principal.user_id
    )
    query = (
        select(Partnership, Membership.role)
        .outerjoin(Membership, member)
        .where(Partnership.id == partnership_id)
    )
    if lock:
        query = query.with_for_update(of=Partnership)
    row = session.execute(query).first()
    if row is None:
        raise NotFound(f"Partnership {partnership_id} not found")
    p, role = row
    if role is None and not principal.is_admin:
        raise NotFound(f"Partnership {partnership_id} not found")
    if writes and needed != Role.viewer and principal.read_only:
        raise Forbidden("This token is read-only")
    if not principal.is_admin and not role_allows(role, needed):
        raise Forbidden(f"This needs the {needed.value} role in partnership {partnership_id}")
    return p, role


def public(*, session: Session, partnership: Partnership, role: str | None) -> PartnershipPublic:
    return PartnershipPublic(
        id=partnership.id,
        name=partnership.name,
        description=partnership.description,
        revision=partnership.revision,
        hub_id=hub_id(session=session, partnership_id=partnership.id),
        half_life_days=partnership.half_life_days,
        role=role,
        created_at=partnership.created_at,
        updated_at=partnership.updated_at,
    )


def create(*, session: Session, data: PartnershipCreate, creator: Principal) -> Partnership:
    """Create a partnership, its hub, and make the creator its owner."""
    if creator.read_only:
        raise Forbidden("This token is read-only")
    p = Partnership(
        name=data.name, description=data.description, half_life_days=data.half_life_days
    )
    session.add(p)
    session.flush()
    session.add(Stakeholder(partnership_id=p.id, kind=Kind.hub.value, name=data.hub_name or p.name))
    session.add(Membership(partnership_id=p.id, user_id=creator.user_id, role=Role.owner.value))
    session.flush()
    return p


def list_for(
    *, session: Session, principal: Principal, limit: int, offset: int
) -> tuple[list[tuple[Partnership, str | None]], int]:
    """The partnerships the principal can see (all for admins), with the principal's role."""
    role_col = Membership.role
    join_on = (Membership.partnership_id == Partnership.id) & (
        Membership.user_id == principal.user_id
    )
    q = select(Partnership, role_col)
    if principal.is_admin:
        q = q.outerjoin(Membership, join_on)
    else:
        q = q.join(Membership, join_on)
    count = session.execute(select(func.count()).select_from(q.subquery())).scalar_one()
    rows = session.execute(q.order_by(Partnership.id).limit(limit).offset(offset)).all()
    return [(r[0], r[1]) for r in rows], int(count)


def update(*, session: Session, partnership: Partnership, data: PartnershipUpdate) -> Partnership:
    """Apply a partial update."""
    from app.errors import Invalid

    fields = data.model_dump(exclude_unset=True)
    for key in ("name", "half_life_days"):
        if key in fields and fields[key] is None:
            raise Invalid.field(("body", key), f"{key} cannot be null")
    if "description" in fields and fields["description"] is None:
        fields["description"] = ""
    bump(session=session, partnership_id=partnership.id)
    session.refresh(partnership)
    for key, value in fields.items():
        setattr(partnership, key, value)
    partnership.updated_at = utcnow()
    session.add(partnership)
    session.flush()
    return partnership


def delete(*, session: Session, partnership: Partnership) -> None:
    """Delete a partnership and everything in it (the foreign keys cascade)."""
    session.delete(partnership)
    session.flush()
