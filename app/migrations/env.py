"""Alembic environment: runs migrations on the connection or URL that app.migrate hands over."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import app.tables  # noqa: F401 - registers the tables on SQLModel.metadata
from app.db import make_engine

config = context.config
target_metadata = SQLModel.metadata


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_on(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as conn:
        _run_on(conn)
    engine.dispose()


def _run_on(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
