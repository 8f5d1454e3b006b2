"""One partnership's rows for an export: every stored field, read once as plain tuples."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from app.tables import Engagement, EngagementParticipant, Partnership, Stakeholder, Tie

ST, TT, ET, PT = (
    Stakeholder.__table__,
    Tie.__table__,
    Engagement.__table__,
    EngagementParticipant.__table__,
)

STAKEHOLDER_COLUMNS = (
    "id", "kind", "name", "external_id", "organisation_id", "sector", "role", "seniority",
    "influence", "interest", "engagement", "desired_engagement", "owner_id", "email", "notes",
    "tags", "contact_permitted",
)  # fmt: skip
TIE_COLUMNS = (
    "id", "source_id", "target_id", "kind", "directed", "strength", "valid_from", "valid_to",
    "external_id", "notes",
)  # fmt: skip
ENGAGEMENT_COLUMNS = ("id", "occurred_on", "channel", "summary", "sentiment", "external_id")


@dataclass
class Snapshot:
    """Everything an export writes about one partnership."""

    partnership: Partnership
    hub_id: int
    stakeholders: list  # rows with STAKEHOLDER_COLUMNS, by id
    ties: list  # rows with TIE_COLUMNS, by id
    engagements: list  # rows with ENGAGEMENT_COLUMNS, by date then id
    participants: dict[int, list[int]]  # engagement id → stakeholder ids, ascending

    @property
    def by_id(self) -> dict:
        return {s.id: s for s in self.stakeholders}

    def effective_sectors(self) -> dict[int, str | None]:
        """Each stakeholder's sector: its own, else the nearest container's up its chain."""
        rows = self.by_id
        out: dict[int, str | None] = {}
        for s in self.stakeholders:
            seen: set[int] = set()
            cur, sector = s, s.sector
            while sector is None and cur.organisation_id is not None and cur.id not in seen:
                seen.add(cur.id)
                cur = rows.get(cur.organisation_id)
                if cur is None:
                    break
                sector = cur.sector
            out[s.id] = sector
        return out

    def email_of(self, s) -> str | None:
        """The email to export: none for people whose contact is not permitted."""
        return s.email if s.contact_permitted else None


def load(*, session: Session, partnership: Partnership) -> Snapshot:
    """Read a partnership's stakeholders, ties, engagements and participants."""
    pid = partnership.id

    def rows(table, columns, *order):
        stmt = select(*(table.c[c] for c in columns)).where(table.c.partnership_id == pid)
        return session.execute(stmt.order_by(*order)).all()

    stakeholders = rows(ST, STAKEHOLDER_COLUMNS, ST.c.id)
    ties = rows(TT, TIE_COLUMNS, TT.c.id)
    engagements = rows(ET, ENGAGEMENT_COLUMNS, ET.c.occurred_on, ET.c.id)
    participants: dict[int, list[int]] = defaultdict(list)
    for eid, sid in session.execute(
        select(PT.c.engagement_id, PT.c.stakeholder_id)
        .join(ET, ET.c.id == PT.c.engagement_id)
        .where(ET.c.partnership_id == pid)
        .order_by(PT.c.engagement_id, PT.c.stakeholder_id)
    ):
        participants[eid].append(sid)
    hub_id = next(s.id for s in stakeholders if s.kind == "hub")
    return Snapshot(partnership, hub_id, stakeholders, ties, engagements, dict(participants))


def today() -> date:
    return date.today()
