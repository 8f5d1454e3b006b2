"""Analysis jobs: one computation per (partnership, revision, key), claimed through the database.

Every test runs on SQLite and, when STAKEMAP_TEST_DATABASE_URL is set, on PostgreSQL. Most use a
wait of 0 s, so a request that finds no result answers 202 at once and the test sees the job.
"""

from __future__ import annotations

import json
import os
import threading
import time
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update

from app.db import session_scope
from app.services import analysis as service
from app.services import graphdata
from app.settings import Settings
from app.tables import AnalysisJob, AnalysisResult, Partnership, utcnow
from tests.factories import ApiClient, tiny_partnership

REAL_FULL = service.compute_full
SECTIONS = ["summary", "reach", "centrality", "brokerage", "fragility", "communities", "gaps"]


@pytest.fixture
def quick(db_engine, tmp_path):
    """An API client whose analysis requests never wait: 202 whenever the result is not stored."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'unused.db'}", analysis_wait_seconds=0)
    client = ApiClient.start(db_engine, settings)
    yield client
    assert service.drain(30), "an analysis job was still running at the end of the test"
    client.close()


@pytest.fixture
def patient(db_engine, tmp_path):
    """An API client that waits up to 10 s for a result."""
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'unused.db'}", analysis_wait_seconds=10
    )
    client = ApiClient.start(db_engine, settings)
    yield client
    assert service.drain(30)
    client.close()


class Gate:
    """Stands in for the full analysis: counts its runs and holds each until released."""

    def __init__(self, real, *, fail_first: int = 0):
        self.real = real
        self.calls = 0
        self.fail_first = fail_first
        self.open = threading.Event()
        self.entered = threading.Event()
        self._lock = threading.Lock()

    def __call__(self, rec, as_of, progress):
        with self._lock:
            self.calls += 1
            call = self.calls
        progress("centrality", 0.42)
        self.entered.set()
        assert self.open.wait(30), "the test never released the computation"
        if call <= self.fail_first:
            raise RuntimeError("boom")
        return self.real(rec, as_of, progress)


@pytest.fixture
def gate(monkeypatch):
    g = Gate(service.compute_full)
    # the gate's events and counter live in this process: compute in a thread, not a child
    monkeypatch.setattr(service, "ISOLATION", "thread")
    monkeypatch.setattr(service, "compute_full", g)
    yield g
    g.open.set()  # never leave a worker thread blocked


def jobs(engine, pid: int | None = None) -> list:
    with session_scope(engine, write=False) as s:
        q = select(AnalysisJob).order_by(AnalysisJob.id)
        if pid is not None:
            q = q.where(AnalysisJob.partnership_id == pid)
        return list(s.execute(q).scalars())


def result_revisions(engine, pid: int) -> set[int]:
    with session_scope(engine, write=False) as s:
        rows = s.execute(
            select(AnalysisResult.revision).where(AnalysisResult.partnership_id == pid)
        ).scalars()
        return set(rows)


def poll(client: ApiClient, method: str, path: str, *, seconds: float = 30, **kw):
    """Repeat a request while it answers 202; return the first other response."""
    deadline = time.monotonic() + seconds
    while True:
        r = client.request(method, path, **kw)
        if r.status_code != 202:
            return r
        assert time.monotonic() < deadline, f"still 202 after {seconds} s: {r.text}"
        time.sleep(0.05)


def expected_section(engine, pid: int, name: str) -> str:
    """The section computed directly, inline, as the JSON text the API must serve."""
    with session_scope(engine, write=False) as s:
        rec = graphdata.load(session=s, partnership=s.get(Partnership, pid))
    result = REAL_FULL(rec, date.today(), lambda *_: None)
    return service._dump(result[name])


def connected(api: ApiClient) -> dict:
    t = tiny_partnership(api)
    api.tie(t["pid"], t["director"], t["coordinator"], strength=4)
    api.tie(t["pid"], t["officer"], t["director"], kind="reports_to")
    return t


def test_concurrent_requests_start_exactly_one_computation(quick, gate):
    pid = connected(quick)["pid"]
    statuses: list[int] = []
    barrier = threading.Barrier(8)

    def ask(i):
        barrier.wait()
        r = quick.get(f"/partnerships/{pid}/analysis/{SECTIONS[i % len(SECTIONS)]}")
        statuses.append(r.status_code)

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert statuses == [202] * 8
    assert gate.entered.wait(10)
    # Every section shares the one full run: one job row, one computation, however many asked.
    assert [(j.section, j.status, j.attempt) for j in jobs(quick.engine)] == [
        ("full", "running", 1)
    ]
    assert gate.calls == 1
    gate.open.set()
    for name in SECTIONS:
        assert poll(quick, "GET", f"/partnerships/{pid}/analysis/{name}").status_code == 200
    assert gate.calls == 1
    [job] = jobs(quick.engine)
    assert (job.status, job.progress, job.phase, job.error) == ("done", 1.0, "done", "")


def test_threads_calling_the_service_directly_claim_once(db_engine, gate):
    """Without HTTP: 6 threads, each with its own session, race for the same missing result."""
    with session_scope(db_engine) as s:
        p = Partnership(name="Race")
        s.add(p)
        s.flush()
        from app.tables import Stakeholder

        s.add(Stakeholder(partnership_id=p.id, kind="hub", name="Hub"))
        pid = p.id
    answers = []
    barrier = threading.Barrier(6)

    def ask():
        barrier.wait()
        with session_scope(db_engine, write=False) as s:
            answers.append(
                service.section(
                    session=s,
                    partnership=s.get(Partnership, pid),
                    name="summary",
                    as_of=date.today(),
                    wait=0,
                )
            )

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(answers) == 6 and all(isinstance(a, service.Pending) for a in answers)
    assert gate.entered.wait(10)
    assert len(jobs(db_engine)) == 1 and gate.calls == 1
    gate.open.set()
    assert service.drain(30)
    assert gate.calls == 1
    assert jobs(db_engine)[0].status == "done"


def test_202_with_progress_then_200_with_the_same_result(quick, gate):
    t = connected(quick)
    pid = t["pid"]
    path = f"/partnerships/{pid}/analysis/reach"
    r = quick.get(path, params={"as_of": date.today().isoformat()})
    assert r.status_code == 202
    assert r.headers["Retry-After"] == "1"
    assert r.headers["Location"] == f"/api/v1{path}?as_of={date.today().isoformat()}"
    assert gate.entered.wait(10)
    r = quick.get(path)
    assert r.status_code == 202
    assert r.json() == {
        "status": "running",
        "progress": 0.42,
        "phase": "centrality",
        "retry_after": 1,
    }
    gate.open.set()
    done = poll(quick, "GET", path)
    assert done.status_code == 200
    assert done.text == expected_section(quick.engine, pid, "reach")
    assert json.loads(done.text)["tiers"][str(t["officer"])] == 2
    # Served from the table from now on, byte for byte.
    assert quick.get(path).text == done.text
    assert gate.calls == 1


def test_a_small_partnership_is_answered_at_once_within_the_wait(patient):
    t = connected(patient)
    r = patient.get(f"/partnerships/{t['pid']}/analysis/summary")
    assert r.status_code == 200
    assert r.json()["stakeholders"] == 6
    [job] = jobs(patient.engine)
    assert job.status == "done" and job.claimed_by.endswith(f":{os.getpid()}")


def test_a_stale_job_is_reclaimed_and_a_live_one_is_not(quick, gate):
    pid = connected(quick)["pid"]
    rev = quick.revision(pid)
    key = service._key("full", date.today(), None)
    old = utcnow() - service.STALE_AFTER - timedelta(seconds=5)
    with session_scope(quick.engine) as s:
        s.add(
            AnalysisJob(
                partnership_id=pid, revision=rev, key=key, section="full", as_of=date.today(),
                progress=0.3, phase="fragility", claimed_by="ghost:1", started_at=old,
                heartbeat_at=utcnow(),
            )
        )  # fmt: skip
    # A live job of another process (fresh heartbeat) is left alone: its progress is reported.
    r = quick.get(f"/partnerships/{pid}/analysis/summary")
    assert r.status_code == 202
    assert (r.json()["phase"], r.json()["progress"]) == ("fragility", 0.3)
    time.sleep(0.2)
    assert gate.calls == 0
    # That process dies: its heartbeat stops. The next request takes the job over, once.
    with session_scope(quick.engine) as s:
        s.execute(update(AnalysisJob).values(heartbeat_at=old))
    statuses = []
    threads = [
        threading.Thread(
            target=lambda: statuses.append(
                quick.get(f"/partnerships/{pid}/analysis/summary").status_code
            )
        )
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert statuses == [202] * 4
    assert gate.entered.wait(10)
    [job] = jobs(quick.engine)
    assert job.attempt == 2 and job.claimed_by != "ghost:1" and job.status == "running"
    gate.open.set()
    assert poll(quick, "GET", f"/partnerships/{pid}/analysis/summary").status_code == 200
    assert gate.calls == 1
    [job] = jobs(quick.engine)
    assert (job.status, job.attempt) == ("done", 2)


def test_a_failed_job_reports_its_error_then_is_retried_after_the_backoff(quick, monkeypatch):
    g = Gate(service.compute_full, fail_first=1)
    g.open.set()
    monkeypatch.setattr(service, "ISOLATION", "thread")
    monkeypatch.setattr(service, "compute_full", g)
    pid = connected(quick)["pid"]
    path = f"/partnerships/{pid}/analysis/gaps"
    assert quick.get(path).status_code == 202
    assert service.drain(30)
    r = quick.get(path)
    assert r.status_code == 202
    body = r.json()
    assert body["status"] == "failed"
    assert body["error"] == "RuntimeError: boom"
    assert 1 <= body["retry_after"] <= service.RETRY_BASE
    assert r.headers["Retry-After"] == str(body["retry_after"])
    [job] = jobs(quick.engine)
    assert (job.status, job.failures) == ("failed", 1)
    # Within the backoff nothing is recomputed, however often it is asked.
    for _ in range(3):
        assert quick.get(path).json()["status"] == "failed"
    assert g.calls == 1
    # Once the backoff has passed, the next request retries it, and it succeeds this time.
    with session_scope(quick.engine) as s:
        s.execute(update(AnalysisJob).values(finished_at=utcnow() - timedelta(hours=1)))
    ok = poll(quick, "GET", path)
    assert ok.status_code == 200
    assert ok.text == expected_section(quick.engine, pid, "gaps")
    assert g.calls == 2
    [job] = jobs(quick.engine)
    assert (job.status, job.attempt, job.failures) == ("done", 2, 1)


def test_the_backoff_doubles_with_each_failure():
    assert [service._backoff(n) for n in (1, 2, 3)] == [
        service.RETRY_BASE,
        2 * service.RETRY_BASE,
        4 * service.RETRY_BASE,
    ]
    assert service._backoff(50) == service.RETRY_MAX


def test_a_write_makes_a_new_job_and_retires_the_old_ones(quick):
    t = connected(quick)
    pid = t["pid"]
    before = poll(quick, "GET", f"/partnerships/{pid}/analysis/summary").json()
    rev = quick.revision(pid)
    assert [(j.revision, j.status) for j in jobs(quick.engine)] == [(rev, "done")]
    quick.stakeholder(pid, name="Newcomer", organisation_id=t["charity"])
    after = poll(quick, "GET", f"/partnerships/{pid}/analysis/summary").json()
    assert after["stakeholders"] == before["stakeholders"] + 1
    assert [(j.revision, j.status) for j in jobs(quick.engine)] == [(rev + 1, "done")]
    assert result_revisions(quick.engine, pid) == {rev + 1}


def test_a_job_whose_partnership_changes_meanwhile_stores_nothing(quick, gate):
    t = connected(quick)
    pid = t["pid"]
    rev = quick.revision(pid)
    assert quick.get(f"/partnerships/{pid}/analysis/summary").status_code == 202
    assert gate.entered.wait(10)
    quick.stakeholder(pid, name="Late arrival", organisation_id=t["charity"])
    gate.open.set()
    assert service.drain(30)
    [job] = jobs(quick.engine)
    assert (job.revision, job.status, job.error) == (rev, "failed", service.SUPERSEDED)
    assert result_revisions(quick.engine, pid) == set()
    # The next request computes the new revision (the superseded job is not "failed" for it).
    summary = poll(quick, "GET", f"/partnerships/{pid}/analysis/summary").json()
    assert summary["stakeholders"] == 7
    assert [(j.revision, j.status) for j in jobs(quick.engine)] == [(rev + 1, "done")]


def test_a_request_waiting_on_a_job_superseded_here_gets_the_answer_for_its_revision(quick, gate):
    # Under steady writes every job is superseded before it can store its result; the request
    # that asked (in the process that computed it) still gets the answer as of its revision,
    # which is never stored, so nothing outlives the data it describes.
    t = connected(quick)
    pid = t["pid"]
    answers = []

    def ask():
        with session_scope(quick.engine, write=False) as s:
            answers.append(
                service.section(
                    session=s,
                    partnership=s.get(Partnership, pid),
                    name="summary",
                    as_of=date.today(),
                    wait=30,
                )
            )

    waiting = threading.Thread(target=ask)
    waiting.start()
    assert gate.entered.wait(10)
    quick.stakeholder(pid, name="Late arrival", organisation_id=t["charity"])
    gate.open.set()
    waiting.join(30)
    [answer] = answers
    assert isinstance(answer, str), answer
    assert json.loads(answer)["stakeholders"] == 6  # the revision it asked about
    assert result_revisions(quick.engine, pid) == set()
    [job] = jobs(quick.engine)
    assert job.error == service.SUPERSEDED


def test_a_claimant_that_lost_its_claim_stores_nothing(quick, gate):
    """A process presumed dead that wakes up must not overwrite the newer claim's job."""
    pid = connected(quick)["pid"]
    assert quick.get(f"/partnerships/{pid}/analysis/summary").status_code == 202
    assert gate.entered.wait(10)
    with session_scope(quick.engine) as s:  # what another process's re-claim does
        s.execute(update(AnalysisJob).values(attempt=AnalysisJob.attempt + 1, claimed_by="x:2"))
    gate.open.set()
    assert service.drain(30)
    [job] = jobs(quick.engine)
    assert (job.status, job.claimed_by, job.attempt) == ("running", "x:2", 2)
    assert result_revisions(quick.engine, pid) == set()


