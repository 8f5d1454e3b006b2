"""Every browser route × every kind of caller, generated from the application's own route list.

The API has its matrix (tests/api/test_access_matrix.py); this is the pages' twin. Every route
outside /api/ must have a POLICY entry, so a new page cannot escape. Callers are signed in with
the session cookie, as a browser is: anonymous, a member of another partnership (outsider),
viewer, editor, owner, and a site admin who is not a member. Expected, for a partnership's page:
anonymous → 303 to /login?next=<the page>; outsider → 404 identical to the one for a partnership
that does not exist; a member below the page's role → 403; otherwise 200. The unsafe form routes
(sign-in, sign-out) refuse any request that does not come from this site.

Runs on SQLite, and on PostgreSQL when STAKEMAP_TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlmodel import SQLModel

from app.auth import Principal
from app.db import session_scope
from app.main import create_app
from app.schemas import PartnershipCreate
from app.services import partnerships, users, websessions
from app.settings import Settings
from app.tables import Membership
from tests.api.routes import iter_route_contexts
from tests.conftest import DATABASES, fresh_engine
from web.auth import COOKIE, SAFE_METHODS
from web.render import build_id

CALLERS = ["anonymous", "outsider", "viewer", "editor", "owner", "admin"]
MEMBERS = {"viewer": 1, "editor": 2, "owner": 3}
RANK = {**MEMBERS, "admin": 4}
PASSWORD = "a long enough password"
NAME = "Matrix Partnership"
OURS = {"Origin": "http://testserver"}
UNKNOWN_PID = 987654

# (method, path) → what the route is:
#   "public"          anyone, signed in or not (static files, API documentation)
#   "signed-in"       any signed-in user; anonymous is sent to sign in
#   viewer | owner    a partnership's page, for members with at least that role (and admins)
#   "sign-in-form", "sign-in", "link", "sign-out": the sign-in routes, each tested on its own
POLICY: dict[tuple[str, str], str] = {
    ("GET", "/openapi.json"): "public",
    ("GET", "/docs"): "public",
    ("GET", "/docs/init.js"): "public",
    ("MOUNT", "/docs/assets"): "public",
    ("GET", "/static/{build}/{path:path}"): "public",
    ("GET", "/vendor/vis-network/{name}"): "public",
    ("GET", "/"): "signed-in",
    ("GET", "/partnerships/{pid}"): "viewer",
    ("GET", "/partnerships/{pid}/gaps"): "viewer",
    ("GET", "/partnerships/{pid}/grid"): "viewer",
    ("GET", "/partnerships/{pid}/reach"): "viewer",
    ("GET", "/partnerships/{pid}/import"): "viewer",
    ("GET", "/partnerships/{pid}/report"): "viewer",
    ("GET", "/partnerships/{pid}/members"): "owner",
    ("GET", "/partnerships/{pid}/audit"): "owner",
    ("GET", "/login"): "sign-in-form",
    ("POST", "/login"): "sign-in",
    ("GET", "/login/link/{secret}"): "link",
    ("POST", "/logout"): "sign-out",
}
#: Values for the path parameters of the public routes (a real file each).
FILES = {
    "/static/{build}/{path:path}": lambda: f"/static/{build_id()}/js/lib.js",
    "/vendor/vis-network/{name}": lambda: "/vendor/vis-network/vis-network.min.js",
    "/docs/assets": lambda: "/docs/assets/swagger-ui.css",
}


def _web_routes() -> list[tuple[str, str]]:
    """Every (method, path) outside /api/, HEAD aside; a mounted app counts as MOUNT."""
    app = create_app(Settings(database_url="sqlite://"))
    found = set()
    for r in iter_route_contexts(app.routes):
        path = getattr(r, "path", "") or ""
        if not path or path.startswith("/api/"):
            continue
        methods = (getattr(r, "methods", None) or set()) - {"HEAD"}
        found.update((m, path) for m in methods or {"MOUNT"})
    return sorted(found, key=lambda r: (r[1], r[0]))


ROUTES = _web_routes()
PAGES = [r for r in ROUTES if POLICY.get(r) in ("signed-in", *MEMBERS)]
UNSAFE = [r for r in ROUTES if r[0] not in SAFE_METHODS | {"MOUNT"}]


def test_every_web_route_has_a_policy():
    missing = [r for r in ROUTES if r not in POLICY]
    assert missing == [], f"add these routes to POLICY: {missing}"
    assert [r for r in POLICY if r not in ROUTES] == [], "POLICY names routes that are gone"
    # the partnership pages are exactly those with a {pid}, and each is in the matrix below
    assert {r for r in ROUTES if "{pid}" in r[1]} == {r for r in PAGES if r[1] != "/"}


@dataclass
class World:
    client: TestClient
    engine: object
    pid: int
    secrets: dict[str, str]  # caller → session cookie value
    emails: dict[str, str]

    def own_cookie(self, caller: str) -> dict:
        """A session of the caller's own, for a test that ends or replaces it."""
        return {} if caller == "anonymous" else {"Cookie": f"{COOKIE}={self.new_session(caller)}"}

    def cookie(self, caller: str) -> dict:
        secret = self.secrets.get(caller)
        return {"Cookie": f"{COOKIE}={secret}"} if secret else {}

    def new_session(self, caller: str) -> str:
        with session_scope(self.engine) as s:
            user = users.get_by_email(session=s, email=self.emails[caller])
            return websessions.start(session=s, user=user, hours=1)

    def link(self, caller: str) -> str:
        with session_scope(self.engine) as s:
            user = users.get_by_email(session=s, email=self.emails[caller])
            return users.create_login_link(session=s, user=user, minutes=10)


