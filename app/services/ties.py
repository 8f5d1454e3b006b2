"""Ties: declared relationships between two stakeholders of one partnership."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlmodel import Session

from app.enums import DIRECTED_BY_DEFAULT, TieKind
from app.errors import Conflict, FieldProblem, Invalid, NotFound
from app.schemas import TieCreate, TieUpdate
from app.services import partnerships as partnership_service
from app.tables import Stakeholder, Tie, utcnow

__all__ = ["get", "page", "create", "update", "delete"]


def get(*, session: Session, partnership_id: int, tie_id: int) -> Tie:
    t = session.get(Tie, tie_id)
    if t is None or t.partnership_id != partnership_id:
        raise NotFound(f"Tie {tie_id} not found")
    return t


def page(
    *,
    session: Session,
    partnership_id: int,
    stakeholder_id: int | None = None,
    kind: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[Tie], int]:
    """A page of ties (optionally those touching one stakeholder, or of one kind)."""
    conds = [Tie.partnership_id == partnership_id]
    if stakeholder_id is not None:
        conds.append(or_(Tie.source_id == stakeholder_id, Tie.target_id == stakeholder_id))
    if kind:
        conds.append(Tie.kind == kind)
    count = session.execute(select(func.count()).select_from(Tie).where(*conds)).scalar_one()
    rows = session.execute(
        select(Tie).where(*conds).order_by(Tie.id).limit(limit).offset(offset)
    ).scalars()
    return rows.all(), int(count)


def _check(session: Session, t: Tie) -> None:
    problems = []
    for field in ("source_id", "target_id"):
        sid = getattr(t, field)
        s = session.get(Stakeholder, sid)
        if s is None or s.partnership_id != t.partnership_id:
            problems.append(
                FieldProblem(("body", field), f"no stakeholder {sid} in this partnership")
            )
    if t.source_id == t.target_id:
        problems.append(
            FieldProblem(("body", "target_id"), "a tie joins two different stakeholders")
        )
    if t.valid_from and t.valid_to and t.valid_from > t.valid_to:
        problems.append(FieldProblem(("body", "valid_to"), "valid_to is before valid_from"))
    if t.external_id is not None:
        other = session.execute(
            select(Tie.id).where(
                Tie.partnership_id == t.partnership_id, Tie.external_id == t.external_id
            )
        ).scalar_one_or_none()
        if other is not None and other != t.id:
            raise Conflict.field(
                ("body", "external_id"),
                f"external_id {t.external_id!r} is already used by tie {other}",
                "conflict",
            )
    if problems:
        raise Invalid(problems)


def create(*, session: Session, partnership_id: int, data: TieCreate) -> Tie:
    """Declare a tie; ``directed`` defaults by kind (SPEC §2)."""
    partnership_service.bump(session=session, partnership_id=partnership_id)
    fields = data.model_dump(exclude_none=True)
    kind = TieKind(fields.get("kind", TieKind.collaborates))
    fields["kind"] = kind.value
    fields.setdefault("directed", kind in DIRECTED_BY_DEFAULT)
    t = Tie(partnership_id=partnership_id, **fields)
    _check(session, t)
    session.add(t)
    session.flush()
    return t


def update(*, session: Session, tie: Tie, data: TieUpdate) -> Tie:
    """Apply a partial update after checking the resulting tie."""
    fields = data.model_dump(exclude_unset=True)
    for key in ("source_id", "target_id", "kind", "directed", "strength"):
        if key in fields and fields[key] is None:
            raise Invalid.field(("body", key), f"{key} cannot be null")
    if "notes" in fields and fields["notes"] is None:
        fields["notes"] = ""
    partnership_service.bump(session=session, partnership_id=tie.partnership_id)
    with session.no_autoflush:
        for key, value in fields.items():
            setattr(tie, key, value.value if isinstance(value, TieKind) else value)
        tie.updated_at = utcnow()
        _check(session, tie)
    session.add(tie)
    session.flush()
    return tie


def delete(*, session: Session, tie: Tie) -> None:
    partnership_service.bump(session=session, partnership_id=tie.partnership_id)
    session.delete(tie)
    session.flush()
