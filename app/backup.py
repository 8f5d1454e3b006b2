"""Whole-database backups as versioned JSON (``stakemap backup`` and ``stakemap restore``).

A backup holds every row of every table but the ones in ``EXCLUDED``, with their ids, so that API
URLs and references stay valid after a restore. The layout, one row per line::

    {"format": "stakemap-backup", "version": 1, "schema_revision": "0005",
     "created_at": "2026-01-31T09:00:00.000000+00:00", "generator": "stakemap 0.1.0",
     "excluded": {"analysis_result": "...", ...},
     "tables": [
    {"name": "partnership", "columns": ["id", "name", ...], "rows": [
    [1, "Northshire Health and Care Partnership", ...],
    ...
    ], "count": 1},
    ...
    ]}

Values are JSON; dates and times are ISO 8601 strings, times in UTC. Both sides stream: the
backup reads each table in batches inside one read transaction (a consistent snapshot), and the
restore parses the file one value at a time, inserting in batches inside one write transaction,
so memory stays flat however big a partnership is.

Restoring writes only into an empty database (every Stakemap table empty, or no tables at all),
all or nothing: schema creation, every row, the sequence reset and one audit entry saying that a
restore happened are one transaction, so a broken file leaves the database as it was. A backup
made at an older schema revision is restored into the schema at that revision and then upgraded
with the usual migrations, in the same transaction.

Decisions:

- Users keep their password hashes (argon2) and admin flag; API tokens are kept (only their
  SHA-256 digests are stored), so integrations keep working after a restore. The file is
  therefore sensitive, like the database itself: it is written readable by its owner only.
- Browser sessions, one-time sign-in links and failed sign-in rows are short-lived and are left
  out: after a restore everyone signs in again. The analysis cache (results and jobs) is left
  out: it is recomputed.
- The audit log is append-only (triggers refuse UPDATE and DELETE, not INSERT): it is restored
  by plain inserts with its ids, and gets one more entry, ``entity="database"``,
  ``action="restore"``. Because the trail cannot be deleted, there is no "restore over" mode.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from alembic import command
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    bindparam,
    func,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import SQLModel

import app.tables  # noqa: F401 - registers every table on SQLModel.metadata
from app import migrate
from app.errors import StakemapError

__all__ = [
    "FORMAT",
    "VERSION",
    "EXCLUDED",
    "BackupError",
    "Summary",
    "backed_up_tables",
    "write_backup",
    "backup_to",
    "restore",
    "restore_from",
]

FORMAT = "stakemap-backup"
VERSION = 1
EXCLUDED = {
    "analysis_result": "a cache of computed analyses, recomputed on demand",
    "analysis_job": "the analysis cache's computations: claimed by processes of the old system",
    "web_session": "browser sessions: everyone signs in again after a restore",
    "login_link": "one-time sign-in links, short-lived: `stakemap user link` makes new ones",
    "login_attempt": "failed sign-ins, kept briefly for the rate limit",
}
BATCH = 2000
CHUNK = 1 << 20  # characters read at a time
MAX_VALUE_CHARS = 64 * 1024 * 1024


class BackupError(StakemapError):
    """A backup cannot be written or restored; the message says why."""


@dataclass
class Summary:
    """What a backup or restore moved: rows per table, and the file's header."""

    counts: dict[str, int] = field(default_factory=dict)
    created_at: str = ""
    schema_revision: str = ""

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    def describe(self) -> str:
        c = self.counts
        return (
            f"{c.get('partnership', 0):,} partnerships, {c.get('stakeholder', 0):,} stakeholders, "
            f"{c.get('user_account', 0):,} users, {c.get('membership', 0):,} memberships, "
            f"{c.get('audit_log', 0):,} audit entries; {self.rows:,} rows in {len(c)} tables"
        )


def backed_up_tables(metadata: MetaData = SQLModel.metadata) -> list[Table]:
    """Every table a backup holds, parents before children: all of them but ``EXCLUDED``."""
    return [t for t in metadata.sorted_tables if t.name not in EXCLUDED]


# -- backup -------------------------------------------------------------------------------------


def _encode(value: Any) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot write a {type(value).__name__} to a backup")


# One encoder for every row: json.dumps with options would build a new one per call.
_dumps = json.JSONEncoder(
    default=_encode, ensure_ascii=False, allow_nan=False, separators=(",", ":")
).encode


