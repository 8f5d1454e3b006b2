"""Bulk SQL for the importer: one driver-level ``executemany`` per statement, ids reserved.

SQLAlchemy's per-row parameter processing costs more than the database's own work at 10⁵–10⁶
rows, so rows go to the driver as tuples, with the columns' bind processors applied only where a
column has one (dates and JSON on SQLite).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import func, select, text
from sqlmodel import Session

from app.db import is_sqlite

__all__ = ["Trail", "big_cache", "chunks", "insert_rows", "update_rows", "reserve_ids"]


class Trail:
    """Audit entries to write: (entity, id, action, the names of the fields set, as JSON)."""

    def __init__(self):
        self.rows: list[tuple[str, int, str, str]] = []
        self._json: dict[tuple[str, ...], str] = {}

    def add(self, entity: str, eid: int, action: str, fields) -> None:
        names = tuple(sorted(set(fields)))
        text = self._json.get(names)
        if text is None:
            text = self._json[names] = json.dumps(list(names))
        self.rows.append((entity, eid, action, text))


@contextmanager
def big_cache(session: Session) -> Iterator[None]:
    """On SQLite, a page cache of up to 256 MiB while writing (indexes take random inserts)."""
    if not is_sqlite(session.get_bind()):
        yield
        return
    conn = session.connection()
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql("PRAGMA cache_size = -262144")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(before)}")


def chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _processed(
    session: Session, table, columns, rows: list[tuple], consts: dict | None, raw=()
) -> list[tuple]:
    """Rows with the columns' bind processors applied (dates and JSON on SQLite), constants last.

    Columns named in ``raw`` already hold what the driver takes (JSON text, say).
    """
    dialect = session.get_bind().dialect
    procs = [
        (i, table.c[c].type._cached_bind_processor(dialect))
        for i, c in enumerate(columns)
        if c not in raw
    ]
    procs = [(i, p) for i, p in procs if p is not None]
    tail = ()
    if consts:
        tail = tuple(
            (p(v) if (p := table.c[c].type._cached_bind_processor(dialect)) else v)
            for c, v in consts.items()
        )
    if not procs and not tail:
        return rows
    out = []
    for row in rows:
        if procs:
            row = list(row)
            for i, p in procs:
                if row[i] is not None:
                    row[i] = p(row[i])
        out.append((*row, *tail))
    return out


def _mark(session: Session) -> str:
    return "?" if session.get_bind().dialect.paramstyle == "qmark" else "%s"


def insert_rows(
    session: Session, table, columns, rows: list[tuple], consts: dict | None = None, raw=()
) -> None:
    """INSERT many rows with one driver ``executemany`` (no per-row SQLAlchemy work)."""
    if not rows:
        return
    names = (*columns, *(consts or {}))
    sql = (
        f"INSERT INTO {table.name} ({', '.join(names)}) "
        f"VALUES ({', '.join([_mark(session)] * len(names))})"
    )
    conn = session.connection()
    for chunk in chunks(_processed(session, table, columns, rows, consts, raw), 50_000):
        conn.exec_driver_sql(sql, chunk)


def update_rows(session: Session, table, columns, rows: list[tuple], consts: dict | None = None):
    """UPDATE many rows by id (each row's last value) with one driver ``executemany``."""
    if not rows:
        return
    mark = _mark(session)
    consts = consts or {}
    sets = ", ".join(f"{c} = {mark}" for c in (*columns, *consts))
    sql = f"UPDATE {table.name} SET {sets} WHERE id = {mark}"
    conn = session.connection()
    processed = _processed(session, table, (*columns, "id"), rows, None)
    if consts:
        tail = _processed(session, table, tuple(consts), [tuple(consts.values())], None)[0]
        processed = [(*row[:-1], *tail, row[-1]) for row in processed]
    for chunk in chunks(processed, 50_000):
        conn.exec_driver_sql(sql, chunk)


def reserve_ids(session: Session, table, n: int) -> list[int]:
    """Ids for ``n`` new rows, so that one ``executemany`` can insert them with their ids.

    PostgreSQL hands them out from the table's sequence. On SQLite the caller's transaction
    holds the database's write lock, so the ids above the current largest are free.
    """
    if is_sqlite(session.get_bind()):
        top = session.execute(select(func.max(table.c.id))).scalar_one() or 0
        return list(range(top + 1, top + 1 + n))
    return list(
        session.execute(
            text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"),
            {"t": table.name, "n": n},
        ).scalars()
    )
