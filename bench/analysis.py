"""Benchmark the analysis core: build + full_analysis at CRM scale, igraph engine vs pure networkx.

Synthetic partnerships are generated deterministically: a hub with its team, organisations of varied
size with members (a few leaders each), dense declared ties inside organisations, sparse ties
across them, hub members tied to organisation leaders, and two years of engagements (mostly small
meetings inside an organisation, some with a hub member, a few events, some over 50 participants).

Each measurement runs in a fresh subprocess (so it is cold: no warm caches, and its peak memory is
its own); the report gives the median wall time of the repeats, the networkx/igraph ratio and the
peak resident memory (``ru_maxrss``).

``--served N`` measures the service instead: a partnership of ``N`` stakeholders imported into
SQLite behind a real uvicorn, the first request of each analysis section (cold: computed, or 202
while computing, polled until ready) and then repeated requests served from the per-revision cache,
against ``/api/v1/health`` measured in the same run as the baseline.

Usage::

    .venv/bin/python bench/analysis.py                      # 1k, 5k, 20k; 3 repeats
    .venv/bin/python bench/analysis.py --sizes 1000 5000 --repeats 5
    .venv/bin/python bench/analysis.py --networkx-max 5000 --networkx-repeats 1
    .venv/bin/python bench/analysis.py --served 5000        # cold and cached through the API
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from graph.model import CHANNEL_WEIGHTS, Engagement, Node, Tie  # noqa: E402

__all__ = ["synthetic_partnership", "measure", "main"]

SECTORS = (
    "local_government",
    "health",
    "voluntary_community",
    "private",
    "education",
    "police_justice",
    "housing",
    "central_government",
    "public_service_users",
    "other",
)
AS_OF = date(2025, 1, 1)


def synthetic_partnership(
    n: int, *, seed: int = 7
) -> tuple[list[Node], list[Tie], list[Engagement], date]:
    """Return ``(nodes, ties, engagements, as_of)``: a synthetic partnership of ``n`` stakeholders.

    The mix is tuned so that the analytic graph has about 4 active ties per stakeholder up to 5k
    (about 20k ties at 5k) and 5 at 20k (about 100k ties). Deterministic for a given seed.
    """
    rng = random.Random(seed)
    nodes: list[Node] = [Node(1, "hub", "Partnership board")]
    next_id = 2
    team = []
    for i in range(max(5, n // 250)):
        nodes.append(
            Node(next_id, "person", f"Hub member {i}", organisation_id=1, seniority="senior")
        )
        team.append(next_id)
        next_id += 1
    orgs: list[tuple[int, list[int], list[int]]] = []  # (org id, members, leaders)
    while next_id <= n:
        size = min(max(2, int(rng.lognormvariate(2.6, 0.8))), n - next_id)
        org = next_id
        sector = rng.choice(SECTORS)
        nodes.append(
            Node(org, "organisation", f"Org {org}", sector=sector, influence=rng.randint(1, 5))
        )
        next_id += 1
        members, leaders = [], []
        for j in range(size):
            if next_id > n:
                break
            seniority = (
                "executive" if j == 0 else rng.choice(["senior", "manager", "frontline"] * 2)
            )
            nodes.append(
                Node(
                    next_id,
                    "person",
                    f"Person {next_id}",
                    organisation_id=org,
                    sector=sector,
                    seniority=seniority,
                    influence=rng.randint(1, 5),
                    interest=rng.randint(1, 5),
                )
            )
            members.append(next_id)
            if seniority in ("executive", "senior"):
                leaders.append(next_id)
            next_id += 1
        orgs.append((org, members, leaders or members[:1]))

    density = 5.2 if n <= 5000 else 8.0
    ties: list[Tie] = []

    def tie(u: int, v: int, **kw) -> None:
        if u != v:
            ties.append(Tie(len(ties) + 1, u, v, **kw))

    for org, members, leaders in orgs:
        for m in members:
            if m in leaders or rng.random() < 0.3:
                tie(m, org, kind="collaborates", strength=rng.randint(3, 5))
        k = len(members)
        for m in members:
            per = density * 0.55 if k > 3 else 1.0
            for _ in range(int(per) + (rng.random() < per - int(per))):
                other = rng.choice(members)
                if other != m:
                    directed = rng.random() < 0.3
                    tie(
                        m,
                        other,
                        kind="reports_to" if directed else "collaborates",
                        directed=directed,
                        strength=rng.randint(1, 5),
                    )
    people = [v.id for v in nodes if v.kind == "person" and v.organisation_id != 1]
    for m in people:
        if rng.random() < density * 0.2:
            tie(
                m,
                rng.choice(people),
                kind="informal",
                strength=rng.randint(1, 4),
                valid_to=AS_OF - timedelta(days=400) if rng.random() < 0.1 else None,
            )
    for org, _members, leaders in rng.sample(orgs, k=max(1, len(orgs) * 2 // 3)):
        tie(rng.choice(team), rng.choice(leaders), kind="collaborates", strength=rng.randint(2, 5))
        tie(1, org, kind=rng.choice(["funds", "commissions", "collaborates"]), directed=True)

    channels = list(CHANNEL_WEIGHTS)
    engagements: list[Engagement] = []
    for i in range(n):
        org, members, leaders = rng.choice(orgs)
        k = min(len(members), rng.choice([2, 2, 3, 4, 6]))
        who = rng.sample(members, k)
        if rng.random() < 0.4:
            who.append(rng.choice(team))
        day = AS_OF - timedelta(days=rng.randint(0, 730))
        engagements.append(Engagement(i + 1, day, rng.choice(channels), tuple(who)))
    for j in range(max(2, n // 500)):  # events: some over the 50-participant cut
        who = rng.sample(people, min(len(people), rng.choice([20, 40, 80])))
        day = AS_OF - timedelta(days=rng.randint(0, 730))
        engagements.append(Engagement(n + j + 1, day, "event", tuple(who)))
    return nodes, ties, engagements, AS_OF


def measure(n: int, engine: str, seed: int = 7, workers: int | None = None) -> dict:
    """Generate, build and analyse one partnership in this process; return timings and memory."""
    from graph.analysis import full_analysis
    from graph.build import build

    nodes, ties, engagements, as_of = synthetic_partnership(n, seed=seed)
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    ag = build(nodes, ties, engagements, as_of=as_of)
    t1 = time.perf_counter()
    full_analysis(ag, engine=engine, workers=workers)
    t2 = time.perf_counter()
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "n": ag.G.number_of_nodes(),
        "ties": ag.G.number_of_edges(),
        "engine": engine,
        "build_s": t1 - t0,
        "analysis_s": t2 - t1,
        "total_s": t2 - t0,
        "cpu_s": me.ru_utime
        + me.ru_stime
        - before.ru_utime
        - before.ru_stime
        + kids.ru_utime
        + kids.ru_stime,
        # the main process's peak plus the largest worker's (workers run side by side, so the
        # true combined peak is at most main + workers x largest worker)
        "maxrss_mb": me.ru_maxrss / 1024,
        "worker_maxrss_mb": kids.ru_maxrss / 1024,
        "load": load,
    }


def _run_child(n: int, engine: str, workers: str = "auto") -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(n), engine, workers],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


SECTIONS = ("summary", "reach", "centrality", "brokerage", "fragility", "communities", "gaps")


def served(n: int, repeats: int) -> None:
    """Cold and cached analysis through the API of a real uvicorn (see the module docstring)."""
    import tempfile

    import httpx

    from bench.web import serve

    with tempfile.TemporaryDirectory() as folder:
        base, cookie, pids, server = serve(Path(folder), [n])
        pid = pids[n]
        with httpx.Client(base_url=base, cookies={"stakemap_session": cookie}, timeout=300) as c:

            def get(path: str) -> tuple[float, httpx.Response]:
                t0 = time.perf_counter()
                r = c.get(path)
                return (time.perf_counter() - t0) * 1000, r

            started = time.perf_counter()
            polls = 0
            while True:
                _, r = get(f"/api/v1/partnerships/{pid}/analysis/summary")
                if r.status_code == 200:
                    break
                assert r.status_code == 202, (r.status_code, r.text[:300])
                polls += 1
                time.sleep(float(r.headers.get("retry-after", "1")))
            cold = time.perf_counter() - started
            print(f"{n:>6} cold: summary ready after {cold:.2f} s ({polls} answers of 202 first)")
            base_ms = statistics.median(get("/api/v1/health")[0] for _ in range(repeats))
            print(
                f"{'section':>12} {'median ms':>10} {'p95 ms':>8} {'bytes':>9}"
                f"  (health {base_ms:.1f} ms)"
            )
            for sec in SECTIONS:
                get(f"/api/v1/partnerships/{pid}/analysis/{sec}")  # first: may still be storing
                times, size = [], 0
                for _ in range(repeats):
                    ms, r = get(f"/api/v1/partnerships/{pid}/analysis/{sec}")
                    assert r.status_code == 200, (sec, r.status_code)
                    times.append(ms)
                    size = len(r.content)
                times.sort()
                p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
                print(f"{sec:>12} {statistics.median(times):>10.1f} {p95:>8.1f} {size:>9}")
        server.should_exit = True


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print a table of medians."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000])
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument(
        "--networkx-max",
        type=int,
        default=5000,
        help="largest size also timed with engine='networkx' (default 5000)",
    )
    p.add_argument(
        "--networkx-repeats",
        type=int,
        default=None,
        help="repeats for networkx (default: same as --repeats)",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        help="worker processes for the igraph engine (default: automatic)",
    )
    p.add_argument("--served", type=int, metavar="N", help="measure through the API (see above)")
    p.add_argument("--child", nargs=3, metavar=("N", "ENGINE", "WORKERS"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.served:
        served(args.served, max(args.repeats, 20))
        return
    if args.child:
        n, engine, workers = args.child
        print(
            json.dumps(measure(int(n), engine, workers=None if workers == "auto" else int(workers)))
        )
        return

    print(
        f"{'size':>6} {'ties':>7} {'engine':>8} {'build s':>8} {'analysis s':>10} "
        f"{'total s':>8} {'CPU s':>7} {'peak MB':>8} {'worker MB':>9} {'load':>5}  runs (total s)"
    )
    workers = "auto" if args.workers is None else str(args.workers)
    for n in args.sizes:
        medians = {}
        engines = ["igraph"] + (["networkx"] if n <= args.networkx_max else [])
        for engine in engines:
            reps = args.repeats if engine == "igraph" else (args.networkx_repeats or args.repeats)
            runs = [_run_child(n, engine, workers) for _ in range(reps)]
            keys = ("build_s", "analysis_s", "total_s", "cpu_s", "maxrss_mb", "worker_maxrss_mb")
            med = {k: statistics.median(r[k] for r in runs) for k in keys}
            load = statistics.median(r["load"] for r in runs)
            medians[engine] = med
            print(
                f"{n:>6} {runs[0]['ties']:>7} {engine:>8} {med['build_s']:>8.2f} "
                f"{med['analysis_s']:>10.2f} {med['total_s']:>8.2f} {med['cpu_s']:>7.1f} "
                f"{med['maxrss_mb']:>8.0f} {med['worker_maxrss_mb']:>9.0f} {load:>5.1f}  "
                + " ".join(f"{r['total_s']:.2f}" for r in runs),
                flush=True,
            )
        if "networkx" in medians:
            ratio = medians["networkx"]["analysis_s"] / medians["igraph"]["analysis_s"]
            cpu = medians["networkx"]["cpu_s"] / medians["igraph"]["cpu_s"]
            print(
                f"{n:>6} networkx/igraph: analysis wall time {ratio:.1f}x, CPU time {cpu:.1f}x",
                flush=True,
            )
        else:
            print(
                f"{n:>6} networkx skipped (above --networkx-max {args.networkx_max}; pure "
                "networkx betweenness alone would take hours)",
                flush=True,
            )


if __name__ == "__main__":
    main()