@contextmanager
def _snapshot(engine: Engine) -> Iterator[Connection]:
    """A read-only connection that sees one consistent state of every table."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execution_options(isolation_level="REPEATABLE READ")
        # SQLite: one transaction keeps one WAL snapshot for all its reads.
        with conn.begin():
            yield conn


def write_backup(engine: Engine, out: TextIO, *, now: datetime | None = None) -> Summary:
    """Write the whole database to ``out`` as a backup document; return the row counts."""
    revision = migrate.current(engine)
    if revision != migrate.head(engine):
        raise BackupError(
            f"the database schema is at {revision or 'nothing'}, not {migrate.head(engine)}: "
            "run `stakemap db upgrade` first"
        )
    created = _encode(now or datetime.now(UTC))
    summary = Summary(created_at=created, schema_revision=revision)
    header = {
        "format": FORMAT,
        "version": VERSION,
        "schema_revision": revision,
        "created_at": created,
        "generator": f"stakemap {_version()}",
        "excluded": EXCLUDED,
    }
    out.write(_dumps(header)[:-1] + ',\n"tables":[\n')
    with _snapshot(engine) as conn:
        for i, table in enumerate(backed_up_tables()):
            columns = [c.name for c in table.columns]
            out.write(("," if i else "") + "{")
            out.write(f'"name":{_dumps(table.name)},"columns":{_dumps(columns)},"rows":[\n')
            n = 0
            query = select(*table.columns).order_by(*table.primary_key.columns)
            result = conn.execution_options(yield_per=BATCH).execute(query)
            for rows in result.partitions():
                lines = [_dumps(list(row)) for row in rows]
                out.write(("," if n else "") + ",\n".join(lines) + "\n")
                n += len(lines)
            out.write(f'],"count":{n}}}\n')
            summary.counts[table.name] = n
    out.write("]}\n")
    return summary


def backup_to(engine: Engine, target: str | Path, stdout: TextIO | None = None) -> Summary:
    """Back up into ``target`` (``-`` for ``stdout``; a name ending ``.gz`` is compressed).

    A file appears only when complete (written beside it, then renamed) and only its owner may
    read it: it holds password hashes and personal data.
    """
    if str(target) == "-":
        if stdout is None:
            raise BackupError("no standard output to write to")
        return write_backup(engine, stdout)
    path = Path(target)
    partial = path.with_name(path.name + ".partial")
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    except OSError as exc:
        raise BackupError(f"cannot write {path}: {exc.strerror}") from None
    try:
        with open(fd, "wb") as raw:
            if path.suffix == ".gz":
                with gzip.open(raw, "wt", encoding="utf-8", compresslevel=6) as out:
                    summary = write_backup(engine, out)
            else:
                with io.TextIOWrapper(raw, encoding="utf-8") as out:
                    summary = write_backup(engine, out)
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"cannot write {path}: {exc.strerror or exc}") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return summary


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("stakemap")
    except PackageNotFoundError:
        return "unknown"


# -- reading ------------------------------------------------------------------------------------

_WS = re.compile(r"[ \t\n\r]*")


class _Pull:
    """A pull parser for one JSON document read in chunks: objects and arrays are walked by
    the caller, scalar and small values are decoded whole. Memory holds one chunk."""

    def __init__(self, stream: TextIO, chunk: int | None = None):
        self.stream, self.chunk = stream, chunk or CHUNK
        self.buf, self.pos, self.offset, self.eof = "", 0, 0, False
        self.decoder = json.JSONDecoder()

    def _fill(self) -> bool:
        if self.eof:
            return False
        data = self.stream.read(self.chunk)
        if not data:
            self.eof = True
            return False
        self.offset += self.pos
        self.buf = self.buf[self.pos :] + data
        self.pos = 0
        return True

    def error(self, message: str) -> BackupError:
        return BackupError(f"not a valid backup: {message} (at character {self.offset + self.pos})")

    def peek(self) -> str:
        """The next character that is not white space ('' at the end), left unread."""
        while True:
            self.pos = _WS.match(self.buf, self.pos).end()
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._fill():
                return ""

    def expect(self, char: str) -> None:
        found = self.peek()
        if not found and not self.offset + self.pos:
            raise BackupError("not a valid backup: the file is empty")
        if found != char:
            got = f"found {found!r}" if found else "the file ends too early"
            raise self.error(f"expected {char!r} but {got}")
        self.pos += 1

    def next_item(self, close: str, first: bool) -> bool:
        """Step to the next item of an array or object: False at its closing character."""
        if self.peek() == close:
            self.pos += 1
            return False
        if not first:
            self.expect(",")
        return True

    def value(self) -> Any:
        if not self.peek():
            raise self.error("the file ends too early")
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if len(self.buf) - self.pos > MAX_VALUE_CHARS or not self._fill():
                    self.pos = exc.pos
                    raise self.error(f"malformed JSON: {exc.msg}") from None
                continue
            if end == len(self.buf) and self._fill():
                continue  # a number may go on in the next chunk
            self.pos = end
            return value

    def key(self) -> str:
        k = self.value()
        if not isinstance(k, str):
            raise self.error("expected an object key")
        self.expect(":")
        return k


def _open_text(raw: BinaryIO) -> TextIO:
    """A UTF-8 text stream over ``raw``, decompressed when it is gzip."""
    if hasattr(raw, "peek"):
        magic = raw.peek(2)[:2]
    elif raw.seekable():
        magic = raw.read(2)
        raw.seek(0)
    else:
        magic = b""
    if magic == b"\x1f\x8b":
        raw = gzip.GzipFile(fileobj=raw, mode="rb")
    return io.TextIOWrapper(raw, encoding="utf-8")


# -- restore ------------------------------------------------------------------------------------


def _converter(column) -> Callable[[Any], Any]:
    """Checks one JSON value against a column's type and turns it into what the driver takes."""
    t, name = column.type, column.name

    def fail(v):
        raise ValueError(f"column {name}: {v!r} is not a valid {type(t).__name__.lower()}")

    if isinstance(t, DateTime):

        def conv(v):
            if v is None:
                return None
            try:
                d = datetime.fromisoformat(v)
            except (TypeError, ValueError):
                fail(v)
            return (d if d.tzinfo else d.replace(tzinfo=UTC)).astimezone(UTC)
    elif isinstance(t, Date):

        def conv(v):
            if v is None:
                return None
            try:
                return date.fromisoformat(v)
            except (TypeError, ValueError):
                fail(v)
    elif isinstance(t, Boolean):

        def conv(v):
            return v if v is None or isinstance(v, bool) else fail(v)
    elif isinstance(t, Integer):

        def conv(v):
            return v if v is None or (isinstance(v, int) and not isinstance(v, bool)) else fail(v)
    elif isinstance(t, Float | Numeric):

        def conv(v):
            ok = v is None or (isinstance(v, int | float) and not isinstance(v, bool))
            return v if ok else fail(v)
    elif isinstance(t, String):

        def conv(v):
            return v if v is None or isinstance(v, str) else fail(v)
    elif isinstance(t, JSON):

        def conv(v):
            return v
    else:  # a type no migration uses yet: let the database judge

        def conv(v):
            return v

    return conv


