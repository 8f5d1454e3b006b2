"""The native ``stakemap/v1`` document: validated whole, then upserted by external_id.

References (``organisation``, ``owner``, ``source``, ``target``, ``participants``) name
external_ids in the document or already in the partnership; ``"hub"`` names the hub. Every
problem is reported at once with its ``loc`` (a path into the document) and nothing is written.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select
from sqlmodel import Session

from app.enums import DIRECTED_BY_DEFAULT, Channel, Level, Sector, Seniority, TieKind
from app.errors import FieldProblem, Invalid
from app.importers.report import ImportReport, category
from app.schemas import (
    Email,
    ExternalId,
    Flag,
    Name,
    Notes,
    Score,
    Sentiment,
    ShortText,
    Tags,
)
from app.services import partnerships as partnership_service
from app.tables import Engagement, EngagementParticipant, Stakeholder, Tie, utcnow

HUB = "hub"


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NativeStakeholder(_Record):
    kind: Literal["hub", "organisation", "person", "group"]
    name: Name
    external_id: ExternalId | None = None
    organisation: ExternalId | None = None
    sector: Sector | None = None
    role: ShortText | None = None
    seniority: Seniority | None = None
    influence: Score | None = None
    interest: Score | None = None
    engagement: Level | None = None
    desired_engagement: Level | None = None
    owner: ExternalId | None = None
    email: Email | None = None
    notes: Notes = ""
    tags: Tags = Field(default_factory=list)
    contact_permitted: Flag = True


class NativeTie(_Record):
    source: ExternalId
    target: ExternalId
    kind: TieKind = TieKind.collaborates
    directed: Flag | None = None
    strength: Score = 3
    valid_from: date | None = None
    valid_to: date | None = None
    external_id: ExternalId | None = None
    notes: Notes = ""


class NativeEngagement(_Record):
    occurred_on: date
    channel: Channel
    participants: Annotated[list[ExternalId], Field(min_length=2, max_length=10_000)]
    summary: Notes = ""
    sentiment: Sentiment | None = None
    external_id: ExternalId | None = None


class NativePartnership(_Record):
    name: Name | None = None
    description: Notes | None = None
    half_life_days: Annotated[float, Field(gt=0, le=3650)] | None = None


class NativeDocument(_Record):
    format: Literal["stakemap/v1"]
    exported_on: date | None = None
    partnership: NativePartnership | None = None
    stakeholders: list[NativeStakeholder] = Field(default_factory=list)
    ties: list[NativeTie] = Field(default_factory=list)
    engagements: list[NativeEngagement] = Field(default_factory=list)


STAKEHOLDER_FIELDS = (
    "kind", "name", "sector", "role", "seniority", "influence", "interest", "engagement",
    "desired_engagement", "email", "notes", "tags", "contact_permitted",
)  # fmt: skip
TIE_FIELDS = ("kind", "directed", "strength", "valid_from", "valid_to", "notes")
ENGAGEMENT_FIELDS = ("occurred_on", "channel", "summary", "sentiment")


def parse(doc: object) -> NativeDocument:
    """Validate the document's shape; raise Invalid locating every problem."""
    try:
        return NativeDocument.model_validate(doc)
    except ValidationError as exc:
        raise Invalid(
            [FieldProblem(("body", *e["loc"]), e["msg"], e["type"]) for e in exc.errors()]
        ) from None


def _plain(value):
    return getattr(value, "value", value)


