"""Analysis of a partnership's graph (SPEC §3–§6): computed once, off the request path, and kept
in the database per revision for every worker and replica.

A result is stored in ``analysis_result`` under (partnership, revision, key), where the key hashes
the section, as_of and parameters, so a repeated request is served from the table by any process,
and any write (which bumps the revision) makes old results unreachable.

A result not stored yet is computed by a *job*, a row of ``analysis_job`` under a key of the same
kind. The first request inserts the row: the unique constraint makes that INSERT the one winner
among threads, worker processes and replicas, on SQLite and on PostgreSQL alike. The winner's
process computes in a background thread (at most :data:`MAX_PARALLEL` at a time), writing its
phase, progress and a heartbeat in short transactions, then stores the results and marks the job
done in one transaction. Every request for the result, in any process, waits up to the
``analysis_wait_seconds`` setting and otherwise returns :class:`Pending` (the API answers 202).

- A job whose heartbeat stopped for :data:`STALE_AFTER` (its process died) is re-claimed by the
  next request that finds it: an UPDATE conditioned on the stale heartbeat and on the claim's
  ``attempt``, so of several requests exactly one wins.
- A failed job keeps its error and is retried by a request after a backoff that doubles with
  every failure (:data:`RETRY_BASE` up to :data:`RETRY_MAX`).
- ``attempt`` fences the claimant: its updates land only while the job is still its own, so a
  process presumed dead that wakes up again cannot overwrite the newer claim's work.
- A job whose partnership changed before it stored anything is abandoned (its result could never
  be served); requests waiting for it move on to the new revision.

The computation itself (pure Python and the compiled kernel, seconds of CPU for a big partnership)
runs in a child process at a lower CPU priority (:data:`CHILD_NICE`), which reads the records
through a connection of its own and sends back its progress and the results as JSON text: it
never holds the serving process's GIL, so requests for single records stay quick while a
partnership is analysed, and the operating system gives the serving process the CPU first.
Claiming, progress and storing stay in the serving process's background thread.
``STAKEMAP_ANALYSIS_ISOLATION=thread`` computes in that thread instead.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import logging
import math
import multiprocessing
import os
import signal
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import Session

from app.db import session_scope
from app.errors import Invalid
from app.services import graphdata
from app.tables import AnalysisJob, AnalysisResult, Partnership, utcnow
from graph import build as graph_build
from graph.errors import GraphError

log = logging.getLogger("stakemap.analysis")

#: Sections computed together by one full analysis run.
FULL_SECTIONS = (
    "summary",
    "reach",
    "centrality",
    "brokerage",
    "fragility",
    "communities",
    "gaps",
)

#: Computations one process runs at once; more wait in its queue (their jobs stay claimed).
#: Half the cores by default (one on a 2-core machine): the rest serve requests. See configure.
MAX_PARALLEL = max(1, (os.cpu_count() or 2) // 2)
#: How often a process tells the database that the jobs it holds are alive.
HEARTBEAT_EVERY = 5.0
#: A running job silent for this long is presumed dead and may be re-claimed.
STALE_AFTER = timedelta(seconds=60)
#: A failed job is retried after this many seconds, doubling per failure up to RETRY_MAX.
RETRY_BASE = 10.0
RETRY_MAX = 600.0
#: How often a waiting request looks for the result of a job another process runs.
POLL_SECONDS = 0.1
#: The error of a job whose partnership changed before it could store its result.
SUPERSEDED = "superseded: the partnership changed while it was computed"
#: Where a job computes: "process" (a child process; see the module's notes) or "thread".
ISOLATION = "process"
#: How much lower the child's CPU priority is than the serving process's (nice increment).
CHILD_NICE = 10
#: A job's progress is written at most this often (seconds); each report is a database write.
PROGRESS_EVERY = 0.25

_RESULT = AnalysisResult.__table__
_JOB = AnalysisJob.__table__
_PARTNERSHIP = Partnership.__table__

Rows = list[tuple[str, str, date, str, float]]
Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class Pending:
    """An analysis not ready yet: what the API answers with 202."""

    status: str  # running | failed
    progress: float
    phase: str
    retry_after: int
    error: str | None = None

    def body(self) -> dict:
        """The 202 body (``error`` only when the last attempt failed)."""
        out = {
            "status": self.status,
            "progress": self.progress,
            "phase": self.phase,
            "retry_after": self.retry_after,
        }
        if self.error is not None:
            out["error"] = self.error
        return out


class _Superseded(Exception):
    """The partnership's revision moved on: the job's result could never be served."""


class _Lost(Exception):
    """The job is no longer this process's (re-claimed after a silence, or dropped)."""


