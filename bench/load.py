#!/usr/bin/env python3
"""Load: 32 concurrent clients read, write, import and analyse against a real server for 60 s.

Run from the repository root::

    .venv/bin/python bench/load.py                       # SQLite, then PostgreSQL, 60 s each
    .venv/bin/python bench/load.py --db sqlite --seconds 20 --clients 16
    .venv/bin/python bench/load.py --db postgres --workers 2 --pg-url postgresql://...

For each database it makes a fresh one (a SQLite file in a temporary folder, or a new schema in
the PostgreSQL database, dropped afterwards), loads the demo partnership (159 stakeholders, 313
ties, 658 engagements), creates an API token and starts ``stakemap serve`` on a free port of
127.0.0.1. Then ``--clients`` asyncio clients (httpx, one connection each) pick requests from a
weighted mix until ``--seconds`` have passed:

===========  ======  =================================================================
class        weight  requests
===========  ======  =================================================================
health          5    GET /api/v1/health (the baseline: no token, one ``SELECT 1``)
read_one       30    GET a stakeholder, a tie or the partnership
read_list      25    GET a page of 50 stakeholders, ties or engagements
write          25    POST a stakeholder or a tie; GET it, then PATCH it with If-Match
import          3    POST /import of a small native document (5 people, 4 ties)
analysis       12    GET /analysis/{summary,reach,gaps,centrality} (202 while computing)
===========  ======  =================================================================

It prints, per class, the count, throughput, p50, p95, p99 and maximum latency in ms and the
errors (any status other than the expected one, or a transport error), then checks the targets of
issue 7: no errors, and p95 ≤ 100 ms for reads of single records and lists. The baseline is the
health check, measured idle before the run (200 sequential requests) and under the same load.
Latencies are measured by the clients, which share the machine's cores with the server.

The first ``--warmup`` seconds (5 by default) run the same load unmeasured, as a server that
has been up a while would have filled its caches (SQLAlchemy's compiled statements, FastAPI's
validators, the first analysis); their read latencies are printed apart and their errors count.

``--think-ms`` gives each client a pause between requests (exponential, that mean; 250 by
default), as a person reading a page or a CRM between pushes would; with 0 the clients send back
to back, so the server is saturated and latency is mostly queueing: 32 clients at ~4 ms of CPU a
request on 2 cores wait about 32 × 4 / 2 = 64 ms each before any work is done.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MIX = {"health": 5, "read_one": 30, "read_list": 25, "write": 25, "import": 3, "analysis": 12}
READ_CLASSES = ("read_one", "read_list")
TARGET_P95_MS = 100.0
ANALYSES = ("summary", "reach", "gaps", "centrality")


# -- the database and the server -------------------------------------------------------------------


@contextmanager
def database(kind: str, pg_url: str, folder: Path):
    """A fresh database URL: a SQLite file, or a new schema in ``pg_url`` (dropped at the end)."""
    from sqlalchemy import text

    from app.db import make_engine, normalise_url

    if kind == "sqlite":
        yield f"sqlite:///{folder / 'load.db'}"
        return
    schema = "load_" + uuid.uuid4().hex[:12]
    admin = make_engine(pg_url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = normalise_url(pg_url)
    try:
        yield f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def seed(url: str) -> tuple[str, int]:
    """The schema, an admin with a token and the demo partnership; returns (token, pid)."""
    from app import migrate
    from app.auth import Principal
    from app.db import make_engine, session_scope
    from app.demo import load_demo
    from app.services import users

    engine = make_engine(url)
    migrate.upgrade(engine)
    with session_scope(engine) as session:
        user = users.create_user(session=session, email="load@example.org", is_admin=True)
        _, token = users.create_token(session=session, user=user)
        p = load_demo(session=session, owner=Principal(user.id, user.email, is_admin=True))
        pid = p.id
    engine.dispose()
    return token, pid


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server(url: str, workers: int, log: Path):
    """``stakemap serve`` on a free port; yields its base URL; stopped with SIGTERM."""
    port = free_port()
    env = {**os.environ, "STAKEMAP_DATABASE_URL": url}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", "from app.cli import main; main()", "serve",
             "--port", str(port), "--workers", str(workers)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                if proc.poll() is not None:
                    raise SystemExit(f"the server exited; see {log}:\n{log.read_text()[-2000:]}")
                try:
                    if httpx.get(base + "/api/v1/health", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit("the server did not start within 60 s")
                time.sleep(0.1)
            yield base
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


# -- the clients -----------------------------------------------------------------------------------


class Recorder:
    def __init__(self):
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.warm: dict[str, list[float]] = defaultdict(list)  # during the warm-up
        self.measuring = False
        self.errors: dict[str, Counter] = defaultdict(Counter)  # counted from the first second
        self.pending = Counter()  # analysis answered 202 (computing), which is not an error

    def add(self, cls: str, seconds: float) -> None:
        (self.latency if self.measuring else self.warm)[cls].append(seconds * 1000)

    def error(self, cls: str, what: str) -> None:
        self.errors[cls][what] += 1


class LoadClient:
    """One client: its own connection, its own records to patch (so a 412 is a real error)."""

    def __init__(self, n: int, http: httpx.AsyncClient, pid: int, rec: Recorder, ids: dict):
        self.n, self.http, self.pid, self.rec, self.ids = n, http, pid, rec, ids
        self.rnd = random.Random(n)
        self.mine: list[int] = []
        self.seq = 0
        self.api = f"/api/v1/partnerships/{pid}"

    async def call(self, cls, method, path, expect=(200,), **kw) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            r = await self.http.request(method, path, **kw)
        except httpx.HTTPError as exc:
            self.rec.error(cls, type(exc).__name__)
            return None
        self.rec.add(cls, time.perf_counter() - started)
        if cls == "analysis" and r.status_code == 202:
            self.rec.pending[cls] += 1
        elif r.status_code not in expect:
            self.rec.error(cls, f"{method} {r.status_code} {r.text[:120]}")
            return None
        return r

    async def step(self, cls: str) -> None:
        rnd, api = self.rnd, self.api
        if cls == "health":
            await self.call(cls, "GET", "/api/v1/health")
        elif cls == "read_one":
            what = rnd.choice(("stakeholders", "ties", "partnership"))
            path = api if what == "partnership" else f"{api}/{what}/{rnd.choice(self.ids[what])}"
            await self.call(cls, "GET", path)
        elif cls == "read_list":
            what = rnd.choice(("stakeholders", "ties", "engagements"))
            await self.call(
                cls, "GET", f"{api}/{what}", params={"limit": 50, "offset": rnd.randrange(0, 150)}
            )
        elif cls == "write":
            await self.write()
        elif cls == "import":
            await self.small_import()
        else:
            await self.call(cls, "GET", f"{api}/analysis/{rnd.choice(ANALYSES)}", expect=(200, 202))

    async def write(self) -> None:
        rnd, api = self.rnd, self.api
        self.seq += 1
        if len(self.mine) < 2 or rnd.random() < 0.4:
            body = {"kind": "person", "name": f"Load {self.n}-{self.seq}", "influence": 3}
            r = await self.call("write", "POST", f"{api}/stakeholders", expect=(201,), json=body)
            if r is not None:
                self.mine.append(r.json()["id"])
            return
        if rnd.random() < 0.3:
            a, b = rnd.sample(self.mine, 2)
            body = {"source_id": a, "target_id": b, "kind": "collaborates", "strength": 3}
            await self.call("write", "POST", f"{api}/ties", expect=(201, 409), json=body)
            return
        sid = rnd.choice(self.mine)
        got = await self.call("read_one", "GET", f"{api}/stakeholders/{sid}")
        if got is None:
            return
        await self.call(
            "write",
            "PATCH",
            f"{api}/stakeholders/{sid}",
            json={"notes": f"edit {self.seq}", "interest": rnd.randint(1, 5)},
            headers={"If-Match": got.headers["ETag"]},
        )

    async def small_import(self) -> None:
        self.seq += 1
        tag = f"c{self.n}s{self.seq}"
        people = [f"{tag}p{i}" for i in range(5)]
        doc = {
            "format": "stakemap/v1",
            "stakeholders": [
                {"kind": "person", "external_id": e, "name": f"Imported {e}"} for e in people
            ],
            "ties": [
                {
                    "external_id": f"{tag}t{i}",
                    "source": people[i],
                    "target": people[i + 1],
                    "kind": "informal",
                }
                for i in range(4)
            ],  # fmt: skip
        }
        await self.call(
            "import",
            "POST",
            f"{self.api}/import",
            content=json.dumps(doc),
            headers={"Content-Type": "application/json"},
        )


async def run_load(
    base: str,
    token: str,
    pid: int,
    clients: int,
    seconds: float,
    think_ms: float = 0.0,
    warmup: float = 0.0,
) -> Recorder:
    rec = Recorder()
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=60) as http:
        ids = {}
        for what in ("stakeholders", "ties"):
            r = await http.get(f"/api/v1/partnerships/{pid}/{what}", params={"limit": 500})
            ids[what] = [x["id"] for x in r.json()["data"]]
    classes, weights = zip(*MIX.items(), strict=True)
    deadline = time.monotonic() + warmup + seconds

    async def one(n: int) -> None:
        limits = httpx.Limits(max_connections=1)
        async with httpx.AsyncClient(
            base_url=base, headers=headers, timeout=60, limits=limits
        ) as http:
            client = LoadClient(n, http, pid, rec, ids)
            while time.monotonic() < deadline:
                await client.step(client.rnd.choices(classes, weights)[0])
                if think_ms > 0:  # a person reading the answer before the next click
                    await asyncio.sleep(client.rnd.expovariate(1000.0 / think_ms))

    async def measure() -> None:
        await asyncio.sleep(warmup)
        rec.measuring = True

    await asyncio.gather(measure(), *(one(n) for n in range(clients)))
    return rec


def idle_baseline(base: str, n: int = 200) -> list[float]:
    out = []
    with httpx.Client(base_url=base) as http:
        for _ in range(n):
            started = time.perf_counter()
            http.get("/api/v1/health").raise_for_status()
            out.append((time.perf_counter() - started) * 1000)
    return out


# -- the report ------------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def report(kind: str, rec: Recorder, seconds: float, idle: list[float]) -> bool:
    print(f"\n== {kind}: {seconds:.0f} s ==")
    print(f"{'class':<10} {'count':>7} {'req/s':>7} {'p50':>7} {'p95':>7} {'p99':>7} "
          f"{'max':>7} {'errors':>6}")  # fmt: skip
    total = errors = 0
    for cls in MIX:
        lat = rec.latency.get(cls, [])
        err = sum(rec.errors[cls].values())
        total, errors = total + len(lat), errors + err
        print(f"{cls:<10} {len(lat):>7} {len(lat) / seconds:>7.1f} {pct(lat, 50):>7.1f} "
              f"{pct(lat, 95):>7.1f} {pct(lat, 99):>7.1f} {max(lat, default=0):>7.1f} "
              f"{err:>6}")  # fmt: skip
    print(f"{'all':<10} {total:>7} {total / seconds:>7.1f}{'':>33} {errors:>6}")
    print(f"idle health baseline: p50 {pct(idle, 50):.1f} ms, p95 {pct(idle, 95):.1f} ms "
          f"({len(idle)} sequential requests before the load)")  # fmt: skip
    warm = [x for cls in READ_CLASSES for x in rec.warm.get(cls, [])]
    if warm:
        print(f"warm-up (not in the figures above): {len(warm)} reads, p50 {pct(warm, 50):.1f} ms, "
              f"p95 {pct(warm, 95):.1f} ms, max {max(warm):.1f} ms")  # fmt: skip
    if rec.pending:
        print(f"analysis answered 202 (computing, retry) {rec.pending['analysis']} times")
    for cls, counter in rec.errors.items():
        for what, n in counter.most_common(5):
            print(f"  error {cls}: {n} × {what}")
    ok = errors == 0
    for cls in READ_CLASSES:
        p95 = pct(rec.latency.get(cls, []), 95)
        met = p95 <= TARGET_P95_MS
        ok = ok and met
        print(f"target {cls} p95 ≤ {TARGET_P95_MS:.0f} ms: {'met' if met else 'NOT met'} "
              f"({p95:.1f} ms)")  # fmt: skip
    print(f"target 0 errors: {'met' if errors == 0 else 'NOT met'} ({errors})")
    return ok


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    ap.add_argument("--workers", type=int, default=1, help="Server worker processes.")
    ap.add_argument(
        "--think-ms",
        type=float,
        default=250.0,
        help="Mean pause of each client between requests (exponential); 0: back to back, "
        "the server saturated, so latency measures queueing for the 2 cores.",
    )
    ap.add_argument(
        "--warmup",
        type=float,
        default=5.0,
        help="Seconds of the same load before the measured ones (the server's statement and "
        "validator caches fill); their latencies are reported apart, their errors counted.",
    )
    ap.add_argument(
        "--mix",
        default="",
        help="Weights to change, e.g. analysis=0,import=5 (classes: " + ", ".join(MIX) + ").",
    )
    ap.add_argument(
        "--pg-url",
        default=os.environ.get(
            "STAKEMAP_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"
        ),
        help="A PostgreSQL database in which a throwaway schema is made.",
    )
    args = ap.parse_args()
    for item in filter(None, args.mix.split(",")):
        cls, _, weight = item.partition("=")
        if cls not in MIX or not weight.isdigit():
            ap.error(f"--mix: {item!r} is not CLASS=WEIGHT with a class of {', '.join(MIX)}")
        MIX[cls] = int(weight)
    kinds = ("sqlite", "postgres") if args.db == "both" else (args.db,)
    print(f"mix {MIX}")
    print(f"{args.clients} clients (mean think time {args.think_ms:.0f} ms), "
          f"{args.seconds:.0f} s per database, {args.workers} worker(s), "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the start")  # fmt: skip
    all_ok = True
    for kind in kinds:
        with tempfile.TemporaryDirectory() as tmp, database(kind, args.pg_url, Path(tmp)) as url:
            token, pid = seed(url)
            with server(url, args.workers, Path(tmp) / "server.log") as base:
                idle = idle_baseline(base)
                started = time.monotonic()
                rec = asyncio.run(
                    run_load(
                        base, token, pid, args.clients, args.seconds, args.think_ms, args.warmup
                    )
                )
                elapsed = time.monotonic() - started - args.warmup
            all_ok = report(kind, rec, elapsed, idle) and all_ok
    sys.exit(0 if all_ok else 1)


if __name__ == "__main__":
    main()
