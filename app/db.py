"""Database engines and sessions for SQLite (the default) and PostgreSQL (psycopg 3)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

__all__ = [
    "normalise_url",
    "make_engine",
    "open_session",
    "session_scope",
    "is_sqlite",
    "DB_ERRORS",
    "database_trouble",
]


def normalise_url(url: str) -> str:
    """Map plain ``postgresql://`` and ``postgres://`` URLs to the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def is_sqlite(engine: Engine) -> bool:
    """True when ``engine`` talks to SQLite."""
    return engine.dialect.name == "sqlite"


#: Connections kept open to a SQLite file (see make_engine).
SQLITE_POOL_SIZE = 48


def make_engine(url: str, *, busy_timeout_ms: int = 10_000, pool_size: int = 10) -> Engine:
    """An engine for ``url``; SQLite connections enforce foreign keys and use WAL."""
    url = normalise_url(url)
    if not url.startswith("sqlite"):
        # pool_pre_ping replaces connections that died while the database was away, so the
        # service recovers by itself; connect_timeout turns a database that does not answer
        # into a 503 within seconds instead of a request that hangs.
        connect_args = {} if "connect_timeout" in url else {"connect_timeout": 5}
        return create_engine(
            url,
            pool_size=pool_size,
            max_overflow=pool_size,
            pool_pre_ping=True,
            connect_args=connect_args,
        )

    memory = ":memory:" in url or url in ("sqlite://", "sqlite:///")
    # A SQLite connection is only an open file, so there is one for every request thread
    # (anyio's 40) and the analysis threads: no read waits for a connection while writers,
    # queued for the write lock, hold theirs. (An in-memory database keeps SQLAlchemy's pool.)
    pool = {} if memory else {"pool_size": SQLITE_POOL_SIZE, "max_overflow": 8}
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000},
        **pool,
    )

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


#: The exceptions that may mean the database, not the request, is at fault (see database_trouble).
DB_ERRORS = (sa_exc.DBAPIError, sa_exc.TimeoutError)

# SQLSTATE classes and codes (PostgreSQL): 08 connection exception, 57P0x the server is shutting
# down or restarting, 53 insufficient resources (53100 disk full), 25006 read-only transaction,
# 42501 insufficient privilege (a role allowed to read only).
_PG_UNAVAILABLE = ("08", "57P01", "57P02", "57P03", "53000", "53200", "53300", "53400")
_PG_FULL = ("53100",)
_PG_READ_ONLY = ("25006", "42501")


def database_trouble(exc: BaseException) -> str | None:
    """Why the database, not the request, failed: "unavailable", "read_only", "full" or None.

    None means an ordinary error (a bug, a constraint) that must not be disguised as an outage.
    """
    if isinstance(exc, sa_exc.TimeoutError):  # every pooled connection is busy
        return "unavailable"
    if not isinstance(exc, sa_exc.DBAPIError):
        return None
    if exc.connection_invalidated:
        return "unavailable"
    orig = exc.orig
    sqlstate = getattr(orig, "sqlstate", None) or ""
    if sqlstate:
        if sqlstate.startswith(_PG_FULL):
            return "full"
        if sqlstate.startswith(_PG_READ_ONLY):
            return "read_only"
        if sqlstate.startswith(_PG_UNAVAILABLE):
            return "unavailable"
    message = str(orig).lower()
    if "disk is full" in message or "no space left" in message:
        return "full"
    if "readonly database" in message or "read-only" in message:
        return "read_only"
    if isinstance(exc, (sa_exc.OperationalError, sa_exc.InterfaceError)):
        # SQLite: locked past the busy timeout, file gone, I/O error; psycopg: the server is
        # unreachable or the connection broke.
        return "unavailable"
    return None


def open_session(engine: Engine, *, write: bool = False, reads_only: bool = False) -> Session:
    """A new session; ``write=True`` makes its transaction take SQLite's write lock first.

    ``reads_only=True`` (an API GET, which never writes) runs each statement on its own on
    PostgreSQL (autocommit): under READ COMMITTED every statement takes a fresh snapshot
    anyway, so this only saves the BEGIN and COMMIT round trips. SQLite keeps its transaction,
    which does give the request one snapshot.
    """
    from app.services import audit

    audit.install()
    session = Session(engine, expire_on_commit=False)
    if write:
        session.connection(execution_options={"stakemap_write": True})
    elif reads_only and engine.dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
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
