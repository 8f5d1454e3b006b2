#!/usr/bin/env python3
"""Import speed: a native document of 20k stakeholders, 100k ties and 200k engagements.

Run from the repository root::

    .venv/bin/python bench/import.py               # 3 runs (median), SQLite in a temp dir
    .venv/bin/python bench/import.py --runs 1 --scale 0.1

Each run imports the document into a fresh SQLite database and then imports it again (everything
unchanged), both through ``app.importers`` in a child process (parse the JSON bytes, check, write,
commit), so that each child's peak memory (``ru_maxrss``) is its own. Targets (issue 5): import
≤ 60 s, re-import ≤ 30 s, peak memory < 2 GB.
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
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHANNELS = ("face_to_face", "meeting", "event", "video", "call", "email", "letter")
SECTORS = ("local_government", "health", "voluntary_community", "private", "education", "housing")
KINDS = ("collaborates", "reports_to", "funds", "commissions", "advises", "informal")


def make_document(stakeholders: int, ties: int, engagements: int, seed: int = 5) -> dict:
    """A deterministic native document of the given size."""
    rnd = random.Random(seed)
    orgs = max(stakeholders // 10, 2)
    groups = max(stakeholders // 100, 1)
    staff = max(stakeholders // 1000, 2)
    people = stakeholders - orgs - groups - staff
    out = [{"kind": "hub", "name": "Benchmark Partnership Board"}]
    for i in range(staff):
        out.append({"kind": "person", "external_id": f"h{i}", "name": f"Hub Member {i}",
                    "organisation": "hub", "seniority": "manager"})  # fmt: skip
    for i in range(orgs):
        out.append({"kind": "organisation", "external_id": f"o{i}", "name": f"Organisation {i}",
                    "sector": rnd.choice(SECTORS), "influence": rnd.randint(1, 5),
                    "interest": rnd.randint(1, 5), "owner": f"h{rnd.randrange(staff)}",
                    "tags": ["partner"]})  # fmt: skip
    for i in range(groups):
        out.append({"kind": "group", "external_id": f"g{i}", "name": f"Group {i}",
                    "organisation": f"o{rnd.randrange(orgs)}"})  # fmt: skip
    for i in range(people):
        out.append({"kind": "person", "external_id": f"p{i}", "name": f"Person {i}",
                    "organisation": f"o{rnd.randrange(orgs)}", "role": "Officer",
                    "seniority": rnd.choice(("executive", "senior", "manager", "frontline")),
                    "email": f"person{i}@example.org"})  # fmt: skip
    names = [s["external_id"] for s in out[1:]] + ["hub"]
    start = date(2024, 1, 1)
    tie_list = []
    for i in range(ties):
        a, b = rnd.sample(names, 2)
        tie_list.append({"external_id": f"t{i}", "source": a, "target": b,
                         "kind": rnd.choice(KINDS), "strength": rnd.randint(1, 5)})  # fmt: skip
    eng_list = []
    for i in range(engagements):
        k = rnd.choice((2, 2, 2, 3, 3, 4, 5))
        day = start + timedelta(days=rnd.randrange(700))
        eng_list.append({"external_id": f"e{i}", "channel": rnd.choice(CHANNELS),
                         "occurred_on": day.isoformat(), "participants": rnd.sample(names, k),
                         "summary": f"Engagement {i}"})  # fmt: skip
    return {"format": "stakemap/v1", "stakeholders": out, "ties": tie_list, "engagements": eng_list}


def child(path: str, db: str) -> None:
    """One import of the file into the database's first partnership; print figures as JSON."""
    from app.db import make_engine, session_scope
    from app.importers import import_document
    from app.importers.document import load_json

    engine = make_engine(f"sqlite:///{db}")
    before = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = before.ru_utime + before.ru_stime
    started = time.perf_counter()
    data = Path(path).read_bytes()
    doc = load_json(data)
    parsed = time.perf_counter()
    with session_scope(engine) as session:
        report = import_document(session=session, partnership_id=1, fmt="stakemap", doc=doc)
    done = time.perf_counter()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"seconds": done - started, "parse_seconds": parsed - started,
                      "cpu_seconds": usage.ru_utime + usage.ru_stime - cpu_before,
                      "peak_bytes": usage.ru_maxrss * 1024,  # kB on Linux
                      "report": report.as_dict()}))  # fmt: skip


def fresh_database(db: Path) -> None:
    from sqlmodel import SQLModel

    import app.tables  # noqa: F401
    from app.auth import Principal
    from app.db import make_engine, session_scope
    from app.schemas import PartnershipCreate
    from app.services import partnerships, users

    engine = make_engine(f"sqlite:///{db}")
    SQLModel.metadata.create_all(engine)
    with session_scope(engine) as session:
        user = users.create_user(session=session, email="bench@example.org", is_admin=True)
        owner = Principal(user_id=user.id, email=user.email, is_admin=True)
        partnerships.create(session=session, data=PartnershipCreate(name="Bench"), creator=owner)
    engine.dispose()


def run_child(path: Path, db: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(path), str(db)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return json.loads(out.stdout)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--scale", type=float, default=1.0, help="Fraction of the full size.")
    ap.add_argument("--child", nargs=2, metavar=("FILE", "DB"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    n = (round(20_000 * args.scale), round(100_000 * args.scale), round(200_000 * args.scale))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.json"
        path.write_text(json.dumps(make_document(*n)), encoding="utf-8")
        size = path.stat().st_size
        print(f"document: {n[0]:,} stakeholders, {n[1]:,} ties, {n[2]:,} engagements, "
              f"{size / 1e6:.1f} MB")  # fmt: skip
        first, again, peaks, cpu = [], [], [], []
        for i in range(args.runs):
            db = Path(tmp) / f"run{i}.db"
            fresh_database(db)
            a = run_child(path, db)
            b = run_child(path, db)
            created, unchanged = a["report"]["created"], b["report"]["unchanged"]
            assert sum(created.values()) == sum(n), created
            assert sum(unchanged.values()) == sum(n), unchanged
            first.append(a["seconds"])
            again.append(b["seconds"])
            cpu.append((a["cpu_seconds"], b["cpu_seconds"]))
            peaks += [a["peak_bytes"], b["peak_bytes"]]
            print(f"run {i + 1}: import {a['seconds']:.1f} s (CPU {a['cpu_seconds']:.1f} s, JSON "
                  f"parse {a['parse_seconds']:.1f} s), re-import {b['seconds']:.1f} s (CPU "
                  f"{b['cpu_seconds']:.1f} s), peak memory "
                  f"{max(a['peak_bytes'], b['peak_bytes']) / 2**20:.0f} MiB")  # fmt: skip
            os.remove(db)
        print(f"median of {args.runs}: import {statistics.median(first):.1f} s (target ≤ 60; CPU "
              f"{statistics.median(c for c, _ in cpu):.1f} s), re-import "
              f"{statistics.median(again):.1f} s (target ≤ 30; CPU "
              f"{statistics.median(c for _, c in cpu):.1f} s), peak memory "
              f"{max(peaks) / 2**20:.0f} MiB (target < 2048)")  # fmt: skip


if __name__ == "__main__":
    main()
