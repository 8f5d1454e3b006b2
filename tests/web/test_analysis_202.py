"""The browser app with an analysis that is not ready: 202 with progress, polled until it is.

The server here never waits for an analysis (``analysis_wait_seconds=0``), so the first request
for the graph and for every section of a fresh partnership answers 202, as for a big partnership.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from sqlmodel import SQLModel

from app.auth import Principal
from app.db import make_engine, session_scope
from app.demo import load_demo
from app.main import create_app
from app.services import analysis as analysis_service
from app.services import users
from app.settings import Settings
from tests.web.conftest import ADMIN, PASSWORD, LiveServer, _free_port, expect, wait_map

# Every text the page's status line shows, recorded as it changes (installed before any script).
RECORD_STATUS = """
window.__statusLog = [];
document.addEventListener("DOMContentLoaded", () => {
  const line = document.querySelector('[role="status"]');
  if (!line) return;
  new MutationObserver(() => window.__statusLog.push(line.textContent))
    .observe(line, {childList: true, characterData: true, subtree: true});
});
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[LiveServer]:
    """A live server on a fresh database whose analysis requests never wait."""
    folder = tmp_path_factory.mktemp("web202")
    url = f"sqlite:///{folder / 'stakemap.db'}"
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    with session_scope(engine) as s:
        admin = users.create_user(session=s, email=ADMIN, password=PASSWORD)
        _, token = users.create_token(session=s, user=admin)
        admin_id = admin.id
    with session_scope(engine) as s:
        demo = load_demo(
            session=s, owner=Principal(user_id=admin_id, email=ADMIN, is_admin=False)
        ).id
    port = _free_port()
    settings = Settings(
        database_url=url, base_url=f"http://127.0.0.1:{port}", analysis_wait_seconds=0
    )
    app = create_app(settings, engine=engine)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    live = LiveServer(
        base=f"http://127.0.0.1:{port}", engine=engine, admin_id=admin_id, demo_id=demo,
        _token=token,
    )  # fmt: skip
    try:
        yield live
    finally:
        uv.should_exit = True
        thread.join(timeout=10)
        analysis_service.drain(30)
        engine.dispose()


def test_the_map_polls_through_202_shows_progress_and_renders(page, server):
    pid = server.new_demo()  # nothing computed for it yet
    answers: list[tuple[str, int]] = []
    page.on(
        "response",
        lambda r: "/api/v1/partnerships/" in r.url and answers.append((r.url, r.status)),
    )
    page.add_init_script(RECORD_STATUS)
    page.goto(server.url(f"/partnerships/{pid}"))
    wait_map(page)
    graph = [status for url, status in answers if url.endswith(f"/partnerships/{pid}/graph")]
    assert graph[0] == 202 and graph[-1] == 200, graph
    log = page.evaluate("() => window.__statusLog")
    assert any(text.startswith("Computing the analysis… ") and "%" in text for text in log), log
    # The map is drawn from the graph that arrived after the 202s: every stakeholder is there.
    drawn = page.evaluate("() => Object.keys(window.stakemapMap.network().getPositions()).length")
    assert drawn == len(server.api("GET", f"/partnerships/{pid}/graph").json()["nodes"]) > 1
    # The gaps, computed in the background too, arrive without a reload.
    expect(page.locator("#map-status")).not_to_contain_text(
        "Computing the analysis", timeout=30_000
    )
    gaps = [status for url, status in answers if url.endswith("/analysis/gaps")]
    assert gaps[0] == 202 and gaps[-1] == 200, gaps


def test_the_gaps_page_shows_progress_then_the_gaps(page, server):
    pid = server.new_demo()
    page.add_init_script(RECORD_STATUS)
    page.goto(server.url(f"/partnerships/{pid}/gaps"))
    expect(page.locator("#gaps-status")).to_contain_text(" gaps: ", timeout=30_000)
    log = page.evaluate("() => window.__statusLog")
    assert any(text.startswith("Computing the analysis… ") for text in log), log
    r = server.api("GET", f"/partnerships/{pid}/analysis/gaps")
    assert r.status_code == 200
    assert f"{len(r.json()['gaps'])} gaps: " in page.locator("#gaps-status").text_content()
