"""SQLModel tables. Request and response bodies live in ``app.schemas``: tables do not validate."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    DDL,
    JSON,
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlmodel import Field, SQLModel

from app.enums import Channel, Kind, Level, Role, Sector, Seniority, TieKind, check_in


def utcnow() -> datetime:
    """The current time, in UTC."""
    return datetime.now(UTC)


def _fk(target: str, *, ondelete: str, nullable: bool = False, index: bool = True) -> Column:
    return Column(Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index)


class Partnership(SQLModel, table=True):
    __tablename__ = "partnership"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    description: str = Field(default="", max_length=10_000)
    revision: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
    half_life_days: float = Field(default=180.0)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    __table_args__ = (
        CheckConstraint("length(name) BETWEEN 1 AND 200", name="ck_partnership_name"),
        CheckConstraint("half_life_days > 0", name="ck_partnership_half_life"),
    )


class Stakeholder(SQLModel, table=True):
    __tablename__ = "stakeholder"

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(sa_column=_fk("partnership.id", ondelete="CASCADE"))
    kind: str = Field(max_length=20)
    name: str = Field(max_length=200)
    external_id: str | None = Field(default=None, max_length=200)
    organisation_id: int | None = Field(
        default=None, sa_column=_fk("stakeholder.id", ondelete="SET NULL", nullable=True)
    )
    sector: str | None = Field(default=None, max_length=40)
    role: str | None = Field(default=None, max_length=200)
    seniority: str | None = Field(default=None, max_length=20)
    influence: int | None = None
    interest: int | None = None
    engagement: str | None = Field(default=None, max_length=20)
    desired_engagement: str | None = Field(default=None, max_length=20)
    owner_id: int | None = Field(
        default=None, sa_column=_fk("stakeholder.id", ondelete="SET NULL", nullable=True)
    )
    email: str | None = Field(default=None, max_length=320)
    notes: str = Field(default="", max_length=10_000)
    tags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    contact_permitted: bool = True
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    __table_args__ = (
        UniqueConstraint("partnership_id", "external_id", name="uq_stakeholder_external_id"),
        # One hub per partnership: a partial unique index, which SQLite and PostgreSQL both have.
        Index(
            "uq_stakeholder_one_hub",
            "partnership_id",
            unique=True,
            sqlite_where=text("kind = 'hub'"),
            postgresql_where=text("kind = 'hub'"),
        ),
        Index("ix_stakeholder_partnership_kind", "partnership_id", "kind"),
        CheckConstraint(check_in("kind", Kind), name="ck_stakeholder_kind"),
        CheckConstraint(f"sector IS NULL OR {check_in('sector', Sector)}", name="ck_sector"),
        CheckConstraint(
            f"seniority IS NULL OR {check_in('seniority', Seniority)}", name="ck_seniority"
        ),
        CheckConstraint(
            f"engagement IS NULL OR {check_in('engagement', Level)}", name="ck_engagement"
        ),
        CheckConstraint(
            f"desired_engagement IS NULL OR {check_in('desired_engagement', Level)}",
            name="ck_desired_engagement",
        ),
        CheckConstraint("influence IS NULL OR influence BETWEEN 1 AND 5", name="ck_influence"),
        CheckConstraint("interest IS NULL OR interest BETWEEN 1 AND 5", name="ck_interest"),
        CheckConstraint("length(name) BETWEEN 1 AND 200", name="ck_stakeholder_name"),
        CheckConstraint("organisation_id IS NULL OR organisation_id <> id", name="ck_org_not_self"),
        CheckConstraint(
            "kind IN ('person', 'group') OR organisation_id IS NULL", name="ck_org_only_members"
        ),
    )


class Tie(SQLModel, table=True):
    __tablename__ = "tie"

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(sa_column=_fk("partnership.id", ondelete="CASCADE"))
    source_id: int = Field(sa_column=_fk("stakeholder.id", ondelete="CASCADE"))
    target_id: int = Field(sa_column=_fk("stakeholder.id", ondelete="CASCADE"))
    kind: str = Field(default="collaborates", max_length=20)
    directed: bool = False
    strength: int = 3
    valid_from: date | None = None
    valid_to: date | None = None
    external_id: str | None = Field(default=None, max_length=200)
    notes: str = Field(default="", max_length=10_000)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    __table_args__ = (
        UniqueConstraint("partnership_id", "external_id", name="uq_tie_external_id"),
        CheckConstraint("source_id <> target_id", name="ck_tie_not_self"),
        CheckConstraint("strength BETWEEN 1 AND 5", name="ck_tie_strength"),
        CheckConstraint(check_in("kind", TieKind), name="ck_tie_kind"),
        CheckConstraint(
            "valid_from IS NULL OR valid_to IS NULL OR valid_from <= valid_to",
            name="ck_tie_validity",
        ),
    )


class Engagement(SQLModel, table=True):
    __tablename__ = "engagement"

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(sa_column=_fk("partnership.id", ondelete="CASCADE"))
    occurred_on: date = Field(index=True)
    channel: str = Field(max_length=20)
    summary: str = Field(default="", max_length=10_000)
    sentiment: int | None = None
    external_id: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    __table_args__ = (
        UniqueConstraint("partnership_id", "external_id", name="uq_engagement_external_id"),
        CheckConstraint(check_in("channel", Channel), name="ck_engagement_channel"),
        CheckConstraint("sentiment IS NULL OR sentiment BETWEEN -2 AND 2", name="ck_sentiment"),
    )


class EngagementParticipant(SQLModel, table=True):
    __tablename__ = "engagement_participant"

    engagement_id: int = Field(
        sa_column=Column(Integer, ForeignKey("engagement.id", ondelete="CASCADE"), primary_key=True)
    )
    stakeholder_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("stakeholder.id", ondelete="CASCADE"), primary_key=True, index=True
        )
    )


class User(SQLModel, table=True):
    __tablename__ = "user_account"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=320, sa_column_kwargs={"unique": True})
    name: str = Field(default="", max_length=200)
    password_hash: str | None = Field(default=None, max_length=500)
    is_admin: bool = False
    is_active: bool = True
    created_at: datetime = Field(default_factory=utcnow)


class Membership(SQLModel, table=True):
    __tablename__ = "membership"

    partnership_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("partnership.id", ondelete="CASCADE"), primary_key=True
        )
    )
    user_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("user_account.id", ondelete="CASCADE"),
            primary_key=True,
            index=True,
        )
    )
    role: str = Field(default="viewer", max_length=20)
    created_at: datetime = Field(default_factory=utcnow)

    __table_args__ = (CheckConstraint(check_in("role", Role), name="ck_membership_role"),)


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=_fk("user_account.id", ondelete="CASCADE"))
    name: str = Field(default="", max_length=200)
    token_hash: str = Field(max_length=128, sa_column_kwargs={"unique": True})
    prefix: str = Field(max_length=20)
    read_only: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None


class LoginLink(SQLModel, table=True):
    """A one-time sign-in link, stored hashed."""

    __tablename__ = "login_link"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=_fk("user_account.id", ondelete="CASCADE"))
    token_hash: str = Field(max_length=128, sa_column_kwargs={"unique": True})
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = None


class AnalysisResult(SQLModel, table=True):
    """A computed analysis, kept per (partnership, revision, as_of, parameters) for every worker."""

    __tablename__ = "analysis_result"

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(sa_column=_fk("partnership.id", ondelete="CASCADE"))
    revision: int = Field(sa_column=Column(BigInteger, nullable=False))
    key: str = Field(max_length=128, description="Hash of section, as_of and parameters.")
    section: str = Field(max_length=40)
    as_of: date
    result: str = Field(sa_column=Column(Text, nullable=False), description="The JSON text.")
    seconds: float = 0.0
    created_at: datetime = Field(default_factory=utcnow)

    __table_args__ = (
        UniqueConstraint("partnership_id", "revision", "key", name="uq_analysis_result_key"),
    )


class AnalysisJob(SQLModel, table=True):
    """One computation of an analysis, claimed by one process for every worker and replica.

    The unique key makes the INSERT that claims a job the single point of decision; ``attempt``
    is the fencing token: every claim and re-claim adds one, and the claimant's updates only
    land while it still holds that attempt.
    """

    __tablename__ = "analysis_job"

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(sa_column=_fk("partnership.id", ondelete="CASCADE"))
    revision: int = Field(sa_column=Column(BigInteger, nullable=False))
    key: str = Field(max_length=128, description="Hash of what is computed, as_of, parameters.")
    section: str = Field(max_length=40)
    as_of: date
    status: str = Field(default="running", max_length=20)
    progress: float = 0.0
    phase: str = Field(default="queued", max_length=40)
    attempt: int = 1
    failures: int = 0
    claimed_by: str = Field(default="", max_length=200, description="host:pid of the claimant.")
    started_at: datetime = Field(default_factory=utcnow)
    heartbeat_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None
    error: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))

    __table_args__ = (
        UniqueConstraint("partnership_id", "revision", "key", name="uq_analysis_job_key"),
        CheckConstraint(
            "status IN ('running', 'done', 'failed', 'invalid')", name="ck_analysis_job_status"
        ),
        CheckConstraint("progress >= 0 AND progress <= 1", name="ck_analysis_job_progress"),
    )


class WebSession(SQLModel, table=True):
    """A signed-in browser; the cookie holds a random secret, the table only its hash."""

    __tablename__ = "web_session"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=_fk("user_account.id", ondelete="CASCADE"))
    token_hash: str = Field(max_length=128, sa_column_kwargs={"unique": True})
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    last_seen_at: datetime = Field(default_factory=utcnow)
    ended_at: datetime | None = None


class AuditEntry(SQLModel, table=True):
    """Who changed what, when: entity, action and the *names* of changed fields, never values.

    Append-only: database triggers refuse UPDATE and DELETE. There is deliberately no foreign key,
    so the trail outlives the partnership, user or record it describes.
    """

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    partnership_id: int | None = Field(default=None, index=True)
    actor_user_id: int | None = None
    actor: str = Field(default="system", max_length=320)
    token_id: int | None = None
    entity: str = Field(max_length=40)
    entity_id: int | None = None
    action: str = Field(max_length=20)
    fields: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    detail: str = Field(default="", max_length=2000)


APPEND_ONLY_SQLITE = [
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
]
APPEND_ONLY_POSTGRESQL = [
    "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'audit_log is append-only'; END; $$ LANGUAGE plpgsql",
    "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
]
for _sql in APPEND_ONLY_SQLITE:
    event.listen(AuditEntry.__table__, "after_create", DDL(_sql).execute_if(dialect="sqlite"))
for _sql in APPEND_ONLY_POSTGRESQL:
    event.listen(AuditEntry.__table__, "after_create", DDL(_sql).execute_if(dialect="postgresql"))


class LoginAttempt(SQLModel, table=True):
    """A failed sign-in, kept briefly to rate-limit guessing per account and per address."""

    __tablename__ = "login_attempt"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=400, index=True, description="account:<email> or addr:<ip>")
    at: datetime = Field(default_factory=utcnow, index=True)