class _ChildFailed(Exception):
    """The child process computing a job raised (its message is the job's error) or died."""


def _key(section: str, as_of: date, params: dict | None) -> str:
    raw = json.dumps([section, as_of.isoformat(), params or {}], sort_keys=True, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


def _dump(result) -> str:
    from graph.jsonsafe import jsonsafe

    return json.dumps(jsonsafe(result), allow_nan=False, separators=(",", ":"))


def cached(*, session: Session, partnership: Partnership, key: str) -> str | None:
    """The stored JSON text for this key at the partnership's current revision, if any."""
    return session.execute(
        select(AnalysisResult.result).where(
            AnalysisResult.partnership_id == partnership.id,
            AnalysisResult.revision == partnership.revision,
            AnalysisResult.key == key,
        )
    ).scalar_one_or_none()


def build(rec: graphdata.Records, as_of: date):
    """The analytic graph of loaded records as of a date."""
    return graph_build.build(
        rec.nodes, rec.ties, rec.engagements, as_of=as_of, half_life=rec.half_life
    )


def analytic_graph(*, session: Session, partnership: Partnership, as_of: date):
    """The partnership's records and analytic graph as of a date."""
    rec = graphdata.load(session=session, partnership=partnership)
    return rec, build(rec, as_of)


def compute_full(rec: graphdata.Records, as_of: date, progress: Callable[[str, float], None]):
    """Every section of the full analysis of loaded records, computed together."""
    from graph.analysis import full_analysis
    from graph.gaps import gaps

    progress("building", 0.05)
    ag = build(rec, as_of)
    result = full_analysis(ag, progress=progress)
    progress("gaps", 0.9)
    result["gaps"] = {"gaps": gaps(ag, metrics=result)}
    return result


# -- the public entry points --------------------------------------------------------------------


def section(
    *, session: Session, partnership: Partnership, name: str, as_of: date, wait: float
) -> str | Pending:
    """One section of the full analysis as JSON text, or the progress of its computation."""

    def run(claim: _Claim) -> Rows:
        started = time.perf_counter()

        claim.loaded, texts = _compute(claim, _full_texts, compute_full, as_of)
        claim.report("storing", 0.95)
        seconds = time.perf_counter() - started
        return [(_key(sec, as_of, None), sec, as_of, texts[sec], seconds) for sec in FULL_SECTIONS]

    return _obtain(
        session,
        partnership,
        job_key=_key("full", as_of, None),
        result_key=_key(name, as_of, None),
        section="full",
        as_of=as_of,
        run=run,
        wait=wait,
    )


def computed(
    *,
    session: Session,
    partnership: Partnership,
    name: str,
    as_of: date,
    params: dict,
    fn: Callable[[graphdata.Records], Any],
    wait: float,
    where: str = "query",
) -> str | Pending:
    """A parameterised result (path, recommendations, compare…) as JSON text, or its progress.

    ``fn`` gets the partnership's records (read in one snapshot) and returns the result; it runs
    in another process, so it must be picklable (a module-level function, or a ``partial`` of
    one with plain parameters) and touch no database. A ``GraphError`` it raises becomes a 422
    located at ``(where, its param)``.
    """
    key = _key(name, as_of, params)

    def run(claim: _Claim) -> Rows:
        started = time.perf_counter()

        claim.loaded, text = _compute(claim, _query_text, fn, name, where)
        claim.report("storing", 0.95)
        return [(key, name, as_of, text, time.perf_counter() - started)]

    return _obtain(
        session,
        partnership,
        job_key=key,
        result_key=key,
        section=name,
        as_of=as_of,
        run=run,
        wait=wait,
    )


def graph_json(
    *, session: Session, partnership: Partnership, as_of: date, wait: float
) -> str | Pending:
    """The analytic graph as node-link JSON (networkx's shape), with tie strengths."""

    return computed(
        session=session,
        partnership=partnership,
        name="graph",
        as_of=as_of,
        params={},
        fn=partial(_graph, as_of=as_of),
        wait=wait,
    )


def _graph(rec: graphdata.Records, *, as_of: date) -> dict:
    """The node-link JSON of the records' analytic graph (see graph_json)."""
    ag = build(rec, as_of)
    core = ag.core
    nodes = [
        {
            "id": n.id,
            "name": n.name,
            "kind": n.kind,
            "organisation_id": n.organisation_id,
            "sector": n.sector,
            "seniority": n.seniority,
            "influence": n.influence,
            "interest": n.interest,
            "engagement": n.engagement,
            "desired_engagement": n.desired_engagement,
            "owner_id": n.owner_id,
            "core": n.id in core,
        }
        for n in rec.nodes
    ]
    links = [
        {"source": u, "target": v, "strength": d["strength"], "distance": d["distance"]}
        for u, v, d in ag.G.edges(data=True)
    ]
    links.sort(key=lambda x: (x["source"], x["target"]))
    return {
        "directed": False,
        "multigraph": False,
        "graph": {
            "partnership_id": rec.partnership_id,
            "revision": rec.revision,
            "as_of": as_of.isoformat(),
            "hub_id": rec.hub_id,
            "half_life_days": rec.half_life,
        },
        "nodes": nodes,
        "links": links,
    }


# -- waiting for a result -----------------------------------------------------------------------


class _InvalidInput(Exception):
    def __init__(self, loc: tuple, msg: str):
        super().__init__(msg)
        self.loc = loc
        self.msg = msg


def _obtain(
    session: Session,
    partnership: Partnership,
    *,
    job_key: str,
    result_key: str,
    section: str,
    as_of: date,
    run: Callable[[_Claim], Rows],
    wait: float,
) -> str | Pending:
    text = cached(session=session, partnership=partnership, key=result_key)
    if text is not None:
        return text
    engine = session.get_bind()
    # Any result computed from the partnership as it was at or after this request's start is a
    # true answer (the data it describes existed while the request ran): under steady writes a
    # request takes the first one to arrive instead of chasing the newest revision forever.
    pid, rev = partnership.id, partnership.revision
    start = rev
    # End the request's transaction: while it waits it must hold no SQLite lock (a POST's
    # transaction holds the write lock the job needs) and no stale snapshot.
    session.commit()
    deadline = time.monotonic() + wait
    local: _Claim | None = None
    while True:
        if local is not None and local.done.is_set():
            if local.invalid is not None:
                raise Invalid.field(*local.invalid)
            text = local.answer(result_key, start)
            if text is not None:
                return text
            local = None
        # The job first, then the result: a job seen done whose result is missing really lost it
        # (results and "done" are committed together).
        with engine.connect() as conn:  # one connection (one pool check-out) for both
            job = _read_job(conn, pid, rev, job_key)
            text = _read_result(conn, pid, start, result_key)
        if text is not None:
            return text
        if local is None:
            # a job of this process whose answer will do, even one claimed for an older
            # revision that has not read the partnership yet: wait for it, start no other
            local = _local_claim(engine, pid, start, job_key)
        if local is None:
            claim = None
            if job is None:
                claim = _claim_new(engine, pid, rev, job_key, section, as_of)
            elif _claimable(job):
                claim = _reclaim(engine, job)
            if claim is not None:
                local = claim
                _start(claim, run)
                with engine.connect() as conn:
                    job = _read_job(conn, pid, rev, job_key)
        if job is not None and job.status == "invalid":
            problem = json.loads(job.error)
            raise Invalid.field(tuple(problem["loc"]), problem["msg"])
        if job is not None and job.status == "failed" and job.error == SUPERSEDED:
            newer = _revision(engine, pid)
            if newer is not None and newer != rev:
                rev = newer
                continue
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return _pending(job)
        if local is not None:
            local.done.wait(remaining)  # set however the job ends
        else:
            time.sleep(min(remaining, POLL_SECONDS))


def _read_job(conn: Connection, pid: int, rev: int, key: str):
    return conn.execute(
        select(_JOB).where(_JOB.c.partnership_id == pid, _JOB.c.revision == rev, _JOB.c.key == key)
    ).one_or_none()


def _read_result(conn: Connection, pid: int, since: int, key: str) -> str | None:
    """The newest stored result for the key at revision ``since`` or later."""
    return conn.execute(
        select(_RESULT.c.result)
        .where(_RESULT.c.partnership_id == pid, _RESULT.c.revision >= since, _RESULT.c.key == key)
        .order_by(_RESULT.c.revision.desc())
        .limit(1)
    ).scalar_one_or_none()


def _revision(engine: Engine, pid: int) -> int | None:
    with engine.connect() as conn:
        return conn.execute(
            select(_PARTNERSHIP.c.revision).where(_PARTNERSHIP.c.id == pid)
        ).scalar_one_or_none()


def _backoff(failures: int) -> float:
    return min(RETRY_BASE * 2 ** max(failures - 1, 0), RETRY_MAX)


def _claimable(job) -> bool:
    now = utcnow()
    if job.status == "running":
        return job.heartbeat_at < now - STALE_AFTER
    if job.status == "failed":
        if job.error == SUPERSEDED:
            return False
        return job.finished_at < now - timedelta(seconds=_backoff(job.failures))
    return job.status == "done"  # done, but its result is gone (an erasure drops the cache)


def _pending(job) -> Pending:
    if job is None:
        return Pending("running", 0.0, "queued", 1)
    if job.status == "failed" and job.error != SUPERSEDED:
        due = job.finished_at + timedelta(seconds=_backoff(job.failures))
        left = max(1, math.ceil((due - utcnow()).total_seconds()))
        return Pending("failed", float(job.progress), job.phase, left, job.error[:500])
    return Pending("running", float(job.progress), job.phase, 1)


# -- claiming -----------------------------------------------------------------------------------


def _me() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:200]