def test_parameterised_analyses_go_through_jobs_too(quick):
    t = connected(quick)
    pid = t["pid"]
    cases = [
        ("GET", f"/partnerships/{pid}/graph", {}),
        ("GET", f"/partnerships/{pid}/analysis/path", {"params": {"target": t["officer"]}}),
        ("GET", f"/partnerships/{pid}/analysis/recommendations", {"params": {"k": 2}}),
        ("POST", f"/partnerships/{pid}/analysis/what-if", {"json": {"remove": [t["director"]]}}),
        (
            "GET",
            f"/partnerships/{pid}/analysis/compare",
            {"params": {"from": "2026-01-01", "to": "2026-06-01"}},
        ),
    ]
    for method, path, kw in cases:
        first = quick.request(method, path, **kw)
        assert first.status_code == 202, (path, first.text)
        assert first.json()["status"] == "running"
        assert ("Location" in first.headers) == (method == "GET")
        done = poll(quick, method, path, **kw)
        assert done.status_code == 200, (path, done.text)
    assert len(jobs(quick.engine, pid)) == len(cases)
    assert {j.status for j in jobs(quick.engine, pid)} == {"done"}
    path = quick.ok("GET", f"/partnerships/{pid}/analysis/path", params={"target": t["officer"]})
    assert path["path"][-2:] == [t["director"], t["officer"]]


