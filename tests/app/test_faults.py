"""Faults (issue 7 item 4): a server killed mid-import, an unreachable, read-only or full database.

Each test runs the real thing: a ``stakemap serve`` process killed with SIGKILL, a TCP proxy
between the application and PostgreSQL that is stopped and started again, SQLite opened
read-only or capped with ``max_page_count``, PostgreSQL with ``default_transaction_read_only``.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine, make_url

from app import migrate
from app.auth import Principal
from app.db import database_trouble, make_engine, session_scope
from app.main import UNAVAILABLE_MESSAGES, create_app
from app.schemas import PartnershipCreate
from app.services import partnerships, users, websessions
from app.settings import Settings
from app.tables import Engagement, Partnership, Stakeholder, Tie
from tests.conftest import DATABASES, PG_URL, fresh_engine
from tests.factories import table_counts

ROOT = Path(__file__).resolve().parents[2]
UNAVAILABLE = UNAVAILABLE_MESSAGES["unavailable"]
READ_ONLY = UNAVAILABLE_MESSAGES["read_only"]
FULL = UNAVAILABLE_MESSAGES["full"]


# -- helpers ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def seed(engine: Engine, *, people: int = 3) -> dict:
    """The schema, an admin with a token, and a partnership with a few people and a tie."""
    if migrate.is_empty(engine):
        migrate.upgrade(engine)
    with session_scope(engine) as session:
        user = users.create_user(session=session, email="admin@example.org", is_admin=True)
        _, token = users.create_token(session=session, user=user)
        cookie = websessions.start(session=session, user=user, hours=1)
        owner = Principal(user_id=user.id, email=user.email, is_admin=True)
        p = partnerships.create(
            session=session, data=PartnershipCreate(name="Riverside"), creator=owner
        )
        ids = []
        for i in range(people):
            s = Stakeholder(partnership_id=p.id, kind="person", name=f"Person {i}")
            session.add(s)
            session.flush()
            ids.append(s.id)
        session.add(Tie(partnership_id=p.id, source_id=ids[0], target_id=ids[1], kind="advises"))
        pid = p.id
    return {
        "pid": pid,
        "ids": ids,
        "headers": {"Authorization": f"Bearer {token}"},
        "cookie": cookie,
    }


def partnership_state(engine: Engine, pid: int) -> dict:
    """The partnership's revision and how many stakeholders, ties and engagements it has."""
    with engine.connect() as conn:
        counts = {
            t.__tablename__: conn.execute(
                select(func.count()).select_from(t).where(t.partnership_id == pid)
            ).scalar_one()
            for t in (Stakeholder, Tie, Engagement)
        }
        counts["revision"] = conn.execute(
            select(Partnership.revision).where(Partnership.id == pid)
        ).scalar_one()
    return counts


def native_document(people: int, ties: int, engagements: int) -> bytes:
    """A native import document of a given size (deterministic)."""
    names = [f"x{i}" for i in range(people)]
    doc = {
        "format": "stakemap/v1",
        "stakeholders": [
            {"kind": "person", "external_id": n, "name": f"Imported {n}", "notes": "n" * 200}
            for n in names
        ],
        "ties": [
            {
                "external_id": f"t{i}",
                "source": names[i % people],
                "target": names[(i + 1 + i % 97) % people],
                "kind": "collaborates",
            }
            for i in range(ties)
        ],  # fmt: skip
        "engagements": [
            {
                "external_id": f"e{i}",
                "channel": "meeting",
                "occurred_on": "2026-03-01",
                "participants": [names[i % people], names[(i + 1 + i % 89) % people]],
            }
            for i in range(engagements)
        ],  # fmt: skip
    }
    return json.dumps(doc).encode()


def sqlite_integrity(path: Path) -> tuple[str, list]:
    conn = sqlite3.connect(path)
    try:
        return (
            conn.execute("PRAGMA integrity_check").fetchone()[0],
            conn.execute("PRAGMA foreign_key_check").fetchall(),
        )
    finally:
        conn.close()


# -- 1. SIGKILL in the middle of an import ---------------------------------------------------------


class Server:
    """``stakemap serve`` in its own process group, on a free port."""

    def __init__(self, database_url: str, log: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "STAKEMAP_DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1"}
        self.log = log.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from app.cli import main; main()", "serve",
             "--port", str(self.port)],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, "the server exited early"
            try:
                if httpx.get(self.base + "/api/v1/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise AssertionError("the server did not start")

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)
        self.log.close()