@contextmanager
def _write(engine: Engine):
    """A short write transaction (on SQLite it takes the write lock up front)."""
    with engine.connect() as conn:
        conn.execution_options(stakemap_write=True)
        with conn.begin():
            yield conn


@dataclass(eq=False)
class _Claim:
    """A job this process holds: its row and the attempt that fences its updates."""

    engine: Engine
    job_id: int
    attempt: int
    pid: int
    revision: int
    key: str
    lost: bool = False
    done: threading.Event = field(default_factory=threading.Event)
    #: The revision the computation read: the claimed one, or a later one if the partnership
    #: changed between the claim and the reading (the results are those of this revision).
    loaded: int = -1
    #: The results this process computed, handed straight to its requests that wait for them.
    #: Those of a job whose partnership changed before they could be stored are never stored
    #: (they would outlive the data they describe), but still answer the requests that started
    #: at or before the revision read, so that steady writes cannot starve them.
    rows: Rows | None = None
    #: Set just before the computation starts reading the partnership.
    started: bool = False
    #: (loc, msg) of a job whose input the computation found invalid.
    invalid: tuple | None = None

    def will_answer(self, since: int) -> bool:
        """True if this job's result will be as of revision ``since`` or later."""
        return self.revision >= since or not self.started or self.loaded >= since

    def answer(self, key: str, since: int) -> str | None:
        """The computed result for ``key``, if the job read revision ``since`` or later."""
        if self.rows is None or self.loaded < since:
            return None
        return next((text for k, _, _, text, _ in self.rows if k == key), None)

    def mine(self) -> tuple:
        return (
            _JOB.c.id == self.job_id,
            _JOB.c.attempt == self.attempt,
            _JOB.c.status == "running",
        )

    def _touch(self, **values) -> None:
        try:
            with _write(self.engine) as conn:
                n = conn.execute(
                    update(_JOB).where(*self.mine()).values(heartbeat_at=utcnow(), **values)
                ).rowcount
        except SQLAlchemyError as exc:
            log.warning("analysis job %s: could not report progress: %s", self.job_id, exc)
            return
        if n == 0:
            self.lost = True

    def report(self, phase: str, fraction: float) -> None:
        """Record the phase and progress (and that the job is alive)."""
        self._touch(phase=phase[:40], progress=round(min(max(fraction, 0.0), 1.0), 3))

    def beat(self) -> None:
        """Record that the job is alive."""
        self._touch()