class _Restorer:
    """Writes the tables of one backup into one transaction on ``conn``."""

    def __init__(self, conn: Connection, revision: str):
        self.conn, self.revision = conn, revision
        known = {t.name for t in SQLModel.metadata.sorted_tables}
        names = [n for n in inspect(conn).get_table_names() if n in known]
        self.meta = MetaData()
        self.meta.reflect(conn, only=names)
        self.expected = [
            t.name for t in self.meta.sorted_tables if t.name not in EXCLUDED
        ]  # parents first: the order a backup must list them in
        self.counts: dict[str, int] = {}

    def table(self, name: Any, columns: Any, rows: Iterator[Any]) -> int:
        if not isinstance(name, str) or name not in self.expected:
            raise BackupError(f"not a valid backup: unknown table {name!r}")
        if name in self.counts:
            raise BackupError(f"not a valid backup: table {name} appears twice")
        missing = [t for t in self.expected if t not in self.counts and t != name]
        before = self.expected[: self.expected.index(name)]
        if any(t in missing for t in before):
            raise BackupError(f"not a valid backup: table {name} comes before {', '.join(missing)}")
        table = self.meta.tables[name]
        have = [c.name for c in table.columns]
        if not isinstance(columns, list) or sorted(map(str, columns)) != sorted(have):
            raise BackupError(
                f"not a valid backup: table {name} has columns {columns!r}; "
                f"schema {self.revision} has {have}"
            )
        convs = [_converter(table.columns[c]) for c in columns]
        # References to the same table (an organisation, an owner) may point forwards: insert
        # them empty, then fill them in once every row of the table is there.
        self_refs = [
            fk.parent.name for fk in table.foreign_keys if fk.column.table.name == table.name
        ]
        pk = [c.name for c in table.primary_key.columns]
        later: list[dict] = []
        batch: list[dict] = []
        n = 0
        for row in rows:
            if not isinstance(row, list) or len(row) != len(columns):
                raise BackupError(
                    f"not a valid backup: table {name}, row {n + 1}: "
                    f"expected a list of {len(columns)} values"
                )
            try:
                record = {c: conv(v) for c, conv, v in zip(columns, convs, row, strict=True)}
            except ValueError as exc:
                raise BackupError(f"not a valid backup: table {name}, row {n + 1}: {exc}") from None
            if self_refs and any(record[c] is not None for c in self_refs):
                later.append(
                    {**{f"k_{c}": record[c] for c in pk}, **{c: record[c] for c in self_refs}}
                )
                for c in self_refs:
                    record[c] = None
            batch.append(record)
            n += 1
            if len(batch) >= BATCH:
                self._insert(table, batch, n)
                batch = []
        if batch:
            self._insert(table, batch, n)
        for i in range(0, len(later), BATCH):
            stmt = (
                update(table)
                .where(*(table.columns[c] == bindparam(f"k_{c}") for c in pk))
                .values({c: bindparam(c) for c in self_refs})
            )
            self._run(
                table.name, lambda s=stmt, chunk=later[i : i + BATCH]: self.conn.execute(s, chunk)
            )
        self.counts[name] = n
        return n

    def _insert(self, table: Table, batch: list[dict], upto: int) -> None:
        self._run(
            f"{table.name}, rows {upto - len(batch) + 1}–{upto}",
            lambda: self.conn.execute(insert(table), batch),
        )

    def _run(self, where: str, op: Callable[[], Any]) -> None:
        try:
            op()
        except SQLAlchemyError as exc:
            detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            raise BackupError(f"the database refused table {where}: {detail}") from None

    def check_complete(self) -> None:
        missing = [t for t in self.expected if t not in self.counts]
        if missing:
            raise BackupError(f"not a valid backup: table(s) {', '.join(missing)} missing")


