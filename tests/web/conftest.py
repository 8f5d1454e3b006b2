"""Browser tests: a real uvicorn server on 127.0.0.1 and Debian's chromium driven by Playwright.

One server (a temporary SQLite database with the demo partnership, plus a few hostile names) and
one browser per test module; every test gets its own browser context, signed in by a session
cookie. Each test fails if the page logs a console error, opens a dialog (alert, confirm...), or
asks for anything that is not on 127.0.0.1.

The tests are skipped only when chromium is missing *and* ``STAKEMAP_REQUIRE_BROWSER`` is unset;
CI sets it, so there they can never be skipped.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
import uvicorn
from sqlmodel import SQLModel

import app.tables  # noqa: F401 - registers tables
from app.auth import Principal
from app.db import make_engine, session_scope
from app.demo import load_demo
from app.main import create_app
from app.schemas import StakeholderCreate, TieCreate
from app.services import partnerships as partnership_service
from app.services import stakeholders as stakeholder_service
from app.services import ties as tie_service
from app.services import users, websessions
from app.settings import Settings
from app.tables import Membership

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture then skips or fails, as _require_browser says
    expect = None

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
ADMIN = "coordinator@example.org"
PASSWORD = "a long enough password"
VIEWER = "viewer@example.org"

#: Hostile names and notes: each must show as literal text everywhere.
XSS_ORG = "<img src=x onerror=alert(1)>"
XSS_PERSON = 'Eve "href" <a href="javascript:alert(2)">Hacker</a>'
XSS_NOTES = "<script>alert(3)</script> and <b onmouseover=alert(4)>bold</b>"


def _require_browser() -> None:
    missing = None
    if not Path(CHROMIUM).exists():
        missing = f"{CHROMIUM} is not installed"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            missing = "the playwright package is not installed"
    if missing:
        if os.environ.get("STAKEMAP_REQUIRE_BROWSER"):
            pytest.fail(f"STAKEMAP_REQUIRE_BROWSER is set but {missing}")
        pytest.skip(f"{missing} (set STAKEMAP_REQUIRE_BROWSER to make this an error)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LiveServer:
    """A uvicorn server in a thread, its database, and shortcuts into both."""

    base: str
    engine: object
    admin_id: int
    demo_id: int
    xss: dict = field(default_factory=dict)
    _token: str = ""

    def url(self, path: str) -> str:
        return self.base + path

    def principal(self) -> Principal:
        return Principal(user_id=self.admin_id, email=ADMIN, is_admin=False)

    def session_secret(self, email: str = ADMIN) -> str:
        """A fresh browser session for a user, as the cookie value."""
        with session_scope(self.engine) as s:
            user = users.get_by_email(session=s, email=email)
            return websessions.start(session=s, user=user, hours=1)

    def login_link(self, email: str = ADMIN) -> str:
        with session_scope(self.engine) as s:
            user = users.get_by_email(session=s, email=email)
            return "/login/link/" + users.create_login_link(session=s, user=user, minutes=10)

    def new_demo(self) -> int:
        """A fresh copy of the demo partnership, for a test that changes things."""
        with session_scope(self.engine) as s:
            return load_demo(session=s, owner=self.principal()).id

    def api(self, method: str, path: str, **kw):
        """Call the JSON API with the admin's bearer token; returns the response."""
        with httpx.Client(base_url=self.base + "/api/v1", timeout=60) as c:
            return c.request(method, path, headers={"Authorization": f"Bearer {self._token}"}, **kw)

    def get(self, path: str):
        r = self.api("GET", path)
        assert r.status_code == 200, (r.status_code, r.text)
        return r.json()


def _add_hostile_names(engine, pid: int) -> dict:
    """An organisation, a member and notes whose text is markup; tied to the hub's team."""
    with session_scope(engine) as s:
        hub = partnership_service.hub_id(session=s, partnership_id=pid)
        rows, _ = stakeholder_service.page(session=s, partnership_id=pid, organisation_id=hub)
        member = rows[0].id
        org = stakeholder_service.create(
            session=s,
            partnership_id=pid,
            data=StakeholderCreate(
                kind="organisation",
                name=XSS_ORG,
                sector="housing",
                influence=5,
                interest=5,
                engagement="unaware",
                desired_engagement="leading",
                notes=XSS_NOTES,
            ),
        )
        person = stakeholder_service.create(
            session=s,
            partnership_id=pid,
            data=StakeholderCreate(
                kind="person",
                name=XSS_PERSON,
                organisation_id=org.id,
                seniority="executive",
                influence=4,
                interest=5,
                engagement="neutral",
                desired_engagement="leading",
                notes=XSS_NOTES,
                tags=["<i>tag</i>"],
            ),
        )
        tie_service.create(
            session=s,
            partnership_id=pid,
            data=TieCreate(source_id=member, target_id=person.id, kind="collaborates"),
        )
        return {"org": org.id, "person": person.id, "member": member}


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[LiveServer]:
    """The application on a real uvicorn server, with the demo loaded (module-wide)."""
    folder = tmp_path_factory.mktemp("web")
    url = f"sqlite:///{folder / 'stakemap.db'}"
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    with session_scope(engine) as s:
        admin = users.create_user(session=s, email=ADMIN, password=PASSWORD)
        _, token = users.create_token(session=s, user=admin)
        users.create_user(session=s, email=VIEWER, password=PASSWORD)
        admin_id = admin.id
    with session_scope(engine) as s:
        demo = load_demo(
            session=s, owner=Principal(user_id=admin_id, email=ADMIN, is_admin=False)
        ).id
    xss = _add_hostile_names(engine, demo)
    with session_scope(engine) as s:
        viewer = users.get_by_email(session=s, email=VIEWER)
        s.add(Membership(partnership_id=demo, user_id=viewer.id, role="viewer"))
    port = _free_port()
    # A long analysis wait: server.get() expects 200 (test_analysis_202.py covers the 202s).
    settings = Settings(
        database_url=url, base_url=f"http://127.0.0.1:{port}", analysis_wait_seconds=60
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
        base=f"http://127.0.0.1:{port}",
        engine=engine,
        admin_id=admin_id,
        demo_id=demo,
        xss=xss,
        _token=token,
    )
    try:
        yield live
    finally:
        uv.should_exit = True
        thread.join(timeout=10)
        engine.dispose()


