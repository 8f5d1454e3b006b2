"""Fixtures: every test gets its own database (a SQLite file, or a PostgreSQL schema).

API tests run on SQLite always, and on PostgreSQL too when STAKEMAP_TEST_DATABASE_URL is set
(CI sets it). ``db_engine`` is parametrised over the databases available.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import app.tables  # noqa: F401 - registers tables
from app.db import make_engine, normalise_url
from app.settings import Settings

PG_URL = os.environ.get("STAKEMAP_TEST_DATABASE_URL")
DATABASES = ["sqlite"] + (["postgresql"] if PG_URL else [])


@contextmanager
def fresh_engine(kind: str, tmp_path: Path) -> Iterator[Engine]:
    """An engine on an empty database: a new SQLite file, or a new PostgreSQL schema."""
    if kind == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'test.db'}")
        try:
            yield engine
        finally:
            engine.dispose()
        return
    schema = "t_" + uuid.uuid4().hex[:16]
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = normalise_url(PG_URL)
    sep = "&" if "?" in url else "?"
    engine = make_engine(f"{url}{sep}options=-csearch_path%3D{schema}")
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(params=DATABASES)
def empty_engine(request, tmp_path) -> Iterator[Engine]:
    """An engine on an empty database (no tables), for migration tests."""
    with fresh_engine(request.param, tmp_path) as engine:
        yield engine


@pytest.fixture(params=DATABASES)
def db_engine(request, tmp_path) -> Iterator[Engine]:
    """An engine on a fresh database with the schema created from the models."""
    with fresh_engine(request.param, tmp_path) as engine:
        SQLModel.metadata.create_all(engine)
        yield engine


@pytest.fixture
def settings(tmp_path) -> Settings:
    # Analyses are answered, not 202, however loaded the machine (tests/app/test_analysis_jobs.py
    # covers the 202s).
    return Settings(
        database_url=f"sqlite:///{tmp_path / 'unused.db'}",
        max_body_bytes=256 * 1024,
        analysis_wait_seconds=60,
    )


@pytest.fixture
def api(db_engine, settings):
    """A signed-in API client (a regular user with a token) on a fresh database."""
    from tests.factories import ApiClient

    client = ApiClient.start(db_engine, settings)
    yield client
    client.close()
