"""Alembic builds the schema the models describe, on both databases."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel

from app import migrate
from app.tables import AuditEntry, Partnership, Stakeholder, utcnow


def differences(engine) -> list:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, SQLModel.metadata)


def test_upgrade_on_an_empty_database_reaches_head(empty_engine):
    assert migrate.is_empty(empty_engine)
    assert migrate.current(empty_engine) is None
    migrate.upgrade(empty_engine)
    assert migrate.current(empty_engine) == migrate.head(empty_engine)
    assert not migrate.is_empty(empty_engine)
    tables = set(inspect(empty_engine).get_table_names()) - {"alembic_version"}
    assert tables == set(SQLModel.metadata.tables)


def test_the_migrated_schema_matches_the_models(empty_engine):
    migrate.upgrade(empty_engine)
    assert differences(empty_engine) == []


def test_upgrading_twice_is_harmless(empty_engine):
    migrate.upgrade(empty_engine)
    now = utcnow()
    with empty_engine.begin() as conn:
        conn.execute(
            Partnership.__table__.insert().values(
                name="Kept", description="", revision=3, half_life_days=90.0,
                created_at=now, updated_at=now,
            )
        )  # fmt: skip
    migrate.upgrade(empty_engine)
    assert migrate.current(empty_engine) == migrate.head(empty_engine)
    assert differences(empty_engine) == []
    with empty_engine.connect() as conn:
        rows = conn.execute(select(Partnership.name, Partnership.revision)).all()
    assert [tuple(r) for r in rows] == [("Kept", 3)]


def test_the_migrated_schema_enforces_what_comparison_cannot_see(empty_engine):
    """Partial indexes and triggers are not compared by Alembic; try them instead."""
    migrate.upgrade(empty_engine)
    now = utcnow()
    p, s = Partnership.__table__, Stakeholder.__table__
    with empty_engine.begin() as conn:
        pid = conn.execute(
            p.insert().values(
                name="P", description="", revision=0, half_life_days=180.0,
                created_at=now, updated_at=now,
            ).returning(p.c.id)
        ).scalar_one()  # fmt: skip
        person = {
            "partnership_id": pid, "notes": "", "tags": [], "contact_permitted": True,
            "created_at": now, "updated_at": now,
        }  # fmt: skip
        conn.execute(s.insert().values(kind="hub", name="Hub", **person))
        conn.execute(s.insert().values(kind="person", name="A", **person))
        conn.execute(s.insert().values(kind="person", name="B", **person))
    with pytest.raises(IntegrityError), empty_engine.begin() as conn:
        conn.execute(s.insert().values(kind="hub", name="Second hub", **person))
    audit = AuditEntry.__table__
    with empty_engine.begin() as conn:
        conn.execute(
            audit.insert().values(
                at=now, actor="system", entity="partnership", action="create", fields=[],
                detail="",
            )
        )  # fmt: skip
    for stmt in (audit.update().values(actor="someone"), audit.delete()):
        with pytest.raises(Exception, match="append-only"), empty_engine.begin() as conn:
            conn.execute(stmt)
    with empty_engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(s)).scalar_one() == 3
        assert conn.execute(select(func.count()).select_from(audit)).scalar_one() == 1