@pytest.fixture(scope="module")
def browser():
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@dataclass
class Watch:
    """What a page did that a test must notice: console errors, dialogs, foreign requests."""

    errors: list = field(default_factory=list)
    dialogs: list = field(default_factory=list)
    foreign: list = field(default_factory=list)
    allowed: list = field(default_factory=list)

    def allow(self, fragment: str) -> None:
        """Accept console errors containing ``fragment`` (an expected 4xx, say)."""
        self.allowed.append(fragment)

    def problems(self) -> list[str]:
        errors = [e for e in self.errors if not any(a in e for a in self.allowed)]
        return (
            [f"console error: {e}" for e in errors]
            + [f"dialog opened: {d}" for d in self.dialogs]
            + [f"request left 127.0.0.1: {u}" for u in self.foreign]
        )


def open_context(browser, server: LiveServer, watch: Watch, *, email: str | None = ADMIN, **kw):
    """A browser context (1280×800 unless told) that fails on foreign requests and dialogs."""
    context = browser.new_context(viewport=kw.pop("viewport", {"width": 1280, "height": 800}), **kw)
    context.set_default_timeout(20_000)

    def guard(route):
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about") or parts.hostname == "127.0.0.1":
            route.continue_()
        else:
            watch.foreign.append(url)
            route.abort()

    context.route("**/*", guard)
    if email:
        context.add_cookies(
            [
                {
                    "name": websessions.COOKIE,
                    "value": server.session_secret(email),
                    "url": server.base,
                    "httpOnly": True,
                    "sameSite": "Lax",
                }
            ]
        )
    return context


def watch_page(page, watch: Watch) -> None:
    page.on("console", lambda m: m.type == "error" and watch.errors.append(m.text))
    page.on("pageerror", lambda e: watch.errors.append(f"uncaught: {e}"))

    def dialog(d):
        watch.dialogs.append(f"{d.type}: {d.message}")
        d.dismiss()

    page.on("dialog", dialog)


@pytest.fixture
def watch() -> Watch:
    return Watch()


@pytest.fixture
def page(browser, server, watch):
    """A signed-in page; the test fails if it logged errors, opened dialogs or left 127.0.0.1."""
    context = open_context(browser, server, watch)
    pg = context.new_page()
    watch_page(pg, watch)
    yield pg
    context.close()
    problems = watch.problems()
    assert not problems, "\n".join(problems)


def screenshot(page, name: str) -> None:
    """Save the page at 1280×800, and 390 px wide (a phone; the top 2,400 px), in screenshots/."""
    SCREENSHOTS.mkdir(exist_ok=True)
    size = page.viewport_size
    page.screenshot(path=str(SCREENSHOTS / f"{name}-1280.png"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(400)
    height = min(page.evaluate("() => document.documentElement.scrollHeight"), 2400)
    page.screenshot(
        path=str(SCREENSHOTS / f"{name}-390.png"),
        full_page=True,
        clip={"x": 0, "y": 0, "width": 390, "height": height},
    )
    page.set_viewport_size(size)
    page.wait_for_timeout(200)


def wait_map(page) -> None:
    page.wait_for_selector("#map[data-state=ready]")


def wait_settled(page) -> None:
    """The map's gaps are in and nothing is loading: when gaps arrive the panel fetches its
    record again, so a test that changes a record behind the page's back waits for this first
    (otherwise the page may or may not have seen the change)."""
    page.wait_for_function("() => document.getElementById('map').dataset.gaps === 'loaded'")
    page.wait_for_load_state("networkidle")


def node_point(page, node_id: int) -> tuple[float, float]:
    """Where node ``node_id`` is drawn, in page coordinates."""
    point = page.evaluate(
        """(id) => {
            const net = window.stakemapMap.network();
            const pos = net.getPositions([id])[id];
            const dom = net.canvasToDOM(pos);
            const box = document.getElementById('map').getBoundingClientRect();
            return [box.left + dom.x, box.top + dom.y];
        }""",
        node_id,
    )
    return point[0], point[1]


def focus_on_map(page, node_id: int) -> tuple[float, float]:
    """Centre the map on a node (as the search does) and return its page coordinates."""
    page.evaluate(
        """(id) => {
            const net = window.stakemapMap.network();
            net.moveTo({position: net.getPositions([id])[id], scale: 1.2, animation: false});
        }""",
        node_id,
    )
    page.wait_for_timeout(150)
    return node_point(page, node_id)
