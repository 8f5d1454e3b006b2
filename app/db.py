"""Database engines and sessions for SQLite (the default) and PostgreSQL (psycopg 3)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

__all__ = ["normalise_url", "make_engine", "open_session", "session_scope", "is_sqlite"]


def normalise_url(url: str) -> str:
    """Map plain ``postgresql://`` and ``postgres://`` URLs to the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def is_sqlite(engine: Engine) -> bool:
    """True when ``engine`` talks to SQLite."""
    return engine.dialect.name == "sqlite"


def make_engine(url: str, *, busy_timeout_ms: int = 10_000, pool_size: int = 5) -> Engine:
    """An engine for ``url``; SQLite connections enforce foreign keys and use WAL."""
    url = normalise_url(url)
    if not url.startswith("sqlite"):
        return create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)

    engine = create_engine(
        url, connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000}
    )
    memory = ":memory:" in url or url in ("sqlite://", "sqlite:///")

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_conn, _record):
        # Foreign keys are off by default in SQLite; WAL lets readers run beside one writer;
        # the busy timeout makes a second writer wait instead of failing at once.
        dbapi_conn.isolation_level = None  # SQLAlchemy's "begin" hook below issues BEGIN
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        if not memory:
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _sqlite_begin(conn):
        # A transaction that will write takes the write lock up front (BEGIN IMMEDIATE), so it
        # waits its turn under the busy timeout instead of failing when it upgrades a read
        # snapshot that another writer has moved past.
        if conn.get_execution_options().get("stakemap_write"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")

    return engine


def open_session(engine: Engine, *, write: bool = False) -> Session:
    """A new session; ``write=True`` makes its transaction take SQLite's write lock first."""
    from app.services import audit

    audit.install()
    session = Session(engine, expire_on_commit=False)
    if write:
        session.connection(execution_options={"stakemap_write": True})
    return session


@contextmanager
def session_scope(
    engine: Engine, *, write: bool = True, actor: str | None = None
) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error.

    ``actor`` labels the audit entries of its writes (e.g. "cli").
    """
    session = open_session(engine, write=write)
    if actor:
        session.info["actor"] = actor
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
