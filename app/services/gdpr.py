"""Data protection: everything held about one person, and erasing them."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import delete, func, or_, select
from sqlmodel import Session

from app.enums import Kind
from app.errors import Invalid
from app.services import audit
from app.services import partnerships as partnership_service
from app.tables import (
    AnalysisResult,
    AuditEntry,
    Engagement,
    EngagementParticipant,
    Stakeholder,
    Tie,
)

__all__ = ["personal_data", "erase", "ERASED"]

ERASED = "[erased]"
PERSONAL_FIELDS = (
    "name", "external_id", "role", "seniority", "influence", "interest", "engagement",
    "desired_engagement", "email", "notes", "tags", "contact_permitted", "sector",
)  # fmt: skip


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(select(Stakeholder.id, Stakeholder.name).where(Stakeholder.id.in_(ids)))
    return dict(rows.all())


def personal_data(*, session: Session, person: Stakeholder) -> dict:
    """Everything Stakemap holds about one stakeholder, as plain JSON-ready data."""
    ties = (
        session.execute(
            select(Tie).where(or_(Tie.source_id == person.id, Tie.target_id == person.id))
        )
        .scalars()
        .all()
    )
    eng_ids = select(EngagementParticipant.engagement_id).where(
        EngagementParticipant.stakeholder_id == person.id
    )
    engagements = (
        session.execute(
            select(Engagement).where(Engagement.id.in_(eng_ids)).order_by(Engagement.occurred_on)
        )
        .scalars()
        .all()
    )
    parts: dict[int, list[int]] = {}
    for eid, sid in session.execute(
        select(EngagementParticipant.engagement_id, EngagementParticipant.stakeholder_id).where(
            EngagementParticipant.engagement_id.in_([e.id for e in engagements])
        )
    ):
        parts.setdefault(eid, []).append(sid)
    owned = (
        session.execute(select(Stakeholder.id).where(Stakeholder.owner_id == person.id))
        .scalars()
        .all()
    )
    others = {t.source_id for t in ties} | {t.target_id for t in ties}
    others |= {s for ps in parts.values() for s in ps}
    others |= {x for x in (person.organisation_id, person.owner_id) if x}
    names = _names(session, others | set(owned))
    trail = session.execute(
        select(AuditEntry.at, AuditEntry.action, AuditEntry.fields, AuditEntry.actor)
        .where(AuditEntry.entity == "stakeholder", AuditEntry.entity_id == person.id)
        .order_by(AuditEntry.at)
    ).all()
    return {
        "generated_at": datetime.now(UTC).isoformat(),
        "partnership_id": person.partnership_id,
        "stakeholder": {
            "id": person.id,
            "kind": person.kind,
            **{f: getattr(person, f) for f in PERSONAL_FIELDS},
            "organisation": names.get(person.organisation_id),
            "owner": names.get(person.owner_id),
            "created_at": person.created_at.isoformat(),
            "updated_at": person.updated_at.isoformat(),
        },
        "ties": [
            {
                "id": t.id,
                "with": names.get(t.target_id if t.source_id == person.id else t.source_id),
                "direction": "outgoing" if t.source_id == person.id else "incoming",
                "kind": t.kind,
                "directed": t.directed,
                "strength": t.strength,
                "valid_from": t.valid_from.isoformat() if t.valid_from else None,
                "valid_to": t.valid_to.isoformat() if t.valid_to else None,
                "notes": t.notes,
            }
            for t in ties
        ],
        "engagements": [
            {
                "id": e.id,
                "occurred_on": e.occurred_on.isoformat(),
                "channel": e.channel,
                "summary": e.summary,
                "sentiment": e.sentiment,
                "with": sorted(names.get(s, "") for s in parts.get(e.id, []) if s != person.id),
            }
            for e in engagements
        ],
        "owns_relationships_with": sorted(names[s] for s in owned),
        "changes": [
            {"at": at.isoformat(), "action": action, "fields": fields, "by": actor}
            for at, action, fields, actor in trail
        ],
    }


def _scrub(text: str, needles: list[str]) -> str:
    for needle in needles:
        text = re.sub(re.escape(needle), ERASED, text, flags=re.IGNORECASE)
    return text


def erase(*, session: Session, person: Stakeholder) -> dict:
    """Erase a person: their record, participation, ties, ownerships and mentions in free text.

    Leaves one pseudonymous audit entry (the id only). Returns counts of what was removed.
    """
    if person.kind != Kind.person.value:
        raise Invalid.field(
            ("path", "sid"), f"only a person can be erased; this is a {person.kind}"
        )
    pid = person.partnership_id
    partnership_service.bump(session=session, partnership_id=pid)
    needles = [n for n in (person.name, person.email) if n and len(n) >= 3]
    counts = {"ties": 0, "engagements_left": 0, "engagements_deleted": 0, "mentions_scrubbed": 0}

    # Free text elsewhere in the partnership that names them.
    for model, field in ((Engagement, "summary"), (Tie, "notes"), (Stakeholder, "notes")):
        if not needles:
            break
        col = getattr(model, field)
        conds = [
            model.partnership_id == pid,
            or_(*[func.lower(col).contains(n.lower()) for n in needles]),
        ]
        for row in session.execute(select(model).where(*conds)).scalars():
            setattr(row, field, _scrub(getattr(row, field), needles))
            session.add(row)
            counts["mentions_scrubbed"] += 1

    # Engagements: leave those that keep two participants, delete the rest.
    eng_ids = list(
        session.execute(
            select(EngagementParticipant.engagement_id).where(
                EngagementParticipant.stakeholder_id == person.id
            )
        ).scalars()
    )
    for eid in eng_ids:
        others = session.execute(
            select(func.count()).where(
                EngagementParticipant.engagement_id == eid,
                EngagementParticipant.stakeholder_id != person.id,
            )
        ).scalar_one()
        link = session.get(EngagementParticipant, (eid, person.id))
        if others >= 2:
            session.delete(link)
            counts["engagements_left"] += 1
        else:
            session.delete(session.get(Engagement, eid))
            counts["engagements_deleted"] += 1
    for t in session.execute(
        select(Tie).where(or_(Tie.source_id == person.id, Tie.target_id == person.id))
    ).scalars():
        session.delete(t)
        counts["ties"] += 1
    for owned in session.execute(
        select(Stakeholder).where(Stakeholder.owner_id == person.id)
    ).scalars():
        owned.owner_id = None
        session.add(owned)
    session.flush()
    person_id = person.id
    session.delete(person)
    # Cached analyses name people in their messages: drop the partnership's cache.
    session.execute(delete(AnalysisResult).where(AnalysisResult.partnership_id == pid))
    session.flush()
    audit.record(
        session,
        partnership_id=pid,
        entity="stakeholder",
        entity_id=person_id,
        action="erase",
        detail=", ".join(f"{k}={v}" for k, v in counts.items()),
    )
    return counts