def _claim_new(
    engine: Engine, pid: int, rev: int, key: str, section: str, as_of: date
) -> _Claim | None:
    now = utcnow()
    try:
        with _write(engine) as conn:
            job_id = conn.execute(
                insert(_JOB)
                .values(
                    partnership_id=pid, revision=rev, key=key, section=section, as_of=as_of,
                    status="running", progress=0.0, phase="queued", attempt=1, failures=0,
                    claimed_by=_me(), started_at=now, heartbeat_at=now, error="",
                )
                .returning(_JOB.c.id)
            ).scalar_one()  # fmt: skip
    except IntegrityError:
        return None  # another request, thread or process claimed it first
    _tidy(engine, pid, rev)
    return _Claim(engine, job_id, 1, pid, rev, key)


def _reclaim(engine: Engine, job) -> _Claim | None:
    """Take over a dead, failed-and-due or result-less job; None if someone else did first."""
    now = utcnow()
    cond = [_JOB.c.id == job.id, _JOB.c.attempt == job.attempt, _JOB.c.status == job.status]
    if job.status == "running":
        cond.append(_JOB.c.heartbeat_at < now - STALE_AFTER)
        log.warning("analysis job %s of %s looks dead: re-claiming it", job.id, job.claimed_by)
    with _write(engine) as conn:
        n = conn.execute(
            update(_JOB)
            .where(*cond)
            .values(
                status="running", progress=0.0, phase="queued", attempt=job.attempt + 1,
                claimed_by=_me(), started_at=now, heartbeat_at=now, finished_at=None,
            )
        ).rowcount  # fmt: skip
    if n != 1:
        return None
    return _Claim(engine, job.id, job.attempt + 1, job.partnership_id, job.revision, job.key)


