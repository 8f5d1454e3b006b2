"""What the database itself enforces, below the services (both databases).

Rows go in through SQLAlchemy core, so no service or schema check stands in front.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.exc import DataError, IntegrityError
from sqlmodel import SQLModel

from app.db import make_engine
from app.tables import (
    AnalysisResult,
    ApiToken,
    Engagement,
    EngagementParticipant,
    LoginLink,
    Membership,
    Partnership,
    Stakeholder,
    Tie,
    User,
    WebSession,
    utcnow,
)

P, S, T, E, EP = (
    Partnership.__table__,
    Stakeholder.__table__,
    Tie.__table__,
    Engagement.__table__,
    EngagementParticipant.__table__,
)


def add(conn, table, **values) -> int | None:
    """Insert one row; return its id (when the table has one)."""
    stmt = insert(table).values(**values)
    if "id" in table.c:
        return conn.execute(stmt.returning(table.c.id)).scalar_one()
    conn.execute(stmt)
    return None


def partnership(conn, name: str = "P") -> int:
    now = utcnow()
    return add(
        conn, P, name=name, description="", revision=0, half_life_days=180.0,
        created_at=now, updated_at=now,
    )  # fmt: skip


def stakeholder(conn, pid: int, kind: str = "person", **values) -> int:
    now = utcnow()
    fields = {
        "partnership_id": pid, "kind": kind, "name": values.pop("name", kind.title()),
        "notes": "", "tags": [], "contact_permitted": True, "created_at": now, "updated_at": now,
    }  # fmt: skip
    return add(conn, S, **fields, **values)


def tie(conn, pid: int, source: int, target: int, **values) -> int:
    now = utcnow()
    fields = {
        "partnership_id": pid, "source_id": source, "target_id": target,
        "kind": "collaborates", "directed": False, "strength": 3, "notes": "",
        "created_at": now, "updated_at": now,
    }  # fmt: skip
    return add(conn, T, **{**fields, **values})


def engagement(conn, pid: int, participants: list[int], **values) -> int:
    now = utcnow()
    fields = {
        "partnership_id": pid, "occurred_on": date(2026, 1, 5), "channel": "meeting",
        "summary": "", "created_at": now, "updated_at": now,
    }  # fmt: skip
    eid = add(conn, E, **{**fields, **values})
    for sid in participants:
        add(conn, EP, engagement_id=eid, stakeholder_id=sid)
    return eid


def user(conn, email: str) -> int:
    return add(
        conn, User.__table__, email=email, name="", is_admin=False, is_active=True,
        created_at=utcnow(),
    )  # fmt: skip


@pytest.fixture
def base(db_engine) -> dict:
    """Two partnerships, each with its hub and two people."""
    ids = {}
    with db_engine.begin() as conn:
        for key in ("a", "b"):
            pid = partnership(conn, key.upper())
            ids[key] = pid
            ids[f"{key}_hub"] = stakeholder(conn, pid, "hub")
            ids[f"{key}_x"] = stakeholder(conn, pid, name="X")
            ids[f"{key}_y"] = stakeholder(conn, pid, name="Y")
    return ids


def refused(engine, build, constraint: str) -> None:
    """``build(conn)`` must break ``constraint`` (a regex), and leave nothing behind."""
    before = counts(engine)
    with pytest.raises((IntegrityError, DataError)) as refusal, engine.begin() as conn:
        build(conn)
    assert re.search(constraint, str(refusal.value.orig)), refusal.value.orig
    assert counts(engine) == before


def counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in SQLModel.metadata.sorted_tables
        }


# -- SQLite connections -----------------------------------------------------------------------


def test_every_sqlite_connection_enforces_foreign_keys_and_uses_wal(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'pragmas.db'}", busy_timeout_ms=7_500)
    try:
        # Two connections at once, so that both come from a fresh connect.
        with engine.connect() as one, engine.connect() as two:
            for conn in (one, two):
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
                assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 7_500
    finally:
        engine.dispose()


def test_the_default_busy_timeout(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'default.db'}")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
    finally:
        engine.dispose()


# -- constraints ------------------------------------------------------------------------------


def test_external_ids_are_unique_within_a_partnership(db_engine, base):
    with db_engine.begin() as conn:
        stakeholder(conn, base["a"], external_id="crm-1")
        stakeholder(conn, base["b"], external_id="crm-1")  # another partnership: fine
        for _ in range(3):
            stakeholder(conn, base["a"])  # many without one: fine
    refused(
        db_engine,
        lambda conn: stakeholder(conn, base["a"], external_id="crm-1"),
        "uq_stakeholder_external_id|stakeholder.partnership_id, stakeholder.external_id",
    )
    with db_engine.connect() as conn:
        rows = conn.execute(
            select(S.c.partnership_id, func.count())
            .where(S.c.external_id == "crm-1")
            .group_by(S.c.partnership_id)
            .order_by(S.c.partnership_id)
        ).all()
        assert [tuple(r) for r in rows] == [(base["a"], 1), (base["b"], 1)]
        nulls = conn.execute(
            select(func.count()).where(S.c.partnership_id == base["a"], S.c.external_id.is_(None))
        ).scalar_one()
        assert nulls == 6  # hub, X, Y and three more


def test_tie_and_engagement_external_ids_are_unique_within_a_partnership(db_engine, base):
    with db_engine.begin() as conn:
        tie(conn, base["a"], base["a_x"], base["a_y"], external_id="t-1")
        tie(conn, base["b"], base["b_x"], base["b_y"], external_id="t-1")
        tie(conn, base["a"], base["a_y"], base["a_x"])
        tie(conn, base["a"], base["a_y"], base["a_hub"])
        engagement(conn, base["a"], [base["a_x"], base["a_y"]], external_id="e-1")
        engagement(conn, base["b"], [base["b_x"], base["b_y"]], external_id="e-1")
    refused(
        db_engine,
        lambda conn: tie(conn, base["a"], base["a_hub"], base["a_x"], external_id="t-1"),
        "uq_tie_external_id|tie.partnership_id, tie.external_id",
    )
    refused(
        db_engine,
        lambda conn: engagement(conn, base["a"], [base["a_x"], base["a_hub"]], external_id="e-1"),
        "uq_engagement_external_id|engagement.partnership_id, engagement.external_id",
    )


def test_one_hub_per_partnership(db_engine, base):
    one_hub = "uq_stakeholder_one_hub|UNIQUE constraint failed: stakeholder.partnership_id$"
    refused(db_engine, lambda conn: stakeholder(conn, base["a"], "hub", name="Second hub"), one_hub)
    refused(
        db_engine,
        lambda conn: conn.execute(S.update().where(S.c.id == base["a_x"]).values(kind="hub")),
        one_hub,
    )
    with db_engine.begin() as conn:  # one in each partnership is fine
        assert conn.execute(select(func.count()).where(S.c.kind == "hub")).scalar_one() == 2


FK = "FOREIGN KEY constraint failed|violates foreign key constraint"
NOWHERE = 2**31 - 1  # no row has this id


def bad_tie(**values):
    return lambda conn, ids: tie(conn, ids["a"], ids["a_x"], ids["a_y"], **values)


def bad_stakeholder(kind="person", **values):
    return lambda conn, ids: stakeholder(conn, ids["a"], kind, **values)


def bad_engagement(**values):
    return lambda conn, ids: engagement(conn, ids["a"], [ids["a_x"], ids["a_y"]], **values)


# (what, how, the constraint the database names when it refuses)
BAD_ROWS = [
    ("a self-tie", lambda conn, ids: tie(conn, ids["a"], ids["a_x"], ids["a_x"]),
     "ck_tie_not_self"),
    ("tie strength 9", bad_tie(strength=9), "ck_tie_strength"),
    ("tie strength 0", bad_tie(strength=0), "ck_tie_strength"),
    ("tie kind", bad_tie(kind="friends"), "ck_tie_kind"),
    ("valid_to before valid_from",
     bad_tie(valid_from=date(2026, 2, 1), valid_to=date(2026, 1, 31)), "ck_tie_validity"),
    ("stakeholder kind", bad_stakeholder("company"), "ck_stakeholder_kind"),
    ("sector", bad_stakeholder(sector="nhs"), "ck_sector"),
    ("seniority", bad_stakeholder(seniority="boss"), "ck_seniority"),
    ("engagement level", bad_stakeholder(engagement="hostile"), "ck_engagement"),
    ("desired engagement", bad_stakeholder(desired_engagement="eager"), "ck_desired_engagement"),
    ("influence 6", bad_stakeholder(influence=6), "ck_influence"),
    ("interest 0", bad_stakeholder(interest=0), "ck_interest"),
    ("an empty name", bad_stakeholder(name=""), "ck_stakeholder_name"),
    ("a name of 201", bad_stakeholder(name="x" * 201), "ck_stakeholder_name|value too long"),
    ("an organisation in an organisation",
     lambda conn, ids: stakeholder(conn, ids["a"], "organisation", organisation_id=ids["a_hub"]),
     "ck_org_only_members"),
    ("a stakeholder in itself",
     lambda conn, ids: conn.execute(
         S.update().where(S.c.id == ids["a_x"]).values(organisation_id=ids["a_x"])),
     "ck_org_not_self"),
    ("channel", bad_engagement(channel="pigeon"), "ck_engagement_channel"),
    ("sentiment 3", bad_engagement(sentiment=3), "ck_sentiment"),
    ("membership role",
     lambda conn, ids: add(
         conn, Membership.__table__, partnership_id=ids["a"], user_id=user(conn, "u@x.org"),
         role="admin", created_at=utcnow()),
     "ck_membership_role"),
    ("a partnership without a name", lambda conn, ids: partnership(conn, ""),
     "ck_partnership_name"),
    # foreign keys, enforced on SQLite too
    ("a tie to nowhere", lambda conn, ids: tie(conn, ids["a"], ids["a_x"], NOWHERE), FK),
    ("a stakeholder of no partnership", lambda conn, ids: stakeholder(conn, NOWHERE), FK),
    ("an organisation that does not exist", bad_stakeholder(organisation_id=NOWHERE), FK),
    ("an owner that does not exist", bad_stakeholder(owner_id=NOWHERE), FK),
    ("a participant that does not exist",
     lambda conn, ids: engagement(conn, ids["a"], [ids["a_x"], NOWHERE]), FK),
    ("a participant twice",
     lambda conn, ids: engagement(conn, ids["a"], [ids["a_x"], ids["a_x"]]),
     "engagement_participant_pkey|"
     "engagement_participant.engagement_id, engagement_participant.stakeholder_id"),
]  # fmt: skip


def test_the_database_refuses(db_engine, base, subtests):
    for what, build, constraint in BAD_ROWS:
        with subtests.test(msg=what):
            refused(db_engine, lambda conn, build=build: build(conn, base), constraint)


def test_the_same_rows_done_right_are_accepted(db_engine, base):
    """The refusals above are about the one thing each gets wrong."""
    with db_engine.begin() as conn:
        tie(conn, base["a"], base["a_x"], base["a_y"], strength=5, kind="funds",
            valid_from=date(2026, 1, 31), valid_to=date(2026, 1, 31))  # fmt: skip
        stakeholder(conn, base["a"], "organisation", sector="health", name="x" * 200)
        stakeholder(conn, base["a"], seniority="executive", engagement="leading",
                    desired_engagement="leading", influence=5, interest=1,
                    organisation_id=base["a_hub"], owner_id=base["a_x"])  # fmt: skip
        engagement(conn, base["a"], [base["a_x"], base["a_y"]], channel="newsletter", sentiment=-2)
        add(conn, Membership.__table__, partnership_id=base["a"], user_id=user(conn, "u@x.org"),
            role="owner", created_at=utcnow())  # fmt: skip
        partnership(conn, "x")


# -- cascades ---------------------------------------------------------------------------------


def test_every_foreign_key_says_what_happens_on_delete():
    for table in SQLModel.metadata.sorted_tables:
        for fk in table.foreign_keys:
            assert fk.ondelete in ("CASCADE", "SET NULL"), f"{table.name}.{fk.parent.name}"
            if fk.ondelete == "SET NULL":
                assert fk.parent.nullable, f"{table.name}.{fk.parent.name}"


def fill(conn, pid: int, hub: int, x: int, y: int, uid: int) -> None:
    """One of everything that belongs to a partnership."""
    org = stakeholder(conn, pid, "organisation", name="Org")
    z = stakeholder(conn, pid, name="Z", organisation_id=org, owner_id=x)
    tie(conn, pid, x, z)
    tie(conn, pid, hub, org, kind="funds", directed=True)
    engagement(conn, pid, [x, y, z])
    add(conn, Membership.__table__, partnership_id=pid, user_id=uid, role="owner",
        created_at=utcnow())  # fmt: skip
    add(
        conn, AnalysisResult.__table__, partnership_id=pid, revision=0, key=f"k{pid}",
        section="reach", as_of=date(2026, 1, 1), result="{}", seconds=0.0, created_at=utcnow(),
    )  # fmt: skip


def test_deleting_a_partnership_leaves_no_orphans(db_engine, base):
    with db_engine.begin() as conn:
        uid = user(conn, "owner@example.org")
        for key in ("a", "b"):
            fill(conn, base[key], base[f"{key}_hub"], base[f"{key}_x"], base[f"{key}_y"], uid)
    before = counts(db_engine)
    assert before["stakeholder"] == 10
    with db_engine.begin() as conn:
        conn.execute(delete(P).where(P.c.id == base["a"]))
    after = counts(db_engine)
    # B is intact; of A nothing is left, in any table that refers to it
    expected = {
        "partnership": 1, "stakeholder": 5, "tie": 2, "engagement": 1,
        "engagement_participant": 3, "membership": 1, "analysis_result": 1, "user_account": 1,
    }  # fmt: skip
    for name, n in expected.items():
        assert after[name] == n, name
    referring = [
        t for t in SQLModel.metadata.sorted_tables
        if any(fk.column.table is P for fk in t.foreign_keys)
    ]  # fmt: skip
    assert {t.name for t in referring} >= {
        "stakeholder", "tie", "engagement", "membership", "analysis_result"
    }  # fmt: skip
    with db_engine.connect() as conn:
        for t in referring:
            left = conn.execute(
                select(func.count()).select_from(t).where(t.c.partnership_id == base["a"])
            ).scalar_one()
            assert left == 0, t.name
        orphans = conn.execute(
            select(func.count()).select_from(EP).where(EP.c.engagement_id.not_in(select(E.c.id)))
        ).scalar_one()
        assert orphans == 0


def test_deleting_a_stakeholder_takes_its_ties_and_participation(db_engine, base):
    with db_engine.begin() as conn:
        uid = user(conn, "owner@example.org")
        fill(conn, base["a"], base["a_hub"], base["a_x"], base["a_y"], uid)
        conn.execute(delete(S).where(S.c.id == base["a_x"]))
    with db_engine.connect() as conn:
        ties = conn.execute(select(T.c.source_id, T.c.target_id)).all()
        assert all(base["a_x"] not in (s, t) for s, t in ties)
        assert len(ties) == 1  # hub funds org
        parts = conn.execute(select(EP.c.stakeholder_id)).scalars().all()
        assert base["a_x"] not in parts
        assert len(parts) == 2
        # Z was owned by X: the owner is cleared, Z stays
        z = conn.execute(select(S.c.owner_id, S.c.organisation_id).where(S.c.name == "Z")).one()
        assert z.owner_id is None
        assert z.organisation_id is not None
        conn.execute(delete(S).where(S.c.kind == "organisation"))
        z = conn.execute(select(S.c.organisation_id).where(S.c.name == "Z")).scalar_one()
        assert z is None
        conn.rollback()


def test_deleting_a_user_takes_their_memberships_and_credentials(db_engine, base):
    now = utcnow()
    with db_engine.begin() as conn:
        uid = user(conn, "leaver@example.org")
        add(conn, Membership.__table__, partnership_id=base["a"], user_id=uid, role="editor",
            created_at=now)  # fmt: skip
        add(conn, ApiToken.__table__, user_id=uid, name="", token_hash="h1", prefix="smk_",
            read_only=False, created_at=now)  # fmt: skip
        add(conn, LoginLink.__table__, user_id=uid, token_hash="h2", created_at=now,
            expires_at=now)  # fmt: skip
        add(conn, WebSession.__table__, user_id=uid, token_hash="h3", created_at=now,
            expires_at=now, last_seen_at=now)  # fmt: skip
    with db_engine.begin() as conn:
        conn.execute(delete(User.__table__).where(User.__table__.c.id == uid))
    after = counts(db_engine)
    for name in ("membership", "api_token", "login_link", "web_session", "user_account"):
        assert after[name] == 0, name
    assert after["partnership"] == 2


def test_the_audit_log_is_append_only(db_engine):
    table = SQLModel.metadata.tables["audit_log"]
    with db_engine.begin() as conn:
        add(conn, table, at=utcnow(), actor="system", entity="partnership", action="create",
            fields=[], detail="")  # fmt: skip
    for stmt in (table.update().values(actor="someone else"), table.delete()):
        with pytest.raises(Exception, match="append-only"), db_engine.begin() as conn:
            conn.execute(stmt)
    with db_engine.connect() as conn:
        assert conn.execute(select(table.c.actor)).scalars().all() == ["system"]
        assert conn.execute(text("SELECT 1")).scalar() == 1


def test_sessions_for_reads_and_writes(db_engine):
    """An API GET's session runs each statement on its own on PostgreSQL (no BEGIN and COMMIT
    round trips; READ COMMITTED gives each statement its own snapshot anyway); SQLite keeps a
    transaction, and a write always has one (on SQLite holding the write lock from the start)."""
    from app.db import open_session

    pg = db_engine.dialect.name == "postgresql"
    reads = open_session(db_engine, reads_only=True)
    try:
        driver = reads.connection().connection.driver_connection
        # PostgreSQL: no transaction at all; SQLite: one snapshot for the request
        assert (driver.autocommit is True) if pg else (driver.in_transaction is True)
        assert reads.execute(select(func.count()).select_from(Partnership)).scalar_one() >= 0
    finally:
        reads.close()
    writes = open_session(db_engine, write=True)
    try:
        driver = writes.connection().connection.driver_connection
        if pg:
            assert driver.autocommit is False
        else:
            assert driver.in_transaction is True
        if not pg:  # BEGIN IMMEDIATE: the write lock is held before the first statement
            other = db_engine.raw_connection()
            try:
                other.execute("PRAGMA busy_timeout=0")
                with pytest.raises(Exception, match="locked"):
                    other.execute("BEGIN IMMEDIATE")
            finally:
                other.close()
    finally:
        writes.rollback()
        writes.close()
