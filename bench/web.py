#!/usr/bin/env python3
"""How fast a big partnership's map opens in headless Chromium.

Builds a synthetic partnership (``bench/analysis.py``'s generator: organisations with members,
dense ties inside them, sparse across, a hub team, two years of engagements), imports it into a
temporary SQLite database, serves the application with uvicorn on 127.0.0.1 and opens the Map page
in Debian's chromium (``/usr/bin/chromium``) through Playwright. "Usable" means the page has drawn
the network and stopped laying it out (``#map[data-state=ready]``): nodes can be clicked, searched
and filtered. Analysis (gaps, centrality) loads in the background and is timed separately.

Measured per run, from navigation start:

- ``open``: the Map page ready in its default view (the organisation view above 1,500 nodes);
- ``everyone``: switching to everyone (tier rings, physics off) until ready;
- ``gaps``: until the gap outlines are on the map (the full analysis, cold on the first run).

Run from the repository root::

    .venv/bin/python bench/web.py                  # 5,000 stakeholders, 5 runs
    .venv/bin/python bench/web.py --sizes 1000 5000 --runs 3
    .venv/bin/python bench/web.py --after-change   # every open follows an edit: all cold
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def document(n: int) -> dict:
    """A stakemap/v1 document of the synthetic partnership of ``n`` stakeholders."""
    from bench.analysis import synthetic_partnership

    nodes, ties, engagements, _ = synthetic_partnership(n)
    hub = next(v.id for v in nodes if v.kind == "hub")

    def ref(i: int) -> str:
        return "hub" if i == hub else f"s{i}"

    stakeholders = []
    for v in nodes:
        if v.kind == "hub":
            continue
        row = {"external_id": ref(v.id), "kind": v.kind, "name": v.name}
        for key in ("sector", "seniority", "influence", "interest"):
            if getattr(v, key) is not None:
                row[key] = getattr(v, key)
        if v.organisation_id is not None:
            row["organisation"] = ref(v.organisation_id)
        stakeholders.append(row)
    return {
        "format": "stakemap/v1",
        "stakeholders": stakeholders,
        "ties": [
            {
                "external_id": f"t{t.id}",
                "source": ref(t.source_id),
                "target": ref(t.target_id),
                "kind": t.kind,
                "directed": t.directed,
                "strength": t.strength,
                **({"valid_to": t.valid_to.isoformat()} if t.valid_to else {}),
            }
            for t in ties
        ],
        "engagements": [
            {
                "external_id": f"e{e.id}",
                "occurred_on": e.occurred_on.isoformat(),
                "channel": e.channel,
                "participants": [ref(p) for p in e.participant_ids],
            }
            for e in engagements
            if len(set(e.participant_ids)) >= 2
        ],
    }


def serve(folder: Path, sizes: list[int]):
    """Create the database, import one partnership per size, start uvicorn; return details."""
    import uvicorn
    from sqlmodel import SQLModel

    import app.tables  # noqa: F401
    from app import importers
    from app.auth import Principal
    from app.db import make_engine, session_scope
    from app.main import create_app
    from app.schemas import PartnershipCreate
    from app.services import partnerships, users, websessions
    from app.settings import Settings

    url = f"sqlite:///{folder / 'bench.db'}"
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    with session_scope(engine) as s:
        user = users.create_user(session=s, email="bench@example.org")
        owner = Principal(user_id=user.id, email=user.email)
        cookie = websessions.start(session=s, user=user, hours=4)
    pids = {}
    for n in sizes:
        started = time.perf_counter()
        with session_scope(engine) as s:
            p = partnerships.create(
                session=s, data=PartnershipCreate(name=f"Synthetic {n}"), creator=owner
            )
            pids[n] = p.id
        doc = document(n)
        with session_scope(engine) as s:
            importers.import_document(
                session=s, partnership_id=pids[n], fmt="stakemap", doc=doc, dry_run=False
            )
        print(
            f"# imported {n} stakeholders, {len(doc['ties'])} ties, "
            f"{len(doc['engagements'])} engagements in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app = create_app(Settings(database_url=url), engine=engine)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", cookie, pids, server


def change(context, base: str, pid: int, i: int) -> None:
    """Edit the partnership through the API, as a coordinator would, so its revision moves on and
    nothing computed for it before can be served."""
    url = f"{base}/api/v1/partnerships/{pid}"
    etag = context.request.get(url).headers["etag"]
    r = context.request.patch(
        url,
        data={"description": f"Edited before run {i}"},
        headers={"Origin": base, "If-Match": etag},
    )
    assert r.status == 200, (r.status, r.text())


def measure(browser, base: str, cookie: str, pid: int, after_change: int | None = None) -> dict:
    """One cold page load: open, switch to everyone, wait for gaps. Seconds from navigation.

    With ``after_change`` the partnership is edited first (the first open after a change)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_cookies([{"name": "stakemap_session", "value": cookie, "url": base}])
    if after_change is not None:
        change(context, base, pid, after_change)
    page = context.new_page()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    started = time.perf_counter()
    page.goto(f"{base}/partnerships/{pid}", wait_until="commit")
    page.wait_for_selector("#map[data-state=ready]", timeout=120_000)
    opened = time.perf_counter() - started
    fetch = page.evaluate(
        "() => performance.getEntriesByType('resource')"
        ".filter(e => e.name.endsWith('/graph')).map(e => e.responseEnd - e.startTime)[0] / 1000"
    )
    marks = page.evaluate(
        "() => Object.fromEntries(performance.getEntriesByType('mark')"
        ".map(m => [m.name, m.startTime / 1000]))"
    )
    nav = page.evaluate(
        "() => { const n = performance.getEntriesByType('navigation')[0];"
        " return [n.responseEnd / 1000, n.domContentLoadedEventEnd / 1000]; }"
    )
    print(f"#   html {nav[0]:.2f} dom {nav[1]:.2f} marks {marks}", flush=True)
    nodes = int(page.get_attribute("#map", "data-nodes"))
    view = page.get_attribute("#map", "data-view")
    t = time.perf_counter()
    page.select_option("#map-view", "full")
    page.wait_for_function(
        "() => document.getElementById('map').dataset.view === 'full'"
        " && document.getElementById('map').dataset.state === 'ready'",
        timeout=120_000,
    )
    everyone = time.perf_counter() - t
    page.wait_for_function(
        "() => !document.getElementById('map-status').textContent.includes('Analysing')",
        timeout=300_000,
    )
    gaps = time.perf_counter() - started
    context.close()
    if errors:
        raise RuntimeError(f"console errors: {errors}")
    return {
        "open": opened,
        "graph": fetch,
        "everyone": everyone,
        "gaps": gaps,
        "nodes": nodes,
        "view": view,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--after-change",
        action="store_true",
        help="edit the partnership before every run, so each open follows a change (cold)",
    )
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        base, cookie, pids, server = serve(Path(tmp), args.sizes)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            print("size  run  view           open_s  graph_s  everyone_s  gaps_s", flush=True)
            results = {}
            for n in args.sizes:
                runs = []
                for i in range(args.runs):
                    r = measure(browser, base, cookie, pids[n], i if args.after_change else None)
                    runs.append(r)
                    print(
                        f"{n:>5} {i + 1:>4}  {r['view']:<13} {r['open']:>7.2f} {r['graph']:>8.2f} "
                        f"{r['everyone']:>11.2f} {r['gaps']:>7.2f}",
                        flush=True,
                    )
                results[n] = {
                    k: round(statistics.median(r[k] for r in runs), 2)
                    for k in ("open", "graph", "everyone", "gaps")
                }
            browser.close()
        server.should_exit = True
    print("\nmedians (seconds; the first run computes the analysis cold):")
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