def _tidy(engine: Engine, pid: int, rev: int) -> None:
    """Drop the jobs and results of older revisions: they can never be served again.

    A job still running for an older revision notices (its updates stop landing) and stops.
    """
    try:
        with _write(engine) as conn:
            conn.execute(delete(_JOB).where(_JOB.c.partnership_id == pid, _JOB.c.revision < rev))
            conn.execute(
                delete(_RESULT).where(_RESULT.c.partnership_id == pid, _RESULT.c.revision < rev)
            )
    except SQLAlchemyError as exc:  # only housekeeping: the next claim tries again
        log.info("could not drop old analyses of partnership %s: %s", pid, exc)


# -- computing in the background ----------------------------------------------------------------

_lock = threading.Lock()
_held: set[_Claim] = set()
_executor: ThreadPoolExecutor | None = None
_heart: threading.Thread | None = None
_owner_pid: int | None = None


def _start(claim: _Claim, run: Callable[[_Claim], Rows]) -> None:
    """Queue the claimed job on this process's bounded pool, and keep its heartbeat going."""
    global _executor, _heart, _held, _owner_pid
    with _lock:
        if _owner_pid != os.getpid():  # a forked child inherits neither threads nor the pool
            _executor, _heart, _held, _owner_pid = None, None, set(), os.getpid()
        if _executor is None:
            _executor = ThreadPoolExecutor(MAX_PARALLEL, thread_name_prefix="stakemap-analysis")
        if _heart is None or not _heart.is_alive():
            _heart = threading.Thread(target=_heartbeat, name="stakemap-heartbeat", daemon=True)
            _heart.start()
        _held.add(claim)
        _executor.submit(_work, claim, run)


