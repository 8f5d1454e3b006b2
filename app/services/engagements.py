"""Engagements: logged interactions between two or more stakeholders."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import delete as sql_delete
from sqlalchemy import func, select
from sqlmodel import Session

from app.errors import Conflict, FieldProblem, Invalid, NotFound
from app.schemas import EngagementCreate, EngagementPublic, EngagementUpdate
from app.services import partnerships as partnership_service
from app.tables import Engagement, EngagementParticipant, Stakeholder, utcnow

__all__ = ["get", "page", "create", "update", "delete", "participants", "public"]


def get(*, session: Session, partnership_id: int, engagement_id: int) -> Engagement:
    e = session.get(Engagement, engagement_id)
    if e is None or e.partnership_id != partnership_id:
        raise NotFound(f"Engagement {engagement_id} not found")
    return e


def participants(*, session: Session, engagement_ids: list[int]) -> dict[int, list[int]]:
    """engagement id → sorted participant ids."""
    out: dict[int, list[int]] = defaultdict(list)
    if not engagement_ids:
        return out
    rows = session.execute(
        select(EngagementParticipant.engagement_id, EngagementParticipant.stakeholder_id)
        .where(EngagementParticipant.engagement_id.in_(engagement_ids))
        .order_by(EngagementParticipant.engagement_id, EngagementParticipant.stakeholder_id)
    ).all()
    for eid, sid in rows:
        out[eid].append(sid)
    return out


def public(e: Engagement, participant_ids: list[int]) -> EngagementPublic:
    return EngagementPublic.model_validate({**e.model_dump(), "participant_ids": participant_ids})


def page(
    *,
    session: Session,
    partnership_id: int,
    stakeholder_id: int | None = None,
    channel: str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[Engagement], int]:
    """A page of engagements, newest first, with optional filters."""
    conds = [Engagement.partnership_id == partnership_id]
    if stakeholder_id is not None:
        conds.append(
            Engagement.id.in_(
                select(EngagementParticipant.engagement_id).where(
                    EngagementParticipant.stakeholder_id == stakeholder_id
                )
            )
        )
    if channel:
        conds.append(Engagement.channel == channel)
    if since:
        conds.append(Engagement.occurred_on >= since)
    if until:
        conds.append(Engagement.occurred_on <= until)
    count = session.execute(select(func.count()).select_from(Engagement).where(*conds)).scalar_one()
    rows = session.execute(
        select(Engagement)
        .where(*conds)
        .order_by(Engagement.occurred_on.desc(), Engagement.id.desc())
        .limit(limit)
        .offset(offset)
    ).scalars()
    return rows.all(), int(count)


def _check(session: Session, e: Engagement, participant_ids: list[int] | None) -> None:
    problems = []
    if participant_ids is not None:
        found = set(
            session.execute(
                select(Stakeholder.id).where(
                    Stakeholder.partnership_id == e.partnership_id,
                    Stakeholder.id.in_(participant_ids),
                )
            ).scalars()
        )
        for i, sid in enumerate(participant_ids):
            if sid not in found:
                problems.append(
                    FieldProblem(
                        ("body", "participant_ids", i), f"no stakeholder {sid} in this partnership"
                    )
                )
    if e.external_id is not None:
        other = session.execute(
            select(Engagement.id).where(
                Engagement.partnership_id == e.partnership_id,
                Engagement.external_id == e.external_id,
            )
        ).scalar_one_or_none()
        if other is not None and other != e.id:
            raise Conflict.field(
                ("body", "external_id"),
                f"external_id {e.external_id!r} is already used by engagement {other}",
                "conflict",
            )
    if problems:
        raise Invalid(problems)


def _set_participants(session: Session, engagement_id: int, ids: list[int]) -> None:
    session.execute(
        sql_delete(EngagementParticipant).where(
            EngagementParticipant.engagement_id == engagement_id
        )
    )
    session.add_all(
        [EngagementParticipant(engagement_id=engagement_id, stakeholder_id=s) for s in ids]
    )


def create(*, session: Session, partnership_id: int, data: EngagementCreate) -> Engagement:
    """Log an engagement between two or more distinct stakeholders of the partnership."""
    partnership_service.bump(session=session, partnership_id=partnership_id)
    fields = data.model_dump(exclude_none=True, exclude={"participant_ids"})
    fields["channel"] = data.channel.value
    e = Engagement(partnership_id=partnership_id, **fields)
    _check(session, e, data.participant_ids)
    session.add(e)
    session.flush()
    _set_participants(session, e.id, data.participant_ids)
    session.flush()
    return e


def update(*, session: Session, engagement: Engagement, data: EngagementUpdate) -> Engagement:
    """Apply a partial update; a new participant list replaces the old one."""
    fields = data.model_dump(exclude_unset=True, exclude={"participant_ids"})
    for key in ("occurred_on", "channel"):
        if key in fields and fields[key] is None:
            raise Invalid.field(("body", key), f"{key} cannot be null")
    if "participant_ids" in data.model_fields_set and data.participant_ids is None:
        raise Invalid.field(("body", "participant_ids"), "participant_ids cannot be null")
    if "summary" in fields and fields["summary"] is None:
        fields["summary"] = ""
    partnership_service.bump(session=session, partnership_id=engagement.partnership_id)
    with session.no_autoflush:
        for key, value in fields.items():
            setattr(engagement, key, getattr(value, "value", value))
        engagement.updated_at = utcnow()
        _check(session, engagement, data.participant_ids)
    session.add(engagement)
    if data.participant_ids is not None:
        _set_participants(session, engagement.id, data.participant_ids)
    session.flush()
    return engagement


def delete(*, session: Session, engagement: Engagement) -> None:
    partnership_service.bump(session=session, partnership_id=engagement.partnership_id)
    session.delete(engagement)
    session.flush()
