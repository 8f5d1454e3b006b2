"""Request and response bodies. Constraints live here; requests reject unknown fields."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator
from pydantic.types import Strict

from app.enums import Channel, Level, Sector, Seniority, TieKind

# Ids are INTEGER columns: 32-bit on PostgreSQL, which fails (a 500) on a larger bound value.
MAX_ID = 2**31 - 1

Id = Annotated[int, Strict(), Field(ge=1, le=MAX_ID)]
# PostgreSQL cannot store NUL (U+0000) in text (a 500), so no text accepts it, on SQLite either.
NO_NUL = r"^[^\x00]*$"
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=NO_NUL)
]
ShortText = Annotated[str, StringConstraints(max_length=200, pattern=NO_NUL)]
Notes = Annotated[str, StringConstraints(max_length=10_000, pattern=NO_NUL)]
Tag = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50, pattern=NO_NUL)
]
Tags = Annotated[list[Tag], Field(max_length=50)]
ExternalId = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=NO_NUL)
]
Score = Annotated[int, Strict(), Field(ge=1, le=5)]
Sentiment = Annotated[int, Strict(), Field(ge=-2, le=2)]
Flag = Annotated[bool, Strict()]
Email = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, max_length=320, pattern=r"^[^@\s\x00]+@[^@\s\x00]+\.[^@\s\x00]+$"
    ),
]
HalfLife = Annotated[float, Strict(), Field(gt=0, le=3650)]
MemberKind = Literal["organisation", "person", "group"]


class RequestModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """A page of a list: ``data`` and the total ``count`` before paging."""

    data: list[T]
    count: int


# -- partnerships ---------------------------------------------------------------------------


class PartnershipCreate(RequestModel):
    name: Name
    description: Notes = ""
    half_life_days: HalfLife = 180.0
    hub_name: Name | None = Field(
        default=None, description="Name of the hub; defaults to the partnership's name."
    )


class PartnershipUpdate(RequestModel):
    name: Name | None = None
    description: Notes | None = None
    half_life_days: HalfLife | None = None


class PartnershipPublic(BaseModel):
    id: int
    name: str
    description: str
    revision: int
    hub_id: int
    half_life_days: float
    role: str | None = Field(None, description="The caller's role here; null for site admins.")
    created_at: datetime
    updated_at: datetime


# -- stakeholders ---------------------------------------------------------------------------


class _StakeholderFields(RequestModel):
    external_id: ExternalId | None = None
    organisation_id: Id | None = None
    sector: Sector | None = None
    role: ShortText | None = None
    seniority: Seniority | None = None
    influence: Score | None = None
    interest: Score | None = None
    engagement: Level | None = None
    desired_engagement: Level | None = None
    owner_id: Id | None = None
    email: Email | None = None
    notes: Notes | None = None
    tags: Tags | None = None
    contact_permitted: Flag | None = None


class StakeholderCreate(_StakeholderFields):
    kind: MemberKind
    name: Name


class StakeholderUpdate(_StakeholderFields):
    kind: Literal["hub", "organisation", "person", "group"] | None = None
    name: Name | None = None


class StakeholderPublic(BaseModel):
    id: int
    partnership_id: int
    kind: str
    name: str
    external_id: str | None
    organisation_id: int | None
    sector: str | None
    effective_sector: str | None = Field(
        None, description="The sector used in analysis: its own, else its organisation's."
    )
    role: str | None
    seniority: str | None
    influence: int | None
    interest: int | None
    engagement: str | None
    desired_engagement: str | None
    owner_id: int | None
    email: str | None
    notes: str
    tags: list[str]
    contact_permitted: bool
    created_at: datetime
    updated_at: datetime


# -- ties -----------------------------------------------------------------------------------


class _TieFields(RequestModel):
    kind: TieKind | None = None
    directed: Flag | None = Field(
        None, description="Defaults to true for reports_to, funds and commissions."
    )
    strength: Score | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    external_id: ExternalId | None = None
    notes: Notes | None = None


class TieCreate(_TieFields):
    source_id: Id
    target_id: Id


class TieUpdate(_TieFields):
    source_id: Id | None = None
    target_id: Id | None = None


class TiePublic(BaseModel):
    id: int
    partnership_id: int
    source_id: int
    target_id: int
    kind: str
    directed: bool
    strength: int
    valid_from: date | None
    valid_to: date | None
    external_id: str | None
    notes: str
    created_at: datetime
    updated_at: datetime


# -- engagements ----------------------------------------------------------------------------

Participants = Annotated[list[Id], Field(min_length=2, max_length=10_000)]


class _EngagementFields(RequestModel):
    summary: Notes | None = None
    sentiment: Sentiment | None = None
    external_id: ExternalId | None = None

    @field_validator("participant_ids", mode="after", check_fields=False)
    @classmethod
    def _distinct_participants(cls, ids):
        if ids is not None and len(set(ids)) != len(ids):
            raise ValueError("participant_ids lists a stakeholder more than once")
        return ids


class EngagementCreate(_EngagementFields):
    occurred_on: date
    channel: Channel
    participant_ids: Participants


class EngagementUpdate(_EngagementFields):
    occurred_on: date | None = None
    channel: Channel | None = None
    participant_ids: Participants | None = None


class EngagementPublic(BaseModel):
    id: int
    partnership_id: int
    occurred_on: date
    channel: str
    participant_ids: list[int]
    summary: str
    sentiment: int | None
    external_id: str | None
    created_at: datetime
    updated_at: datetime


# -- users and tokens -----------------------------------------------------------------------


class UserPublic(BaseModel):
    id: int
    email: str
    name: str
    is_admin: bool


class TokenCreated(BaseModel):
    id: int
    token: str = Field(description="Shown once; only its hash is stored.")
    name: str
    read_only: bool
    expires_at: datetime | None
