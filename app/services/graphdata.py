"""Load a partnership's records for analysis: plain ``graph.model`` records, no ORM objects."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from app.tables import Engagement, EngagementParticipant, Partnership, Stakeholder, Tie
from graph.model import Engagement as EngagementRec
from graph.model import Node
from graph.model import Tie as TieRec


@dataclass
class Records:
    """Everything the analysis needs about one partnership."""

    partnership_id: int
    revision: int
    half_life: float
    hub_id: int
    nodes: list[Node]
    ties: list[TieRec]
    engagements: list[EngagementRec]


def load(*, session: Session, partnership: Partnership) -> Records:
    """Read stakeholders, ties and engagements as plain records (effective sectors resolved)."""
    pid = partnership.id
    srows = session.execute(
        select(
            Stakeholder.id,
            Stakeholder.kind,
            Stakeholder.name,
            Stakeholder.organisation_id,
            Stakeholder.sector,
            Stakeholder.role,
            Stakeholder.seniority,
            Stakeholder.influence,
            Stakeholder.interest,
            Stakeholder.engagement,
            Stakeholder.desired_engagement,
            Stakeholder.owner_id,
        )
        .where(Stakeholder.partnership_id == pid)
        .order_by(Stakeholder.id)
    ).all()
    parent = {r.id: r.organisation_id for r in srows}
    own_sector = {r.id: r.sector for r in srows}

    def sector_of(sid: int) -> str | None:
        seen = set()
        cur: int | None = sid
        while cur is not None and cur not in seen:
            seen.add(cur)
            if own_sector.get(cur) is not None:
                return own_sector[cur]
            cur = parent.get(cur)
        return None

    hub_id = next(r.id for r in srows if r.kind == "hub")
    nodes = [
        Node(
            id=r.id,
            kind=r.kind,
            name=r.name,
            organisation_id=r.organisation_id,
            sector=sector_of(r.id),
            role=r.role,
            seniority=r.seniority,
            influence=r.influence,
            interest=r.interest,
            engagement=r.engagement,
            desired_engagement=r.desired_engagement,
            owner_id=r.owner_id,
        )
        for r in srows
    ]
    ties = [
        TieRec(
            id=r.id,
            source_id=r.source_id,
            target_id=r.target_id,
            kind=r.kind,
            directed=bool(r.directed),
            strength=r.strength,
            valid_from=r.valid_from,
            valid_to=r.valid_to,
        )
        for r in session.execute(
            select(
                Tie.id,
                Tie.source_id,
                Tie.target_id,
                Tie.kind,
                Tie.directed,
                Tie.strength,
                Tie.valid_from,
                Tie.valid_to,
            )
            .where(Tie.partnership_id == pid)
            .order_by(Tie.id)
        )
    ]
    parts: dict[int, list[int]] = defaultdict(list)
    for eid, sid in session.execute(
        select(EngagementParticipant.engagement_id, EngagementParticipant.stakeholder_id)
        .join(Engagement, Engagement.id == EngagementParticipant.engagement_id)
        .where(Engagement.partnership_id == pid)
        .order_by(EngagementParticipant.engagement_id, EngagementParticipant.stakeholder_id)
    ):
        parts[eid].append(sid)
    engagements = [
        EngagementRec(
            id=r.id,
            occurred_on=r.occurred_on,
            channel=r.channel,
            participant_ids=tuple(parts.get(r.id, ())),
            sentiment=r.sentiment,
        )
        for r in session.execute(
            select(Engagement.id, Engagement.occurred_on, Engagement.channel, Engagement.sentiment)
            .where(Engagement.partnership_id == pid)
            .order_by(Engagement.id)
        )
    ]
    return Records(
        partnership_id=pid,
        revision=partnership.revision,
        half_life=partnership.half_life_days,
        hub_id=hub_id,
        nodes=nodes,
        ties=ties,
        engagements=engagements,
    )


def today() -> date:
    return date.today()