def test_an_analysis_error_in_the_background_is_a_located_422(patient):
    t = connected(patient)
    pid = t["pid"]
    body = {
        "remove": [t["director"]],
        "add_ties": [{"source_id": t["officer"], "target_id": t["director"]}],
    }
    for _ in range(2):  # the second is answered from the job row, without computing again
        r = patient.post(f"/partnerships/{pid}/analysis/what-if", json=body)
        assert r.status_code == 422, r.text
        assert r.json()["detail"][0]["loc"] == ["body", "add_ties"]
    [job] = jobs(patient.engine)
    assert job.status == "invalid"


def test_jobs_never_write_the_audit_log(patient):
    from app.tables import AuditEntry

    t = connected(patient)
    with session_scope(patient.engine, write=False) as s:
        before = s.execute(select(func.count()).select_from(AuditEntry)).scalar_one()
    assert patient.get(f"/partnerships/{t['pid']}/analysis/summary").status_code == 200
    with session_scope(patient.engine, write=False) as s:
        assert s.execute(select(func.count()).select_from(AuditEntry)).scalar_one() == before


# -- the computation runs in a child process ---------------------------------------------------


class FileGate:
    """Stands in for the full analysis in a *child process*: it reports a progress, writes its
    pid and priority beside ``folder``, then holds until the test creates ``folder/open`` (a
    file, since the child shares no memory with the test), and acts as ``then`` says."""

    def __init__(self, folder, then: str = "compute"):
        self.folder, self.then = folder, then

    def __call__(self, rec, as_of, progress):
        progress("centrality", 0.42)
        (self.folder / "child").write_text(json.dumps([os.getpid(), os.nice(0), os.getppid()]))
        while not (self.folder / "open").exists():
            time.sleep(0.01)
        if self.then == "raise":
            raise RuntimeError("boom")
        if self.then == "exit":
            os._exit(3)
        return REAL_FULL(rec, as_of, progress)

    def child(self) -> tuple[int, int, int]:
        deadline = time.monotonic() + 20
        while not (self.folder / "child").exists():
            assert time.monotonic() < deadline, "the computation never started"
            time.sleep(0.01)
        time.sleep(0.05)  # the file is written in one go, but give the write a moment
        return tuple(json.loads((self.folder / "child").read_text()))

    def release(self) -> None:
        (self.folder / "open").touch()


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as f:  # a zombie waiting to be reaped is gone too
        return f.read().rsplit(")", 1)[1].split()[0] != "Z"


