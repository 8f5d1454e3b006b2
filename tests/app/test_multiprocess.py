"""Several server processes on one database (issue 7 item 3).

Two real ``stakemap serve`` processes (the first with ``--workers 2``, so three processes in all)
share one database: PostgreSQL when STAKEMAP_TEST_DATABASE_URL is set, and a SQLite file always.
Both are driven at once with writes and reads: no lost update, no duplicate from concurrent
imports of the same file, each analysis computed once across every process, and both servers
serving byte-identical analysis JSON.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from app import migrate
from app.auth import Principal
from app.db import session_scope
from app.schemas import PartnershipCreate
from app.services import partnerships, users
from app.tables import AnalysisJob, AnalysisResult, Engagement, Partnership, Stakeholder, Tie
from tests.conftest import DATABASES, fresh_engine

ROOT = Path(__file__).resolve().parents[2]
SECTIONS = ["summary", "reach", "centrality", "brokerage", "fragility", "communities", "gaps"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Serve:
    """``stakemap serve`` in a process group of its own, on a free port of 127.0.0.1."""

    def __init__(self, database_url: str, log: Path, *, workers: int = 1):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "STAKEMAP_DATABASE_URL": database_url,
            "STAKEMAP_ANALYSIS_WAIT_SECONDS": "0.2",
            "PYTHONUNBUFFERED": "1",
        }
        self.log = log
        self._out = log.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from app.cli import main; main()", "serve",
             "--port", str(self.port), "--workers", str(workers)],
            cwd=ROOT, env=env, stdout=self._out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def wait_ready(self, timeout: float = 40) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"the server exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(self.base + "/api/v1/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise AssertionError(f"the server did not start: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        self._out.close()


@pytest.fixture(params=DATABASES)
def cluster(request, tmp_path) -> Iterator[tuple[Engine, list[httpx.Client], dict]]:
    """One database, two servers on it, an API client for each, and a seeded partnership."""
    with fresh_engine(request.param, tmp_path) as engine:
        migrate.upgrade(engine)
        with session_scope(engine) as s:
            user = users.create_user(session=s, email="admin@example.org", is_admin=True)
            _, token = users.create_token(session=s, user=user)
            owner = Principal(user_id=user.id, email=user.email, is_admin=True)
            p = partnerships.create(
                session=s, data=PartnershipCreate(name="Riverside"), creator=owner
            )
            pid, hub = p.id, partnerships.hub_id(session=s, partnership_id=p.id)
        url = engine.url.render_as_string(hide_password=False)
        servers = [
            Serve(url, tmp_path / "a.log", workers=2),
            Serve(url, tmp_path / "b.log"),
        ]
        clients = []
        try:
            for server in servers:
                server.wait_ready()
                clients.append(
                    httpx.Client(
                        base_url=server.base + "/api/v1",
                        headers={"Authorization": f"Bearer {token}"},
                        timeout=60,
                    )
                )
            yield engine, clients, {"pid": pid, "hub": hub}
        finally:
            for c in clients:
                c.close()
            for server in servers:
                server.stop()


def _together(n: int, fn) -> list:
    """Run fn(0..n-1) in n threads released at the same moment; return their results."""
    barrier = threading.Barrier(n)

    def go(i):
        barrier.wait()
        return fn(i)

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(go, range(n)))


def _count(engine: Engine, table, pid: int) -> int:
    with engine.connect() as conn:
        return conn.execute(
            select(func.count()).select_from(table).where(table.partnership_id == pid)
        ).scalar_one()


def _revision(engine: Engine, pid: int) -> int:
    with engine.connect() as conn:
        return conn.execute(select(Partnership.revision).where(Partnership.id == pid)).scalar_one()


def _until_ready(client: httpx.Client, path: str) -> httpx.Response:
    deadline = time.monotonic() + 30
    while True:
        r = client.get(path)
        if r.status_code != 202:
            return r
        assert time.monotonic() < deadline, r.text
        time.sleep(float(r.headers["Retry-After"]) / 4)


def test_two_servers_on_one_database(cluster):
    engine, (a, b), ids = cluster
    pid, hub = ids["pid"], ids["hub"]
    both = (a, b)
    base = f"/partnerships/{pid}"

    # Non-conflicting writes through both servers at once: every one lands, each adds one to
    # the revision.
    start = _revision(engine, pid)

    def create(i):
        body = {"kind": "person", "name": f"Person {i}", "organisation_id": hub if i < 2 else None}
        return both[i % 2].post(f"{base}/stakeholders", json=body)

    made = _together(12, create)
    assert [r.status_code for r in made] == [201] * 12, [
        r.text for r in made if r.status_code != 201
    ]
    people = [r.json()["id"] for r in made]
    assert _count(engine, Stakeholder, pid) == 13
    assert _revision(engine, pid) == start + 12

    # Conflicting writes: 8 PATCHes with the same If-Match, half through each server. Exactly one
    # wins; the others get 412; the record holds the winner's change.
    target = f"{base}/stakeholders/{people[5]}"
    tag = a.get(target).headers["ETag"]

    def rename(i):
        return both[i % 2].patch(target, json={"name": f"Renamed {i}"}, headers={"If-Match": tag})

    renamed = _together(8, rename)
    codes = sorted(r.status_code for r in renamed)
    assert codes == [200] + [412] * 7, [(r.status_code, r.text) for r in renamed]
    [winner] = [r.json()["name"] for r in renamed if r.status_code == 200]
    assert a.get(target).json()["name"] == b.get(target).json()["name"] == winner

    # Read-modify-write with retry on 412 (what the browser does): no tag is lost.
    def add_tag(i):
        client = both[i % 2]
        for _ in range(100):
            current = client.get(target)
            tags = current.json()["tags"] + [f"t{i}"]
            r = client.patch(
                target, json={"tags": tags}, headers={"If-Match": current.headers["ETag"]}
            )
            if r.status_code == 200:
                return 1
            assert r.status_code == 412, r.text
        raise AssertionError("never got through")

    _together(6, add_tag)
    assert sorted(a.get(target).json()["tags"]) == [f"t{i}" for i in range(6)]

    # Concurrent imports of the same file through both servers: the same as one import.
    doc = {
        "format": "stakemap/v1",
        "stakeholders": [
            {"kind": "organisation", "external_id": "org", "name": "Imported Council",
             "sector": "local_government"},
            *[
                {"kind": "person", "external_id": f"p{i}", "name": f"Imported {i}",
                 "organisation": "org"}
                for i in range(20)
            ],
        ],
        "ties": [
            {"external_id": f"t{i}", "source": f"p{i}", "target": f"p{(i + 1) % 20}"}
            for i in range(20)
        ] + [{"external_id": "link", "source": "p0", "target": "hub", "strength": 5}],
        "engagements": [
            {"external_id": f"e{i}", "channel": "meeting", "occurred_on": "2026-03-01",
             "participants": ["hub", f"p{i}", f"p{(i + 7) % 20}"]}
            for i in range(10)
        ],
    }  # fmt: skip
    body = json.dumps(doc)
    before = {t: _count(engine, t, pid) for t in (Stakeholder, Tie, Engagement)}
    rev_before = _revision(engine, pid)

    def post_import(i):
        return both[i % 2].post(
            f"{base}/import?format=stakemap",
            content=body,
            headers={"content-type": "application/json"},
        )

    imported = _together(4, post_import)
    assert all(r.status_code == 200 for r in imported), [(r.status_code, r.text) for r in imported]
    created = [r.json()["created"] for r in imported]
    assert sum(c["people"] for c in created) == 20
    assert sum(c["organisations"] for c in created) == 1
    assert sum(c["ties"] for c in created) == 21
    assert sum(c["engagements"] for c in created) == 10
    after = {t: _count(engine, t, pid) for t in (Stakeholder, Tie, Engagement)}
    assert after == {
        Stakeholder: before[Stakeholder] + 21,
        Tie: before[Tie] + 21,
        Engagement: before[Engagement] + 10,
    }
    assert _revision(engine, pid) == rev_before + 1  # one import changed anything; the rest nothing

    # Every section asked for at once, through every process: one job, computed once, and both
    # servers serve the same bytes.
    rev = _revision(engine, pid)

    def ask(i):
        return _until_ready(both[i % 2], f"{base}/analysis/{SECTIONS[i % len(SECTIONS)]}")

    answers = _together(14, ask)
    assert all(r.status_code == 200 for r in answers), [r.text for r in answers]
    with session_scope(engine, write=False) as s:
        jobs = s.execute(
            select(AnalysisJob.section, AnalysisJob.status, AnalysisJob.attempt).where(
                AnalysisJob.partnership_id == pid, AnalysisJob.revision == rev
            )
        ).all()
        stored = s.execute(
            select(AnalysisResult.section).where(
                AnalysisResult.partnership_id == pid, AnalysisResult.revision == rev
            )
        ).scalars()
        assert sorted(stored) == sorted(SECTIONS)
    assert [tuple(j) for j in jobs] == [("full", "done", 1)]
    for name in SECTIONS:
        assert a.get(f"{base}/analysis/{name}").content == b.get(f"{base}/analysis/{name}").content
    graph_a, graph_b = _until_ready(a, f"{base}/graph"), _until_ready(b, f"{base}/graph")
    assert graph_a.status_code == 200 and graph_a.content == graph_b.content
    assert graph_a.json()["graph"]["revision"] == rev
    assert len(graph_a.json()["nodes"]) == after[Stakeholder]