def import_native(
    *,
    session: Session,
    partnership_id: int,
    doc: object,
    dry_run: bool = False,
    shift_days: int = 0,
) -> ImportReport:
    """Upsert a native document into the partnership; all or nothing.

    ``shift_days`` moves every date (the demo uses it so its history ends today).
    """
    d = parse(doc)
    report = ImportReport()
    problems: list[FieldProblem] = []
    shift = timedelta(days=shift_days)

    hub_id = partnership_service.hub_id(session=session, partnership_id=partnership_id)
    existing = {
        s.external_id: s
        for s in session.execute(
            select(Stakeholder).where(
                Stakeholder.partnership_id == partnership_id, Stakeholder.external_id.is_not(None)
            )
        ).scalars()
    }
    hub = session.get(Stakeholder, hub_id)

    # Pass 1: the document's own stakeholders, and duplicates.
    doc_kind: dict[str, str] = {}
    doc_org: dict[str, str | None] = {}
    hub_records = []
    for i, s in enumerate(d.stakeholders):
        loc = ("body", "stakeholders", i)
        if s.kind == "hub":
            hub_records.append(i)
            if len(hub_records) > 1:
                problems.append(FieldProblem((*loc, "kind"), "only one hub record is allowed"))
            continue
        if s.external_id is None:
            problems.append(
                FieldProblem((*loc, "external_id"), "a stakeholder needs an external_id to import")
            )
            continue
        if s.external_id == HUB:
            problems.append(FieldProblem((*loc, "external_id"), '"hub" is reserved for the hub'))
            continue
        if s.external_id in doc_kind:
            problems.append(
                FieldProblem((*loc, "external_id"), f"duplicated external_id {s.external_id!r}")
            )
            continue
        doc_kind[s.external_id] = s.kind
        doc_org[s.external_id] = s.organisation

    def kind_of(ref: str) -> str | None:
        if ref == HUB:
            return "hub"
        if ref in doc_kind:
            return doc_kind[ref]
        if ref in existing:
            return existing[ref].kind
        return None

    def org_of(ref: str) -> str | None:
        if ref in doc_org:
            return doc_org[ref]
        s = existing.get(ref)
        if s is None or s.organisation_id is None:
            return None
        if s.organisation_id == hub_id:
            return HUB
        parent = session.get(Stakeholder, s.organisation_id)
        return parent.external_id if parent else None

    # Pass 2: references of stakeholders.
    for i, s in enumerate(d.stakeholders):
        loc = ("body", "stakeholders", i)
        if s.kind == "hub" or s.external_id is None:
            if s.kind == "hub" and (s.organisation or s.owner):
                problems.append(FieldProblem(loc, "the hub has no organisation or owner"))
            continue
        if s.organisation is not None:
            k = kind_of(s.organisation)
            if s.kind == "organisation":
                problems.append(
                    FieldProblem((*loc, "organisation"), "an organisation has no organisation")
                )
            elif k is None:
                problems.append(
                    FieldProblem((*loc, "organisation"), f"unknown stakeholder {s.organisation!r}")
                )
            elif k not in ("organisation", "group", "hub"):
                problems.append(
                    FieldProblem(
                        (*loc, "organisation"),
                        f"{s.organisation!r} is a {k}, not an organisation, group or the hub",
                    )
                )
            else:
                seen, cur = {s.external_id}, s.organisation
                while cur is not None and cur != HUB:
                    if cur in seen:
                        problems.append(FieldProblem((*loc, "organisation"), "membership cycle"))
                        break
                    seen.add(cur)
                    cur = org_of(cur)
        if s.owner is not None:
            k = kind_of(s.owner)
            if k is None:
                problems.append(FieldProblem((*loc, "owner"), f"unknown stakeholder {s.owner!r}"))
            elif k != "person" or org_of(s.owner) != HUB:
                problems.append(
                    FieldProblem((*loc, "owner"), f"owner {s.owner!r} is not a hub member")
                )

    tie_keys: set[str] = set()
    for i, t in enumerate(d.ties):
        loc = ("body", "ties", i)
        for end in ("source", "target"):
            ref = getattr(t, end)
            if kind_of(ref) is None:
                problems.append(FieldProblem((*loc, end), f"unknown stakeholder {ref!r}"))
        if t.source == t.target:
            problems.append(
                FieldProblem((*loc, "target"), "a tie joins two different stakeholders")
            )
        if t.valid_from and t.valid_to and t.valid_from > t.valid_to:
            problems.append(FieldProblem((*loc, "valid_to"), "valid_to is before valid_from"))
        if t.external_id is not None:
            if t.external_id in tie_keys:
                problems.append(
                    FieldProblem((*loc, "external_id"), f"duplicated external_id {t.external_id!r}")
                )
            tie_keys.add(t.external_id)

    eng_keys: set[str] = set()
    for i, e in enumerate(d.engagements):
        loc = ("body", "engagements", i)
        for j, ref in enumerate(e.participants):
            if kind_of(ref) is None:
                problems.append(
                    FieldProblem((*loc, "participants", j), f"unknown stakeholder {ref!r}")
                )
        if len(set(e.participants)) != len(e.participants):
            problems.append(
                FieldProblem((*loc, "participants"), "a participant is listed more than once")
            )
        if e.external_id is not None:
            if e.external_id in eng_keys:
                problems.append(
                    FieldProblem((*loc, "external_id"), f"duplicated external_id {e.external_id!r}")
                )
            eng_keys.add(e.external_id)

    if problems:
        raise Invalid(problems)

    # Writing starts here; the caller's transaction makes it all or nothing.
    partnership_service.bump(session=session, partnership_id=partnership_id)
    now = utcnow()
    ids: dict[str, int] = {HUB: hub_id}
    if hub_records:
        h = d.stakeholders[hub_records[0]]
        changed = hub.name != h.name or hub.notes != h.notes
        if changed:
            hub.name, hub.notes, hub.updated_at = h.name, h.notes, now
            session.add(hub)
    # New rows first (their ids are needed), then every reference, then the report.
    pending: list[tuple[Stakeholder, NativeStakeholder, bool, bool]] = []
    for s in d.stakeholders:
        if s.kind == "hub":
            continue
        values = {f: _plain(getattr(s, f)) for f in STAKEHOLDER_FIELDS}
        row = existing.get(s.external_id)
        if row is None:
            row = Stakeholder(partnership_id=partnership_id, external_id=s.external_id, **values)
            session.add(row)
            pending.append((row, s, True, True))
            continue
        changed = any(getattr(row, f) != v for f, v in values.items())
        if changed:
            for f, v in values.items():
                setattr(row, f, v)
            row.updated_at = now
            session.add(row)
        pending.append((row, s, False, changed))
    session.flush()
    ids.update({ext: row.id for ext, row in existing.items()})
    ids.update({s.external_id: row.id for row, s, _, _ in pending})
    for row, s, is_new, changed in pending:
        org = ids[s.organisation] if s.organisation else None
        owner = ids[s.owner] if s.owner else None
        if row.organisation_id != org or row.owner_id != owner:
            row.organisation_id, row.owner_id, row.updated_at = org, owner, now
            session.add(row)
            changed = True
        outcome = "created" if is_new else "updated" if changed else "unchanged"
        report.count(category(s.kind), outcome)
    session.flush()

    _upsert_ties(session, partnership_id, d.ties, ids, report, shift, now)
    _upsert_engagements(session, partnership_id, d.engagements, ids, report, shift, now)
    if dry_run:
        session.rollback()
    return report