@pytest.fixture
def in_child(monkeypatch, tmp_path):
    monkeypatch.setattr(service, "ISOLATION", "process")

    def use(then: str = "compute") -> FileGate:
        g = FileGate(tmp_path, then)
        monkeypatch.setattr(service, "compute_full", g)
        return g

    yield use
    (tmp_path / "open").touch()  # never leave a child waiting


def test_the_computation_runs_in_a_child_at_lower_priority_and_reports_progress(quick, in_child):
    g = in_child()
    pid = connected(quick)["pid"]
    path = f"/partnerships/{pid}/analysis/summary"
    assert quick.get(path).status_code == 202
    child, nice, parent = g.child()
    assert child != os.getpid()
    # forked by the single-threaded fork server, never by this threaded process
    assert parent != os.getpid()
    assert nice == min(os.nice(0) + service.CHILD_NICE, 19)
    # the child's progress reaches the job row, so every process's 202 shows it
    deadline = time.monotonic() + 10
    while (body := quick.get(path).json())["progress"] != 0.42:
        assert time.monotonic() < deadline, body
        time.sleep(0.02)
    assert body["phase"] == "centrality"
    g.release()
    done = poll(quick, "GET", path)
    assert done.text == expected_section(quick.engine, pid, "summary")
    assert not alive(child)
    [job] = jobs(quick.engine)
    assert job.status == "done"