@pytest.fixture(scope="module", params=DATABASES)
def world(request, tmp_path_factory):
    """A partnership with an owner, an editor and a viewer; an outsider with a partnership of
    their own; a site admin who is a member of neither. Built once per database."""
    with fresh_engine(request.param, tmp_path_factory.mktemp("pages")) as engine:
        SQLModel.metadata.create_all(engine)
        emails = {who: f"{who}@example.org" for who in CALLERS if who != "anonymous"}
        with session_scope(engine) as s:
            people = {}
            for who, email in emails.items():
                u = users.create_user(
                    session=s, email=email, password=PASSWORD, is_admin=who == "admin"
                )
                people[who] = Principal(user_id=u.id, email=email, is_admin=who == "admin")
            p = partnerships.create(
                session=s, data=PartnershipCreate(name=NAME), creator=people["owner"]
            )
            partnerships.create(
                session=s, data=PartnershipCreate(name="Elsewhere"), creator=people["outsider"]
            )
            for who in ("editor", "viewer"):
                s.add(Membership(partnership_id=p.id, user_id=people[who].user_id, role=who))
            pid = p.id
        app = create_app(Settings(database_url="sqlite://"), engine=engine)
        with TestClient(app, follow_redirects=False) as client:
            w = World(client, engine, pid, {}, emails)
            w.secrets = {who: w.new_session(who) for who in emails}
            yield w


@pytest.fixture(autouse=True)
def _empty_cookie_jar(request):
    """Each request says who it is in its own headers: a session cookie that a sign-in test left
    in the shared client's jar must not make a later "anonymous" request signed in."""
    if "world" in request.fixturenames:
        request.getfixturevalue("world").client.cookies.clear()
    yield
    if "world" in request.fixturenames:
        request.getfixturevalue("world").client.cookies.clear()


def _url(path: str, pid: int) -> str:
    return path.replace("{pid}", str(pid))


def _expected(need: str, caller: str) -> int:
    if caller == "anonymous":
        return 303
    if need == "signed-in" or caller == "admin":
        return 200
    if caller == "outsider":
        return 404
    return 200 if RANK[caller] >= RANK[need] else 403


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize(("method", "path"), PAGES)
def test_page_access(world, method, path, caller):
    need = POLICY[(method, path)]
    url = _url(path, world.pid) + "?from=matrix"
    r = world.client.get(url, headers=world.cookie(caller))
    expected = _expected(need, caller)
    assert r.status_code == expected, (caller, url, r.status_code, r.text[:300])
    assert "default-src 'self'" in r.headers["content-security-policy"]
    if expected != 303:
        assert r.headers["cache-control"] == "no-store"
    else:
        assert r.headers["location"] == f"/login?next={quote(url, safe='/')}"
        assert NAME not in r.text
        return
    if expected == 404:
        # an outsider learns nothing: the very page a partnership that does not exist gets
        unknown = world.client.get(
            _url(path, UNKNOWN_PID) + "?from=matrix", headers=world.cookie(caller)
        )
        assert unknown.status_code == 404
        assert r.text == unknown.text
        assert NAME not in r.text and f"/partnerships/{world.pid}" not in r.text
        return
    if expected == 403:
        assert "Only an owner of this partnership can open its" in r.text
        assert "owner@example.org" not in r.text and 'id="member-rows"' not in r.text
        return
    assert "/api/v1/" in r.text  # every page links to its JSON twin
    if path == "/":
        return
    assert NAME in r.text
    # the owners' tabs are offered to exactly those who may open them
    for slug in ("members", "audit"):
        tab = f'href="/partnerships/{world.pid}/{slug}"'
        assert (tab in r.text) == (caller in ("owner", "admin")), (caller, slug)


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize(("method", "path"), [r for r in ROUTES if POLICY.get(r) == "public"])
def test_public_routes_need_no_session(world, method, path, caller):
    url = FILES[path]() if path in FILES else path
    r = world.client.get(url, headers=world.cookie(caller))
    assert r.status_code == 200, (caller, url, r.status_code)
    assert "set-cookie" not in r.headers
    assert r.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("caller", CALLERS)