def _write_in_flight_sqlite(path: Path, wal_before: int) -> bool:
    """True when a writer holds SQLite's write lock and has spilled pages into the WAL."""
    conn = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return False  # nobody holds the write lock
    except sqlite3.OperationalError as exc:
        assert "locked" in str(exc), exc
        wal = path.with_name(path.name + "-wal")
        return wal.exists() and wal.stat().st_size > wal_before
    finally:
        conn.close()


def _write_in_flight_pg(engine: Engine) -> bool:
    """True when another backend's open transaction has inserted stakeholders (holds an xid)."""
    with engine.connect() as conn:
        return bool(
            conn.exec_driver_sql(
                "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
                "AND datname = current_database() AND backend_xid IS NOT NULL "
                "AND state IN ('active', 'idle in transaction')"
            ).scalar_one()
        )


@pytest.mark.parametrize("kind", DATABASES)
def test_sigkill_mid_import_leaves_all_or_nothing(kind, tmp_path):
    with fresh_engine(kind, tmp_path) as engine:
        s = seed(engine)
        pid = s["pid"]
        before = partnership_state(engine, pid)
        body = native_document(6000, 12000, 6000)
        db_path = Path(engine.url.database) if kind == "sqlite" else None
        wal = db_path.with_name(db_path.name + "-wal") if db_path else None

        server = Server(url_of(engine), tmp_path / "server.log")
        try:
            server.wait_ready()
            wal_before = wal.stat().st_size if wal and wal.exists() else 0
            result: dict = {}

            def post() -> None:
                try:
                    r = httpx.post(
                        f"{server.base}/api/v1/partnerships/{pid}/import",
                        content=body,
                        headers={**s["headers"], "Content-Type": "application/json"},
                        timeout=120,
                    )
                    result["status"] = r.status_code
                except httpx.TransportError as exc:
                    result["error"] = exc

            thread = threading.Thread(target=post)
            thread.start()
            # Wait until the import is writing (not a blind sleep), then kill the server.
            deadline = time.monotonic() + 60
            while True:
                assert time.monotonic() < deadline, "never saw the import write"
                assert "status" not in result, f"the import finished first: {result}"
                if (
                    _write_in_flight_sqlite(db_path, wal_before)
                    if db_path
                    else _write_in_flight_pg(engine)
                ):
                    break
                time.sleep(0.01)
            server.kill()
            thread.join(30)
            assert "error" in result, result  # the client saw the connection drop
        finally:
            server.kill()

        engine.dispose()
        if db_path:
            assert sqlite_integrity(db_path) == ("ok", [])
        # PostgreSQL aborts the dead client's transaction; wait until its backend has gone.
        deadline = time.monotonic() + 10
        while kind != "sqlite" and _write_in_flight_pg(engine):
            assert time.monotonic() < deadline
            time.sleep(0.05)
        after = partnership_state(engine, pid)
        full = {
            "stakeholder": before["stakeholder"] + 6000,
            "tie": before["tie"] + 12000,
            "engagement": before["engagement"] + 6000,
        }
        # All or nothing, and a revision that matches: killed before the commit, so nothing.
        assert after == before or (
            {k: after[k] for k in full} == full and after["revision"] > before["revision"]
        ), (before, after)

        restarted = Server(url_of(engine), tmp_path / "server.log")
        try:
            restarted.wait_ready()
            api = f"{restarted.base}/api/v1/partnerships/{pid}"
            r = httpx.get(api, headers=s["headers"])
            assert r.status_code == 200 and r.json()["revision"] == after["revision"]
            r = httpx.get(api + "/stakeholders", headers=s["headers"], params={"limit": 1})
            assert r.json()["count"] == after["stakeholder"]
            r = httpx.post(
                api + "/import",
                content=native_document(20, 10, 5),
                headers={**s["headers"], "Content-Type": "application/json"},
                timeout=60,
            )
            assert r.status_code == 200, r.text  # the write lock is free again
        finally:
            restarted.kill()
        assert partnership_state(engine, pid)["stakeholder"] == before["stakeholder"] + 20
        if db_path:
            engine.dispose()
            assert sqlite_integrity(db_path) == ("ok", [])


# -- 2. An unreachable database --------------------------------------------------------------------