def fail_in_child(quick: ApiClient, gate: FileGate, section: str) -> tuple[str, dict]:
    """Ask for a section whose computation ``gate`` makes fail; the path and the 202 after."""
    pid = connected(quick)["pid"]
    path = f"/partnerships/{pid}/analysis/{section}"
    assert quick.get(path).status_code == 202
    gate.release()
    assert service.drain(30)
    return path, quick.get(path).json()


def test_an_error_in_the_child_fails_the_job_with_its_message(quick, in_child):
    _, body = fail_in_child(quick, in_child("raise"), "gaps")
    assert (body["status"], body["error"]) == ("failed", "RuntimeError: boom")
    [job] = jobs(quick.engine)
    assert (job.status, job.failures) == ("failed", 1)


def test_a_child_that_dies_fails_the_job_and_says_how(quick, in_child):
    path, body = fail_in_child(quick, in_child("exit"), "reach")
    assert body["error"] == "the analysis process exited (3) before it finished (out of memory?)"
    # killed from outside (the kernel's out-of-memory killer, an operator): the same, with the
    # signal, once the backoff has passed and the job is retried
    g = in_child("compute")
    (g.folder / "open").unlink()
    (g.folder / "child").unlink()
    with session_scope(quick.engine) as s:
        s.execute(update(AnalysisJob).values(finished_at=utcnow() - timedelta(hours=1)))
    assert quick.get(path).status_code == 202
    child, _, _ = g.child()
    os.kill(child, 9)
    assert service.drain(30)
    assert quick.get(path).json()["error"] == (
        "the analysis process was killed by signal 9 before it finished (out of memory?)"
    )
    assert [(j.status, j.failures) for j in jobs(quick.engine)] == [("failed", 2)]