def _local_claim(engine: Engine, pid: int, since: int, key: str) -> _Claim | None:
    """A job this process holds whose answer is as of revision ``since`` or later: claimed for
    such a revision, or not yet started (it will read the partnership as it is then)."""
    with _lock:
        for c in _held:
            if c.engine is engine and (c.pid, c.key) == (pid, key) and c.will_answer(since):
                return c
    return None


def _heartbeat() -> None:
    while True:
        time.sleep(HEARTBEAT_EVERY)
        with _lock:
            claims = list(_held)
        for claim in claims:
            try:
                claim.beat()
            except Exception:  # the heartbeat must outlive any one job's trouble
                log.exception("analysis job %s: heartbeat failed", claim.job_id)


def running() -> int:
    """How many jobs this process holds (queued or computing)."""
    with _lock:
        return len(_held)


def drain(timeout: float = 30.0) -> bool:
    """Wait until this process holds no job; True if it got there in time (for tests)."""
    deadline = time.monotonic() + timeout
    while running():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def _work(claim: _Claim, run: Callable[[_Claim], Rows]) -> None:
    rows = None
    try:
        if claim.lost:
            return
        claim.started = True
        rows = claim.rows = run(claim)
        if claim.lost:
            log.info("analysis job %s was taken over or dropped: result discarded", claim.job_id)
            return
        _finish(claim, rows)
    except _Lost:
        log.info("analysis job %s was taken over or dropped: computation stopped", claim.job_id)
    except _Superseded:
        _end(claim, "failed", SUPERSEDED, failed=False)
    except _InvalidInput as exc:
        claim.invalid = (exc.loc, exc.msg)
        _end(claim, "invalid", json.dumps({"loc": list(exc.loc), "msg": exc.msg}), failed=False)
    except Exception as exc:
        log.exception("analysis job %s failed", claim.job_id)
        error = str(exc) if isinstance(exc, _ChildFailed) else f"{type(exc).__name__}: {exc}"
        _end(claim, "failed", error[:2000], failed=True)
    finally:
        with _lock:
            _held.discard(claim)
        claim.done.set()


Loader = Callable[[], graphdata.Records]


def _full_texts(load: Loader, full, as_of: date, progress: Progress) -> tuple[int, dict[str, str]]:
    """The revision read, and every section of ``full(records, as_of, progress)``
    (compute_full) as JSON text."""
    progress("loading", 0.02)
    rec = load()
    result = full(rec, as_of, progress)
    return rec.revision, {sec: _dump(result.get(sec, {})) for sec in FULL_SECTIONS}


def _query_text(load: Loader, fn, name: str, where: str, progress: Progress) -> tuple[int, str]:
    """The revision read, and ``fn(records)`` as JSON text; a GraphError becomes the located
    _InvalidInput."""
    progress("loading", 0.02)
    rec = load()
    progress(name, 0.1)
    try:
        return rec.revision, _dump(fn(rec))
    except GraphError as exc:
        raise _InvalidInput((where, getattr(exc, "param", "params")), str(exc)) from None


#: What the fork server imports once, so that no child imports it again.
_PRELOAD = [
    "app.services.analysis",
    "api.routers.analysis",
    "graph.analysis",
    "graph.compare",
    "graph.gaps",
    "graph.paths",
    "graph.recommend",
    "graph.whatif",
    # the database drivers the child reads with (the fork server skips what is not installed)
    "sqlalchemy.dialects.sqlite.pysqlite",
    "sqlalchemy.dialects.postgresql.psycopg",
    "psycopg",
]