class Proxy:
    """A TCP forwarder from a local port to PostgreSQL: ``stop`` is the database going away
    (the listener closes and every open connection is cut), ``start`` is it coming back."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.port = free_port()
        self.listener: socket.socket | None = None
        self.conns: list[socket.socket] = []
        self.lock = threading.Lock()

    def start(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def stop(self) -> None:
        # shutdown() wakes the thread blocked in accept(); close() alone leaves it listening.
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        with self.lock:
            for c in self.conns:
                with contextlib.suppress(OSError):
                    c.shutdown(socket.SHUT_RDWR)
                c.close()
            self.conns.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # stopped
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)


def _client(engine: Engine, **settings) -> TestClient:
    app = create_app(Settings(database_url=url_of(engine), **settings), engine=engine)
    return TestClient(app, raise_server_exceptions=False)


@pytest.mark.skipif(PG_URL is None, reason="needs STAKEMAP_TEST_DATABASE_URL (PostgreSQL)")
def test_unreachable_postgresql_gives_503_and_the_service_recovers_by_itself(tmp_path):
    with fresh_engine("postgresql", tmp_path) as direct:
        s = seed(direct)
        pid = s["pid"]
        url = make_url(url_of(direct))
        proxy = Proxy((url.host or "127.0.0.1", url.port or 5432))
        proxy.start()
        engine = make_engine(
            url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        )
        client = _client(engine)
        api = f"/api/v1/partnerships/{pid}"
        page = {"Accept": "text/html", "Cookie": f"stakemap_session={s['cookie']}"}
        try:
            assert client.get(api, headers=s["headers"]).status_code == 200
            assert client.get(f"/partnerships/{pid}", headers=page).status_code == 200
            before = partnership_state(direct, pid)

            proxy.stop()  # the pool's connections are now dead and new ones are refused
            r = client.get(api, headers=s["headers"])
            assert r.status_code == 503
            assert r.json() == {"detail": UNAVAILABLE}
            assert r.headers["Retry-After"] == "5"
            r = client.post(
                api + "/stakeholders", headers=s["headers"], json={"kind": "person", "name": "Z"}
            )
            assert (r.status_code, r.json()) == (503, {"detail": UNAVAILABLE})
            r = client.get(f"/partnerships/{pid}", headers=page)
            assert r.status_code == 503
            assert r.headers["content-type"].startswith("text/html")
            assert "<h1>Service unavailable</h1>" in r.text and UNAVAILABLE in r.text
            assert client.get("/api/v1/health").status_code == 503

            proxy.start()  # the database is back: the very next requests work, no restart
            r = client.get(api, headers=s["headers"])
            assert r.status_code == 200, r.text
            assert client.get(f"/partnerships/{pid}", headers=page).status_code == 200
            r = client.post(
                api + "/stakeholders", headers=s["headers"], json={"kind": "person", "name": "Z"}
            )
            assert r.status_code == 201, r.text
            assert client.get("/api/v1/health").json()["database"] == "ok"
        finally:
            client.close()
            engine.dispose()
            proxy.stop()
        after = partnership_state(direct, pid)
        assert after["stakeholder"] == before["stakeholder"] + 1  # only the write after recovery


def test_sqlite_locked_past_the_busy_timeout_gives_503_then_recovers(tmp_path):
    """Another process (a backup, a migration) holding SQLite's write lock: writes wait the busy
    timeout, then answer 503; reads go on (WAL); writes work again once the lock is let go."""
    with fresh_engine("sqlite", tmp_path) as seeded:
        s = seed(seeded)
    path = tmp_path / "test.db"
    engine = make_engine(f"sqlite:///{path}", busy_timeout_ms=200)
    client = _client(engine)
    api = f"/api/v1/partnerships/{s['pid']}"
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        r = client.post(
            api + "/stakeholders", headers=s["headers"], json={"kind": "person", "name": "Z"}
        )
        assert (r.status_code, r.json()) == (503, {"detail": UNAVAILABLE})
        assert r.headers["Retry-After"] == "5"
        assert (
            client.get(api + "/stakeholders", headers=s["headers"]).json()["count"] == 4
        )  # the hub and 3
        holder.execute("ROLLBACK")
        r = client.post(
            api + "/stakeholders", headers=s["headers"], json={"kind": "person", "name": "Z"}
        )
        assert r.status_code == 201, r.text
    finally:
        holder.close()
        client.close()
        engine.dispose()
    assert sqlite_integrity(path) == ("ok", [])


# -- 3. A read-only or full database ---------------------------------------------------------------


def _refused_writes(client: TestClient, s: dict, message: str, *, delete: bool = True) -> None:
    """Every kind of write answers 503 with ``message``; reads of records and lists still work.

    Each write grows the database (a full one may still let a delete through, so ``delete``).
    """
    api = f"/api/v1/partnerships/{s['pid']}"
    h = s["headers"]
    r = client.get(api, headers=h)
    assert r.status_code == 200, r.text
    etag = r.headers["ETag"]
    people = client.get(api + "/stakeholders", headers=h)
    assert people.status_code == 200 and people.json()["count"] == 4  # the hub and 3
    one = client.get(f"{api}/stakeholders/{s['ids'][0]}", headers=h)
    assert one.status_code == 200 and one.json()["name"] == "Person 0"
    writes = [
        (
            "POST",
            api + "/stakeholders",
            {"json": {"kind": "person", "name": "N", "notes": "n" * 5000}},
        ),
        ("PATCH", f"{api}/stakeholders/{s['ids'][0]}", {"json": {"notes": "x" * 5000}}),
        ("PATCH", api, {"json": {"description": "d" * 9000}, "headers": {"If-Match": etag}}),
        (
            "POST",
            api + "/import",
            {
                "content": native_document(400, 400, 200),
                "headers": {"Content-Type": "application/json"},
            },
        ),
    ]
    if delete:
        writes.append(("DELETE", f"{api}/stakeholders/{s['ids'][2]}", {}))
    for method, path, kw in writes:
        headers = {**h, **kw.pop("headers", {})}
        r = client.request(method, path, headers=headers, **kw)
        assert (r.status_code, r.json()) == (503, {"detail": message}), (method, path)
        assert r.headers["Retry-After"] == "5"


@pytest.mark.parametrize("kind", DATABASES)
def test_read_only_database_refuses_writes_clearly_and_keeps_reads(kind, tmp_path):
    with fresh_engine(kind, tmp_path) as engine:
        s = seed(engine)
        before = table_counts(engine)
        if kind == "sqlite":
            # What a read-only mount or file gives (chmod is no test when running as root).
            ro_url = f"sqlite:///file:{engine.url.database}?mode=ro&uri=true"
        else:
            ro_url = url_of(engine) + "%20-cdefault_transaction_read_only%3Don"
        ro = make_engine(ro_url)
        client = _client(ro)
        try:
            _refused_writes(client, s, READ_ONLY)
        finally:
            client.close()
            ro.dispose()
        assert table_counts(engine) == before  # no half write
        if kind == "sqlite":
            engine.dispose()
            assert sqlite_integrity(Path(engine.url.database)) == ("ok", [])


def test_full_sqlite_database_refuses_writes_clearly_without_corruption(tmp_path):
    with fresh_engine("sqlite", tmp_path) as engine:
        s = seed(engine)
        before = table_counts(engine)
        path = Path(engine.url.database)
    full = make_engine(f"sqlite:///{path}")

    @event.listens_for(full, "connect")
    def _cap(dbapi_conn, _record):
        # The database may not grow by a single page: what a full disk does to SQLite.
        cur = dbapi_conn.cursor()
        pages = cur.execute("PRAGMA page_count").fetchone()[0]
        cur.execute(f"PRAGMA max_page_count={pages}")
        cur.close()

    client = _client(full)
    try:
        _refused_writes(client, s, FULL, delete=False)
    finally:
        client.close()
        full.dispose()
    engine = make_engine(f"sqlite:///{path}")
    try:
        assert table_counts(engine) == before
        assert sqlite_integrity(path) == ("ok", [])
        client = _client(engine)  # space again: the same writes now succeed
        r = client.post(
            f"/api/v1/partnerships/{s['pid']}/import",
            content=native_document(400, 400, 200),
            headers={**s["headers"], "Content-Type": "application/json"},
        )
        assert r.status_code == 200, r.text
        client.close()
    finally:
        engine.dispose()
    assert sqlite_integrity(path) == ("ok", [])


@pytest.mark.parametrize(
    "error, kind",
    [
        (psycopg.errors.DiskFull("could not extend file"), "full"),
        (psycopg.errors.ReadOnlySqlTransaction("read-only transaction"), "read_only"),
        (psycopg.errors.InsufficientPrivilege("permission denied for table"), "read_only"),
        (psycopg.errors.AdminShutdown("terminating connection"), "unavailable"),
        (psycopg.errors.TooManyConnections("too many clients"), "unavailable"),
        (psycopg.OperationalError("connection refused"), "unavailable"),
        (sqlite3.OperationalError("database or disk is full"), "full"),
        (sqlite3.OperationalError("attempt to write a readonly database"), "read_only"),
        (sqlite3.OperationalError("database is locked"), "unavailable"),
        (psycopg.errors.UniqueViolation("duplicate key"), None),
        (psycopg.errors.UndefinedColumn("column does not exist"), None),
        (sqlite3.IntegrityError("UNIQUE constraint failed"), None),
    ],
)
def test_database_trouble_tells_outages_from_bugs(error, kind):
    """PostgreSQL's full disk and SELECT-only roles cannot be staged here cheaply: their codes."""
    wrapped = sa_exc.DBAPIError.instance("INSERT ...", {}, error, type(error))
    assert database_trouble(wrapped) == kind