def test_a_lost_claim_stops_its_child_at_once(quick, in_child):
    g = in_child()
    pid = connected(quick)["pid"]
    assert quick.get(f"/partnerships/{pid}/analysis/summary").status_code == 202
    child, _, _ = g.child()
    with service._lock:
        [claim] = service._held
    claim.lost = True  # what the next heartbeat finds when another process re-claimed the job
    assert service.drain(5)
    assert not alive(child)
    assert result_revisions(quick.engine, pid) == set()


def test_settings_choose_how_many_analyses_run_at_once_and_where(monkeypatch, db_engine, tmp_path):
    from pydantic import ValidationError

    from app.main import create_app

    monkeypatch.setattr(service, "MAX_PARALLEL", service.MAX_PARALLEL)  # restored afterwards
    monkeypatch.setattr(service, "ISOLATION", service.ISOLATION)
    # the default: half the cores, at least one; computed in child processes
    half = max(1, (os.cpu_count() or 2) // 2)
    assert half == service.MAX_PARALLEL
    create_app(Settings(database_url=f"sqlite:///{tmp_path / 'a.db'}"), engine=db_engine)
    assert service.ISOLATION == "process"
    create_app(
        Settings(
            database_url=f"sqlite:///{tmp_path / 'a.db'}",
            analysis_parallel=3,
            analysis_isolation="thread",
        ),
        engine=db_engine,
    )
    assert (service.MAX_PARALLEL, service.ISOLATION) == (3, "thread")
    for bad in ({"analysis_parallel": 0}, {"analysis_isolation": "fork"}):
        with pytest.raises(ValidationError) as err:
            Settings(**bad)
        assert list(bad) == [e["loc"][0] for e in err.value.errors()]