def _compute(claim: _Claim, func: Callable[..., Any], *args: Any) -> Any:
    """``func(load, *args, progress)``: in a child process (see the module's notes), or in this
    thread. ``load()`` reads the partnership's records as they are then.

    The child comes from multiprocessing's fork server: a process started once, single-threaded,
    with the analysis imported, that forks a child per job. (Forking the serving process itself
    would copy locks that its other threads hold, SQLite's among them, and a child that needs one
    waits for ever.) The child reads the records itself, through a connection of its own, so the
    serving process neither reads nor sends them; ``func`` and ``args`` travel pickled, and the
    answer comes back the same way.
    """
    engine = claim.engine
    if not _isolated():
        return func(partial(_load_records, engine, claim.pid), *args, claim.report)
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        # a database only this process can see: read here, send the records along
        load = partial(_given, _load_records(engine, claim.pid))
    else:
        load = partial(_load_from, url.render_as_string(hide_password=False), claim.pid)
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(_PRELOAD)  # takes effect when the fork server starts
    recv, send = ctx.Pipe(duplex=False)
    child = ctx.Process(
        target=_child,
        args=(send, func, (load, *args)),
        name=f"stakemap-analysis-{claim.job_id}",
        daemon=True,
    )
    child.start()
    send.close()
    # Progress reaches the job row at most every PROGRESS_EVERY seconds (each is a write), the
    # latest always: one held back is written once its turn comes, even if the child is quiet.
    unsaid: tuple | None = None
    said = -math.inf
    try:
        while True:
            if claim.lost:
                raise _Lost
            if unsaid is not None and time.monotonic() - said >= PROGRESS_EVERY:
                claim.report(*unsaid)
                unsaid, said = None, time.monotonic()
            wait = 0.5 if unsaid is None else max(0.0, said + PROGRESS_EVERY - time.monotonic())
            if not recv.poll(wait):
                continue
            try:
                kind, *payload = recv.recv()
            except EOFError:
                child.join(5)
                code = child.exitcode
                how = f"was killed by signal {-code}" if code and code < 0 else f"exited ({code})"
                raise _ChildFailed(
                    f"the analysis process {how} before it finished (out of memory?)"
                ) from None
            if kind == "progress":
                unsaid = tuple(payload)
            elif kind == "done":
                return payload[0]
            elif kind == "invalid":
                raise _InvalidInput(tuple(payload[0]), payload[1])
            elif kind == "superseded":
                raise _Superseded
            else:
                raise _ChildFailed(payload[0])
    finally:
        recv.close()
        if child.is_alive():
            child.kill()
        child.join(5)


def configure(*, parallel: int | None, isolation: str) -> None:
    """Apply the settings (STAKEMAP_ANALYSIS_PARALLEL, STAKEMAP_ANALYSIS_ISOLATION); the pool
    size counts from the first job this process computes."""
    global MAX_PARALLEL, ISOLATION
    if parallel is not None:
        MAX_PARALLEL = parallel
    ISOLATION = isolation


def warm_up() -> None:
    """Ready the analysis before a request needs it: start the fork server (which imports it
    once for every child) or, computing in threads, import it here."""
    if _isolated():
        from multiprocessing import forkserver

        multiprocessing.get_context("forkserver").set_forkserver_preload(_PRELOAD)
        forkserver.ensure_running()
    else:
        for name in _PRELOAD:
            importlib.import_module(name)


def _isolated() -> bool:
    return ISOLATION != "thread" and "forkserver" in multiprocessing.get_all_start_methods()


def _child(send, func: Callable[..., Any], args: tuple) -> None:
    """The child: compute at a lower priority, send progress and the answer, exit."""
    for sig in (signal.SIGTERM, signal.SIGINT):  # not the server's handlers: just stop
        signal.signal(sig, signal.SIG_DFL)
    _die_with_parent()
    with suppress(OSError):
        os.nice(CHILD_NICE)

    def progress(phase: str, fraction: float) -> None:
        send.send(("progress", phase, fraction))

    try:
        answer = ("done", func(*args, progress))
    except _InvalidInput as exc:
        answer = ("invalid", list(exc.loc), exc.msg)
    except _Superseded:
        answer = ("superseded",)
    except BaseException as exc:
        answer = ("error", f"{type(exc).__name__}: {exc}"[:2000])
    send.send(answer)
    send.close()


