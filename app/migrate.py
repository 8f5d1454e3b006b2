"""Schema migrations with Alembic, driven from code (``stakemap db upgrade``)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    # ConfigParser reads "%" as interpolation: escape it, or a URL-encoded password breaks.
    url = engine.url.render_as_string(hide_password=False)
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def head(engine: Engine) -> str:
    """The newest migration's revision id."""
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def current(engine: Engine) -> str | None:
    """The database's revision id, or None for a database Alembic has never touched."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def is_empty(engine: Engine) -> bool:
    """True when the database has none of Stakemap's tables."""
    return not inspect(engine).has_table("partnership")


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` (the newest by default)."""
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Replicas starting together on an empty database take turns; the second finds
            # the schema already at head and does nothing.
            conn.execute(text("SELECT pg_advisory_xact_lock(727274)"))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
