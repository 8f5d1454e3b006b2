"""Stakeholders: the nodes of a partnership's map."""

from __future__ import annotations

from sqlalchemy import delete as sql_delete
from sqlalchemy import func, or_, select
from sqlmodel import Session

from app.enums import Kind
from app.errors import Conflict, Invalid, NotFound
from app.schemas import StakeholderCreate, StakeholderPublic, StakeholderUpdate
from app.services import audit
from app.services import partnerships as partnership_service
from app.tables import Engagement, EngagementParticipant, Stakeholder, Tie, utcnow

__all__ = ["get", "page", "create", "update", "delete", "public", "effective_sectors", "ids"]

CONTAINER_KINDS = (Kind.hub.value, Kind.organisation.value, Kind.group.value)


def get(*, session: Session, partnership_id: int, stakeholder_id: int) -> Stakeholder:
    """The stakeholder, or NotFound when it is not in this partnership."""
    s = session.get(Stakeholder, stakeholder_id)
    if s is None or s.partnership_id != partnership_id:
        raise NotFound(f"Stakeholder {stakeholder_id} not found")
    return s


def _containers(session: Session, partnership_id: int) -> dict[int, tuple[int | None, str | None]]:
    """id → (organisation_id, sector) for every hub, organisation and group of the partnership."""
    rows = session.execute(
        select(Stakeholder.id, Stakeholder.organisation_id, Stakeholder.sector).where(
            Stakeholder.partnership_id == partnership_id, Stakeholder.kind.in_(CONTAINER_KINDS)
        )
    ).all()
    return {r[0]: (r[1], r[2]) for r in rows}


def _resolve_sector(
    own: str | None, parent: int | None, containers: dict[int, tuple[int | None, str | None]]
) -> str | None:
    seen: set[int] = set()
    while own is None and parent is not None and parent not in seen:
        seen.add(parent)
        parent, own = containers.get(parent, (None, None))
    return own


def effective_sectors(
    *, session: Session, partnership_id: int, stakeholders: list[Stakeholder]
) -> dict[int, str | None]:
    """Each stakeholder's sector: its own, else the nearest container's up its chain.

    Reads only the containers on the chains that need it, a level at a time (usually one small
    query, none when every stakeholder has a sector of its own).
    """
    known: dict[int, tuple[int | None, str | None]] = {}
    need = {s.organisation_id for s in stakeholders if s.sector is None} - {None}
    while ask := need - known.keys():
        rows = session.execute(
            select(Stakeholder.id, Stakeholder.organisation_id, Stakeholder.sector).where(
                Stakeholder.partnership_id == partnership_id, Stakeholder.id.in_(ask)
            )
        ).all()
        known.update({r[0]: (r[1], r[2]) for r in rows})
        known.update({sid: (None, None) for sid in ask - known.keys()})  # not in this partnership
        need = {parent for parent, sector in known.values() if sector is None} - {None}
    return {s.id: _resolve_sector(s.sector, s.organisation_id, known) for s in stakeholders}


def public(s: Stakeholder, effective_sector: str | None) -> StakeholderPublic:
    return StakeholderPublic.model_validate(
        {**s.model_dump(), "effective_sector": effective_sector}
    )


def page(
    *,
    session: Session,
    partnership_id: int,
    kind: str | None = None,
    organisation_id: int | None = None,
    sector: str | None = None,
    q: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[Stakeholder], int]:
    """A page of stakeholders matching the filters, and the total count."""
    conds = [Stakeholder.partnership_id == partnership_id]
    if kind:
        conds.append(Stakeholder.kind == kind)
    if organisation_id is not None:
        conds.append(Stakeholder.organisation_id == organisation_id)
    if sector:
        # The effective sector: own sector, else inherited from a container with that sector.
        containers = _containers(session, partnership_id)
        inherit = [
            cid
            for cid, (parent, own) in containers.items()
            if _resolve_sector(own, parent, containers) == sector
        ]
        conds.append(
            or_(
                Stakeholder.sector == sector,
                (Stakeholder.sector.is_(None)) & (Stakeholder.organisation_id.in_(inherit)),
            )
        )
    if q:
        escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conds.append(Stakeholder.name.ilike(f"%{escaped}%", escape="\\"))
    count = session.execute(select(func.count()).where(*conds)).scalar_one()
    rows = (
        session.execute(
            select(Stakeholder).where(*conds).order_by(Stakeholder.id).limit(limit).offset(offset)
        )
        .scalars()
        .all()
    )
    return rows, int(count)