def _find_prctl():
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl  # looked up here, not in the child
    except (OSError, AttributeError):
        return None


_PRCTL = _find_prctl()


def _die_with_parent() -> None:
    """Linux: the child gets SIGKILL if the serving process dies (PR_SET_PDEATHSIG)."""
    if _PRCTL is not None:
        _PRCTL(1, signal.SIGKILL)


def _load_records(engine: Engine, pid: int) -> graphdata.Records:
    """The partnership's records as they are now (the claimed revision or a later one: see
    ``Records.revision``), read in one consistent snapshot."""
    with session_scope(engine, write=False) as s:
        if engine.dialect.name == "postgresql":
            s.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        p = s.get(Partnership, pid)
        if p is None:
            raise _Superseded
        return graphdata.load(session=s, partnership=p)


def _load_from(url: str, pid: int) -> graphdata.Records:
    """In the child: the records, through a connection of its own to the database at ``url``."""
    from app.db import make_engine

    engine = make_engine(url, pool_size=1)
    try:
        return _load_records(engine, pid)
    finally:
        engine.dispose()


def _given(rec: graphdata.Records) -> graphdata.Records:
    return rec


def _finish(claim: _Claim, rows: Rows) -> None:
    """Store the results and mark the job done, together, unless the job or revision moved on."""
    now = utcnow()
    try:
        _store(claim, rows, now)
    except _Lost:
        claim.lost = True
        log.info("analysis job %s was taken over or dropped: result discarded", claim.job_id)


def _store(claim: _Claim, rows: Rows, now) -> None:
    with _write(claim.engine) as conn:
        # Read-lock the partnership row (PostgreSQL), so no write bumps its revision between
        # this check and the commit: results never outlive the data they describe.
        current = conn.execute(
            select(_PARTNERSHIP.c.revision)
            .where(_PARTNERSHIP.c.id == claim.pid)
            .with_for_update(read=True)
        ).scalar_one_or_none()
        if current != claim.loaded:
            raise _Superseded
        n = conn.execute(
            update(_JOB)
            .where(*claim.mine())
            .values(status="done", progress=1.0, phase="done", finished_at=now, heartbeat_at=now)
        ).rowcount
        if n != 1:
            raise _Lost
        _insert_results(conn, claim, rows, now)


def _insert_results(conn: Connection, claim: _Claim, rows: Rows, now) -> None:
    keys = [r[0] for r in rows]
    have = set(
        conn.execute(
            select(_RESULT.c.key).where(
                _RESULT.c.partnership_id == claim.pid,
                _RESULT.c.revision == claim.loaded,
                _RESULT.c.key.in_(keys),
            )
        ).scalars()
    )
    new = [
        {
            "partnership_id": claim.pid, "revision": claim.loaded, "key": key,
            "section": sec, "as_of": as_of, "result": text, "seconds": seconds, "created_at": now,
        }
        for key, sec, as_of, text, seconds in rows
        if key not in have
    ]  # fmt: skip
    if new:
        conn.execute(insert(_RESULT), new)


def _end(claim: _Claim, status: str, error: str, *, failed: bool) -> None:
    now = utcnow()
    values = {"status": status, "error": error, "finished_at": now, "heartbeat_at": now}
    if failed:
        values["failures"] = _JOB.c.failures + 1
    try:
        with _write(claim.engine) as conn:
            conn.execute(update(_JOB).where(*claim.mine()).values(**values))
    except SQLAlchemyError:
        # The job stays "running" without a heartbeat: after STALE_AFTER it is re-claimed.
        log.exception("analysis job %s: could not record its end", claim.job_id)