def _check_header(header: dict, script: ScriptDirectory) -> None:
    if header.get("format") != FORMAT:
        raise BackupError(
            f"not a Stakemap backup: its format is {header.get('format')!r}, not {FORMAT!r}"
        )
    version = header.get("version")
    if version != VERSION:
        raise BackupError(
            f"backup format version {version!r} is not supported (this Stakemap reads {VERSION})"
        )
    revision = header.get("schema_revision")
    try:
        known = isinstance(revision, str) and script.get_revision(revision) is not None
    except CommandError:
        known = False
    if not known:
        raise BackupError(
            f"the backup's schema revision {revision!r} is unknown to this Stakemap "
            f"(newest {script.get_current_head()}): restore it with a newer Stakemap"
        )
    try:
        datetime.fromisoformat(header.get("created_at"))
    except (TypeError, ValueError):
        raise BackupError(
            f"not a valid backup: created_at {header.get('created_at')!r} is not a time"
        ) from None


def _not_empty(conn: Connection) -> list[str]:
    """'table: N rows' for every Stakemap table that has rows."""
    known = {t.name for t in SQLModel.metadata.sorted_tables}
    out = []
    for name in sorted(set(inspect(conn).get_table_names()) & known):
        n = conn.execute(select(func.count()).select_from(text(name))).scalar_one()
        if n:
            out.append(f"{name}: {n:,} row{'s' if n != 1 else ''}")
    return out


def _migrate(conn: Connection, revision: str) -> None:
    """Move this connection's (empty) schema to ``revision``, inside its transaction."""
    cfg = migrate.alembic_config(conn.engine)
    cfg.attributes["connection"] = conn
    current = MigrationContext.configure(conn).get_current_revision()
    if current == revision:
        return
    script = ScriptDirectory.from_config(cfg)
    ahead = current is not None and revision in {
        r.revision for r in script.iterate_revisions(current, "base")
    }
    (command.downgrade if ahead else command.upgrade)(cfg, revision)


