"""The audit trail: every write through the ORM is recorded in ``audit_log`` automatically.

The acting principal rides in ``session.info["principal"]`` (set by the API's principal
dependency) or ``session.info["actor"]`` (a label such as "cli"). Only the names of changed fields
are kept, never their values, so erasing a person leaves nothing of them here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import event, func, insert, inspect, select
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session

from app.tables import (
    AuditEntry,
    Engagement,
    EngagementParticipant,
    Membership,
    Partnership,
    Stakeholder,
    Tie,
    utcnow,
)

__all__ = ["install", "record", "page", "actor_of"]

AUDITED = {
    Partnership: "partnership",
    Stakeholder: "stakeholder",
    Tie: "tie",
    Engagement: "engagement",
    Membership: "membership",
}
SKIP = {"created_at", "updated_at", "revision", "id", "partnership_id"}
_installed = False


def actor_of(session: OrmSession) -> dict:
    """The actor columns for entries written in this session."""
    p = session.info.get("principal")
    if p is not None:
        return {"actor_user_id": p.user_id, "actor": p.email, "token_id": p.token_id}
    return {"actor_user_id": None, "actor": session.info.get("actor", "system"), "token_id": None}


def _pid(obj) -> int | None:
    return obj.id if isinstance(obj, Partnership) else getattr(obj, "partnership_id", None)


def _entity_id(obj) -> int | None:
    if isinstance(obj, Membership):
        return obj.user_id
    return obj.id


def _changed(obj) -> list[str]:
    state = inspect(obj)
    return sorted(a.key for a in state.attrs if a.key not in SKIP and a.history.has_changes())


def _after_flush(session: OrmSession, _ctx) -> None:
    rows = []
    now = utcnow()
    actor = actor_of(session)

    def add(obj, action: str, fields: Iterable[str]):
        rows.append(
            {
                "at": now,
                "partnership_id": _pid(obj),
                "entity": AUDITED[type(obj)],
                "entity_id": _entity_id(obj),
                "action": action,
                "fields": list(fields),
                "detail": "",
                **actor,
            }
        )

    touched_engagements: dict[int, Engagement | None] = {}
    for obj in session.new:
        if type(obj) in AUDITED:
            add(obj, "create", sorted(k for k in _fieldnames(obj) if getattr(obj, k) is not None))
        elif isinstance(obj, EngagementParticipant):
            touched_engagements.setdefault(obj.engagement_id, None)
    for obj in session.dirty:
        if type(obj) in AUDITED and session.is_modified(obj, include_collections=False):
            fields = _changed(obj)
            if fields:
                add(obj, "update", fields)
    for obj in session.deleted:
        if type(obj) in AUDITED:
            add(obj, "delete", [])
        elif isinstance(obj, EngagementParticipant):
            touched_engagements.setdefault(obj.engagement_id, None)
    created = {r["entity_id"] for r in rows if r["entity"] == "engagement"}
    for eid in touched_engagements:
        if eid in created:
            continue
        e = session.get(Engagement, eid)
        if e is not None:
            add(e, "update", ["participant_ids"])
    if rows:
        session.connection().execute(insert(AuditEntry.__table__), rows)


def _fieldnames(obj) -> list[str]:
    return [k for k in type(obj).model_fields if k not in SKIP]


def install() -> None:
    """Listen to every session's flushes (once per process)."""
    global _installed
    if not _installed:
        event.listen(OrmSession, "after_flush", _after_flush)
        _installed = True


def record(
    session: Session,
    *,
    partnership_id: int | None,
    entity: str,
    action: str,
    entity_id: int | None = None,
    fields: Iterable[str] = (),
    detail: str = "",
) -> None:
    """Write one entry by hand, for writes that bypass the ORM (bulk imports, erasure)."""
    session.execute(
        insert(AuditEntry.__table__).values(
            at=utcnow(),
            partnership_id=partnership_id,
            entity=entity,
            entity_id=entity_id,
            action=action,
            fields=list(fields),
            detail=detail,
            **actor_of(session),
        )
    )


def page(
    *,
    session: Session,
    partnership_id: int,
    actor: str | None = None,
    entity: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[AuditEntry], int]:
    """A page of the partnership's trail, newest first."""
    conds = [AuditEntry.partnership_id == partnership_id]
    if actor:
        conds.append(AuditEntry.actor == actor.strip().lower())
    if entity:
        conds.append(AuditEntry.entity == entity)
    if action:
        conds.append(AuditEntry.action == action)
    if since:
        conds.append(AuditEntry.at >= since)
    if until:
        conds.append(AuditEntry.at < until)
    count = session.execute(select(func.count()).select_from(AuditEntry).where(*conds)).scalar_one()
    rows = session.execute(
        select(AuditEntry)
        .where(*conds)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
        .offset(offset)
    ).scalars()
    return rows.all(), int(count)