def _external_id_free(
    session: Session, partnership_id: int, external_id: str | None, own_id: int | None
) -> None:
    if external_id is None:
        return
    other = session.execute(
        select(Stakeholder.id).where(
            Stakeholder.partnership_id == partnership_id, Stakeholder.external_id == external_id
        )
    ).scalar_one_or_none()
    if other is not None and other != own_id:
        raise Conflict.field(
            ("body", "external_id"),
            f"external_id {external_id!r} is already used by stakeholder {other}",
            "conflict",
        )


def _check_state(session: Session, partnership_id: int, s: Stakeholder) -> None:
    """Integrity rules on a stakeholder's would-be state; raises Invalid naming the field."""
    problems = []
    if s.organisation_id is not None:
        if s.kind not in (Kind.person.value, Kind.group.value):
            problems.append(
                (("body", "organisation_id"), f"a {s.kind} does not belong to an organisation")
            )
        else:
            org = session.get(Stakeholder, s.organisation_id)
            if org is None or org.partnership_id != partnership_id:
                problems.append(
                    (
                        ("body", "organisation_id"),
                        f"no stakeholder {s.organisation_id} in this partnership",
                    )
                )
            elif org.kind not in CONTAINER_KINDS:
                problems.append(
                    (
                        ("body", "organisation_id"),
                        f"stakeholder {org.id} is a {org.kind}; "
                        "organisation_id names an organisation, a group or the hub",
                    )
                )
            elif s.id is not None:
                _check_no_cycle(session, s, problems)
    if s.owner_id is not None:
        hub = partnership_service.hub_id(session=session, partnership_id=partnership_id)
        owner = session.get(Stakeholder, s.owner_id)
        if owner is None or owner.partnership_id != partnership_id:
            problems.append(
                (("body", "owner_id"), f"no stakeholder {s.owner_id} in this partnership")
            )
        elif owner.kind != Kind.person.value or owner.organisation_id != hub:
            problems.append(
                (
                    ("body", "owner_id"),
                    f"owner_id must name a hub member; {owner.name!r} is not one",
                )
            )
        elif owner.id == s.id and s.organisation_id != hub:
            problems.append((("body", "owner_id"), "a stakeholder cannot own itself"))
    if problems:
        from app.errors import FieldProblem

        raise Invalid([FieldProblem(loc, msg) for loc, msg in problems])


def _check_no_cycle(session: Session, s: Stakeholder, problems: list) -> None:
    seen = {s.id}
    cur = s.organisation_id
    while cur is not None:
        if cur in seen:
            problems.append((("body", "organisation_id"), "this would make a membership cycle"))
            return
        seen.add(cur)
        parent = session.get(Stakeholder, cur)
        cur = parent.organisation_id if parent is not None else None


def create(*, session: Session, partnership_id: int, data: StakeholderCreate) -> Stakeholder:
    """Add a stakeholder (organisation, person or group) to the partnership."""
    partnership_service.bump(session=session, partnership_id=partnership_id)
    fields = data.model_dump(exclude_none=True)
    s = Stakeholder(partnership_id=partnership_id, **fields)
    _external_id_free(session, partnership_id, s.external_id, None)
    _check_state(session, partnership_id, s)
    session.add(s)
    session.flush()
    return s


_NOT_NULL = {"name", "kind", "contact_permitted"}
_NULL_MEANS = {"notes": "", "tags": []}