def test_sign_in_form(world, caller):
    r = world.client.get("/login?next=/partnerships/1", headers=world.cookie(caller))
    if caller == "anonymous":
        assert r.status_code == 200
        assert 'name="email"' in r.text and 'name="password"' in r.text
    else:  # already signed in: straight on to where they were going
        assert r.status_code == 303 and r.headers["location"] == "/partnerships/1"


@pytest.mark.parametrize("caller", CALLERS)
def test_sign_in_with_a_password(world, caller):
    who = "viewer" if caller == "anonymous" else caller
    data = {"email": world.emails[who], "password": PASSWORD}
    r = world.client.post("/login", data=data, headers={**world.own_cookie(caller), **OURS})
    assert r.status_code == 303 and r.headers["location"] == "/"
    secret = re.search(rf"{COOKIE}=([^;]+)", r.headers["set-cookie"]).group(1)
    assert world.client.get("/", headers={"Cookie": f"{COOKIE}={secret}"}).status_code == 200


@pytest.mark.parametrize("caller", CALLERS)
def test_sign_in_with_a_link(world, caller):
    who = "viewer" if caller == "anonymous" else caller
    own = world.own_cookie(caller)
    bogus = world.client.get("/login/link/not-a-real-secret", headers=own)
    assert bogus.status_code == 400 and "set-cookie" not in bogus.headers
    secret = world.link(who)
    r = world.client.get(f"/login/link/{secret}", headers=own)
    assert r.status_code == 303 and r.headers["set-cookie"].startswith(f"{COOKIE}=")
    again = world.client.get(f"/login/link/{secret}")
    assert again.status_code == 400  # one use only


@pytest.mark.parametrize("caller", CALLERS)
def test_sign_out(world, caller):
    own = world.own_cookie(caller)
    r = world.client.post("/logout", headers={**own, **OURS})
    assert r.status_code == 303 and r.headers["location"] == "/login"
    if own:  # the session is over: the cookie no longer opens a page
        assert world.client.get("/", headers=own).status_code == 303


# -- cross-site requests to the unsafe form routes ------------------------------------------

FORMS = {
    "/login": lambda w: {"email": w.emails["viewer"], "password": PASSWORD},
    "/logout": lambda w: {},
}
CROSS_SITE = {
    "no Origin or Referer": {},
    "another Origin": {"Origin": "http://evil.example"},
    "an opaque Origin": {"Origin": "null"},
    "another site's Referer": {"Referer": "http://evil.example/page"},
    "a look-alike host": {"Origin": "http://testserver.evil.example"},
}


def test_every_unsafe_form_route_is_checked():
    assert sorted(path for _, path in UNSAFE) == sorted(FORMS)


@pytest.mark.parametrize("headers", CROSS_SITE.values(), ids=CROSS_SITE.keys())
@pytest.mark.parametrize(("method", "path"), UNSAFE)
@pytest.mark.parametrize("caller", ["anonymous", "viewer", "owner"])
def test_unsafe_form_routes_refuse_other_sites(world, method, path, caller, headers):
    own = world.own_cookie(caller)
    r = world.client.request(method, path, data=FORMS[path](world), headers={**own, **headers})
    assert r.status_code == 403
    assert "Cross-site request refused" in r.text
    assert "set-cookie" not in r.headers  # no session started, none ended
    if own:
        assert world.client.get("/", headers=own).status_code == 200  # still signed in