def _upsert_ties(session, pid, ties, ids, report, shift, now) -> None:
    rows = session.execute(select(Tie).where(Tie.partnership_id == pid)).scalars().all()
    by_ext = {t.external_id: t for t in rows if t.external_id is not None}
    by_key = {(t.source_id, t.target_id, t.kind): t for t in rows if t.external_id is None}
    for t in ties:
        values = {f: _plain(getattr(t, f)) for f in TIE_FIELDS}
        if values["directed"] is None:
            values["directed"] = t.kind in DIRECTED_BY_DEFAULT
        for f in ("valid_from", "valid_to"):
            if values[f] is not None:
                values[f] = values[f] + shift
        values["source_id"], values["target_id"] = ids[t.source], ids[t.target]
        row = (
            by_ext.get(t.external_id)
            if t.external_id is not None
            else by_key.get((values["source_id"], values["target_id"], values["kind"]))
        )
        if row is None:
            row = Tie(partnership_id=pid, external_id=t.external_id, **values)
            session.add(row)
            if t.external_id is None:
                by_key[(row.source_id, row.target_id, row.kind)] = row
            report.count("ties", "created")
        elif any(getattr(row, f) != v for f, v in values.items()):
            for f, v in values.items():
                setattr(row, f, v)
            row.updated_at = now
            session.add(row)
            report.count("ties", "updated")
        else:
            report.count("ties", "unchanged")
    session.flush()


def _upsert_engagements(session, pid, engagements, ids, report, shift, now) -> None:
    rows = (
        session.execute(select(Engagement).where(Engagement.partnership_id == pid)).scalars().all()
    )
    parts: dict[int, set[int]] = {}
    for eid, sid in session.execute(
        select(EngagementParticipant.engagement_id, EngagementParticipant.stakeholder_id)
        .join(Engagement, Engagement.id == EngagementParticipant.engagement_id)
        .where(Engagement.partnership_id == pid)
    ):
        parts.setdefault(eid, set()).add(sid)
    by_ext = {e.external_id: e for e in rows if e.external_id is not None}
    by_key = {
        (e.occurred_on, e.channel, frozenset(parts.get(e.id, ())), e.summary): e
        for e in rows
        if e.external_id is None
    }
    new_parts: list[tuple[Engagement, list[int]]] = []
    for e in engagements:
        values = {f: _plain(getattr(e, f)) for f in ENGAGEMENT_FIELDS}
        values["occurred_on"] = values["occurred_on"] + shift
        pids = [ids[p] for p in e.participants]
        key = (values["occurred_on"], values["channel"], frozenset(pids), values["summary"])
        row = by_ext.get(e.external_id) if e.external_id is not None else by_key.get(key)
        if row is None:
            row = Engagement(partnership_id=pid, external_id=e.external_id, **values)
            session.add(row)
            new_parts.append((row, pids))
            if e.external_id is None:
                by_key[key] = row
            report.count("engagements", "created")
            continue
        changed = any(getattr(row, f) != v for f, v in values.items())
        if changed:
            for f, v in values.items():
                setattr(row, f, v)
        if parts.get(row.id, set()) != set(pids):
            new_parts.append((row, pids))
            changed = True
        if changed:
            row.updated_at = now
            session.add(row)
            report.count("engagements", "updated")
        else:
            report.count("engagements", "unchanged")
    session.flush()
    for row, _ in new_parts:
        if row.id in parts:
            session.execute(
                EngagementParticipant.__table__.delete().where(
                    EngagementParticipant.engagement_id == row.id
                )
            )
    if new_parts:
        session.execute(
            EngagementParticipant.__table__.insert(),
            [
                {"engagement_id": row.id, "stakeholder_id": s}
                for row, pids in new_parts
                for s in pids
            ],
        )
    session.flush()