def update(*, session: Session, stakeholder: Stakeholder, data: StakeholderUpdate) -> Stakeholder:
    """Apply a partial update after checking the resulting state."""
    fields = data.model_dump(exclude_unset=True)
    for key in _NOT_NULL & fields.keys():
        if fields[key] is None:
            raise Invalid.field(("body", key), f"{key} cannot be null")
    for key, empty in _NULL_MEANS.items():
        if key in fields and fields[key] is None:
            fields[key] = empty
    pid = stakeholder.partnership_id
    old_kind = stakeholder.kind
    new_kind = fields.get("kind", old_kind)
    if old_kind == Kind.hub.value and new_kind != old_kind:
        raise Invalid.field(("body", "kind"), "the hub cannot change kind")
    if new_kind == Kind.hub.value and old_kind != Kind.hub.value:
        raise Invalid.field(("body", "kind"), "a partnership has one hub; it cannot gain another")
    partnership_service.bump(session=session, partnership_id=pid)
    _external_id_free(session, pid, fields.get("external_id"), stakeholder.id)
    if new_kind != old_kind and old_kind in CONTAINER_KINDS and new_kind not in CONTAINER_KINDS:
        members = session.execute(
            select(func.count()).where(Stakeholder.organisation_id == stakeholder.id)
        ).scalar_one()
        if members:
            raise Invalid.field(
                ("body", "kind"),
                f"{stakeholder.name!r} has {members} member(s); move them before changing kind",
            )
    hub = partnership_service.hub_id(session=session, partnership_id=pid)
    was_hub_member = old_kind == Kind.person.value and stakeholder.organisation_id == hub
    with session.no_autoflush:
        for key, value in fields.items():
            setattr(stakeholder, key, value)
        stakeholder.updated_at = utcnow()
        is_hub_member = stakeholder.kind == Kind.person.value and stakeholder.organisation_id == hub
        if was_hub_member and not is_hub_member:
            owned = session.execute(
                select(func.count()).where(Stakeholder.owner_id == stakeholder.id)
            ).scalar_one()
            if owned:
                loc = "kind" if "kind" in fields else "organisation_id"
                raise Invalid.field(
                    ("body", loc),
                    f"{stakeholder.name!r} owns {owned} relationship(s) and must stay a hub "
                    "member; reassign them first",
                )
        _check_state(session, pid, stakeholder)
    session.add(stakeholder)
    session.flush()
    return stakeholder


def delete(*, session: Session, stakeholder: Stakeholder) -> None:
    """Delete a stakeholder, its ties, and engagements left with fewer than two participants."""
    if stakeholder.kind == Kind.hub.value:
        raise Conflict.field(("path", "sid"), "the hub cannot be deleted", "conflict")
    partnership_service.bump(session=session, partnership_id=stakeholder.partnership_id)
    involved = select(EngagementParticipant.engagement_id).where(
        EngagementParticipant.stakeholder_id == stakeholder.id
    )
    remaining = (
        select(EngagementParticipant.engagement_id)
        .where(
            EngagementParticipant.engagement_id.in_(involved),
            EngagementParticipant.stakeholder_id != stakeholder.id,
        )
        .group_by(EngagementParticipant.engagement_id)
        .having(func.count() >= 2)
    )
    kept = set(session.execute(remaining).scalars())
    dropped = sorted(set(session.execute(involved).scalars()) - kept)
    sid = stakeholder.id
    tie_ids = (
        session.execute(select(Tie.id).where(or_(Tie.source_id == sid, Tie.target_id == sid)))
        .scalars()
        .all()
    )
    # members and owned stakeholders lose the reference (SET NULL in the database)
    members = (
        session.execute(select(Stakeholder.id).where(Stakeholder.organisation_id == sid))
        .scalars()
        .all()
    )
    owned = (
        session.execute(select(Stakeholder.id).where(Stakeholder.owner_id == sid)).scalars().all()
    )
    if dropped:
        session.execute(
            sql_delete(Engagement)
            .where(Engagement.id.in_(dropped))
            .execution_options(synchronize_session=False)
        )
    # the database removes these by cascade, out of the ORM's sight: record them by hand
    pid = stakeholder.partnership_id
    gone = f"removed with stakeholder {sid}"
    for tid in sorted(tie_ids):
        audit.record(
            session, partnership_id=pid, entity="tie", action="delete", entity_id=tid, detail=gone
        )
    for eid in dropped:
        audit.record(
            session,
            partnership_id=pid,
            entity="engagement",
            action="delete",
            entity_id=eid,
            detail=f"{gone}: fewer than two participants left",
        )
    for field, ids_ in (("organisation_id", members), ("owner_id", owned)):
        for other in sorted(ids_):
            audit.record(
                session,
                partnership_id=pid,
                entity="stakeholder",
                action="update",
                entity_id=other,
                fields=[field],
                detail=gone,
            )
    for eid in sorted(kept):
        audit.record(
            session,
            partnership_id=pid,
            entity="engagement",
            action="update",
            entity_id=eid,
            fields=["participant_ids"],
            detail=gone,
        )
    session.delete(stakeholder)
    session.flush()


def ids(*, session: Session, partnership_id: int) -> set[int]:
    """Every stakeholder id of the partnership."""
    return set(
        session.execute(
            select(Stakeholder.id).where(Stakeholder.partnership_id == partnership_id)
        ).scalars()
    )