def _reset_sequences(conn: Connection) -> None:
    """On PostgreSQL, make every id sequence continue after the largest id restored."""
    if conn.dialect.name != "postgresql":
        return  # SQLite gives max(id) + 1
    for table in SQLModel.metadata.sorted_tables:
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or not isinstance(pk[0].type, Integer):
            continue
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence(:t, :c), "
                f'COALESCE((SELECT MAX("{pk[0].name}") FROM "{table.name}"), 0) + 1, false)'
            ),
            {"t": table.name, "c": pk[0].name},
        )


def restore(engine: Engine, stream: TextIO, *, actor: str = "system") -> Summary:
    """Restore the backup read from ``stream`` into the empty database behind ``engine``.

    All or nothing: on any problem (a malformed or truncated file, a wrong format or version, a
    database that is not empty, a row the database refuses) raises ``BackupError`` and leaves
    the database as it was.
    """
    from app.tables import AuditEntry

    script = ScriptDirectory.from_config(migrate.alembic_config(engine))
    p = _Pull(stream)
    try:
        p.expect("{")
        header: dict[str, Any] = {}
        first = True
        while p.next_item("}", first):
            first = False
            k = p.key()
            if k != "tables":
                header[k] = p.value()
                continue
            _check_header(header, script)
            with engine.connect() as conn:
                conn.execution_options(stakemap_write=True)  # SQLite: BEGIN IMMEDIATE
                with conn.begin():
                    summary = _restore_tables(conn, p, header)
                    _reset_sequences(conn)
                    conn.execute(
                        insert(AuditEntry.__table__).values(
                            at=datetime.now(UTC),
                            actor=actor,
                            entity="database",
                            action="restore",
                            fields=[],
                            detail=(
                                f"restored a backup made {header['created_at']} at schema "
                                f"{header['schema_revision']} ({summary.rows} rows)"
                            )[:2000],
                        )
                    )
            return summary
        if "format" in header:
            _check_header(header, script)
        raise p.error("no tables")
    except (UnicodeDecodeError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise BackupError(f"cannot read the backup: {exc}") from None


def _restore_tables(conn: Connection, p: _Pull, header: dict) -> Summary:
    """The part of ``restore`` inside the transaction: check, migrate, insert, finish the file."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(727274)"))  # as migrate.upgrade does
    busy = _not_empty(conn)
    if busy:
        raise BackupError(
            f"the database is not empty ({'; '.join(busy)}): restore only into an empty "
            "database, such as a new SQLite file or a new PostgreSQL database"
        )
    revision = header["schema_revision"]
    _migrate(conn, revision)
    r = _Restorer(conn, revision)
    p.expect("[")
    first = True
    while p.next_item("]", first):
        first = False
        _restore_one(p, r)
    r.check_complete()
    while p.next_item("}", False):  # whatever follows "tables" (nothing, in our backups)
        p.key()
        p.value()
    if p.peek():
        raise p.error("unexpected data after the end of the document")
    _migrate(conn, migrate.head(conn.engine))
    return Summary(
        counts=dict(r.counts),
        created_at=header["created_at"],
        schema_revision=revision,
    )


def _restore_one(p: _Pull, r: _Restorer) -> None:
    p.expect("{")
    name = columns = count = None
    done = None
    first = True
    while p.next_item("}", first):
        first = False
        k = p.key()
        if k == "rows":
            if name is None or columns is None:
                raise p.error("a table's name and columns must come before its rows")

            def rows() -> Iterator[Any]:
                p.expect("[")
                one = True
                while p.next_item("]", one):
                    one = False
                    yield p.value()

            done = r.table(name, columns, rows())
        elif k == "name":
            name = p.value()
        elif k == "columns":
            columns = p.value()
        elif k == "count":
            count = p.value()
        else:
            p.value()
    if done is None:
        raise p.error(f"table {name!r} has no rows array")
    if count != done:
        raise BackupError(
            f"not a valid backup: table {name} says it has {count!r} rows but holds {done}"
        )


def restore_from(
    engine: Engine, source: str | Path, stdin: BinaryIO | None = None, **kw
) -> Summary:
    """Restore from a file (plain or gzip), or from ``stdin`` when ``source`` is ``-``."""
    if str(source) == "-":
        if stdin is None:
            raise BackupError("no standard input to read from")
        return restore(engine, _open_text(stdin), **kw)
    try:
        raw = open(source, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise BackupError(f"cannot read {source}: {exc.strerror}") from None
    with raw, _open_text(raw) as stream:
        return restore(engine, stream, **kw)
