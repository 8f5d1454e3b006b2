"""Who may call what: tokens, read-only tokens, membership roles and admins (both databases).

The route-wide rules are checked on every /api/v1 route the application has (read from
``app.routes``), each route a subtest, so that a new route cannot escape them.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from app import __version__
from app.db import session_scope
from app.services import users
from app.tables import ApiToken, Partnership, User, utcnow
from tests.api.routes import Route, api_routes, protected
from tests.factories import add_member, table_counts, tiny_partnership

MISSING = 2**31 - 1
NO_TOKEN = "Authentication required: send Authorization: Bearer <token>"
BAD_TOKEN = "The token is unknown, revoked or expired"


@pytest.fixture
def two(api) -> dict:
    """Partnership A (owned by the ``api`` user) with a tie and an engagement; B, owned by Olga."""
    t = tiny_partnership(api)
    pid = t["pid"]
    tie = api.tie(pid, t["director"], t["coordinator"])
    eng = api.engagement(pid, [t["director"], t["coordinator"]])
    olga = api.as_user("olga@example.org")
    b = olga.partnership("Olga's Partnership")
    token_id, secret = secret_for(api.engine, api.user_id, read_only=True)
    return {
        "token_id": token_id,
        "read_only": bearer(secret),
        **t,
        "tid": tie["id"],
        "eid": eng["id"],
        "sid": t["director"],
        "b_pid": b["id"],
        "user_id": olga.user_id,
    }


def writes(app) -> list[Route]:
    """The protected routes that change something."""
    return [r for r in protected(app) if r.writes]


def ids_for(two: dict, pid: int) -> dict:
    """Path parameter values for every route, in partnership ``pid``."""
    return {**two, "pid": pid}


# A body that passes validation, for routes whose access check runs after it.
BODIES = {Route("POST", "/api/v1/partnerships"): {"name": "Another"}}


def body_for(route: Route) -> dict:
    if route.method in ("POST", "PATCH", "PUT"):
        return {"json": BODIES.get(route, {})}
    return {}


def call(client, route, ids, headers=None):
    """A request through an ApiClient (with its token)."""
    return client.request(route.method, route.url(ids), headers=headers or {}, **body_for(route))


def bare(api, route, ids, headers=None):
    """A request without the client's own token."""
    return api.client.request(
        route.method, "/api/v1" + route.url(ids), headers=headers or {}, **body_for(route)
    )


def secret_for(engine, user_id: int, **kw) -> tuple[int, str]:
    """A new token for the user: (token id, secret)."""
    with session_scope(engine) as session:
        token, secret = users.create_token(session=session, user=session.get(User, user_id), **kw)
        return token.id, secret


def revision_of(engine, pid: int) -> int:
    with session_scope(engine, write=False) as session:
        return session.get(Partnership, pid).revision


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


# -- tokens -----------------------------------------------------------------------------------


def test_health_needs_no_token(api):
    r = api.client.get("/api/v1/health")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "database": "ok", "version": __version__}


def test_every_route_but_health_needs_a_token(api, two, subtests):
    routes = protected(api.client.app)
    assert len(routes) >= 16  # the CRUD routes of the foundation, at least
    ids = ids_for(two, two["pid"])
    before = table_counts(api.engine)
    for route in routes:
        with subtests.test(msg=str(route)):
            r = bare(api, route, ids)
            assert r.status_code == 401, r.text
            assert r.headers["WWW-Authenticate"] == "Bearer"
            assert r.json() == {"detail": NO_TOKEN}
    assert table_counts(api.engine) == before


@pytest.mark.parametrize(
    "header",
    [
        "Bearer smk_not-a-real-token",
        "Bearer ",
        "Basic YW5hbHlzdEBleGFtcGxlLm9yZzpwYXNzd29yZA==",
        "smk_not-a-real-token",
    ],
    ids=["unknown token", "empty token", "basic auth", "no scheme"],
)
def test_a_bad_token_is_refused(api, two, header):
    r = api.client.get("/api/v1/partnerships", headers={"Authorization": header})
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"] == "Bearer"
    expected = BAD_TOKEN if header == "Bearer smk_not-a-real-token" else NO_TOKEN
    assert r.json() == {"detail": expected}


def test_a_revoked_token_is_refused(api, two):
    token_id, secret = secret_for(api.engine, api.user_id)
    path = f"/api/v1/partnerships/{two['pid']}"
    assert api.client.get(path, headers=bearer(secret)).status_code == 200
    with session_scope(api.engine) as session:
        users.revoke_token(session=session, token_id=token_id)
    r = api.client.get(path, headers=bearer(secret))
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"] == "Bearer"
    assert r.json() == {"detail": BAD_TOKEN}
    # the user's other token still works
    assert api.get(f"/partnerships/{two['pid']}").status_code == 200


def test_an_expired_token_is_refused(api, two):
    token_id, secret = secret_for(api.engine, api.user_id, expires_days=1)
    path = f"/api/v1/partnerships/{two['pid']}"
    assert api.client.get(path, headers=bearer(secret)).status_code == 200
    with session_scope(api.engine) as session:
        session.execute(
            update(ApiToken)
            .where(ApiToken.id == token_id)
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    r = api.client.get(path, headers=bearer(secret))
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"] == "Bearer"
    assert r.json() == {"detail": BAD_TOKEN}


def test_a_deactivated_users_token_is_refused(api, two):
    with session_scope(api.engine) as session:
        session.execute(update(User).where(User.id == api.user_id).values(is_active=False))
    r = api.get(f"/partnerships/{two['pid']}")
    assert r.status_code == 401
    assert r.json() == {"detail": BAD_TOKEN}


def test_a_read_only_token_reads_like_a_full_token(api, two, subtests):
    ids = ids_for(two, two["pid"])
    reads = [r for r in protected(api.client.app) if not r.writes]
    assert len(reads) >= 8
    for route in reads:
        with subtests.test(msg=str(route)):
            full = call(api, route, ids)
            read_only = bare(api, route, ids, two["read_only"])
            assert read_only.status_code == full.status_code, read_only.text
    for path in (
        f"/partnerships/{two['pid']}",
        f"/partnerships/{two['pid']}/stakeholders",
        f"/partnerships/{two['pid']}/stakeholders/{two['director']}",
        f"/partnerships/{two['pid']}/ties/{two['tid']}",
        f"/partnerships/{two['pid']}/engagements",
    ):
        read_only = api.client.get("/api/v1" + path, headers=two["read_only"])
        assert read_only.status_code == 200
        assert read_only.json() == api.ok("GET", path)


def test_a_read_only_token_never_writes(api, two, subtests):
    ids = ids_for(two, two["pid"])
    before = table_counts(api.engine)
    revision = revision_of(api.engine, two["pid"])
    routes = writes(api.client.app)
    assert {r.method for r in routes} == {"POST", "PATCH", "DELETE"}
    for route in routes:
        with subtests.test(msg=str(route)):
            r = bare(api, route, ids, two["read_only"])
            assert r.status_code == 403, r.text
            assert "read-only" in r.json()["detail"]
    # the foundation's routes say so in one way
    for method, path, body in [
        ("POST", "/partnerships", {"name": "Reader's own"}),
        ("PATCH", f"/partnerships/{two['pid']}", {}),
        ("DELETE", f"/partnerships/{two['pid']}", None),
        ("POST", f"/partnerships/{two['pid']}/stakeholders", {}),
        ("PATCH", f"/partnerships/{two['pid']}/ties/{two['tid']}", {}),
        ("DELETE", f"/partnerships/{two['pid']}/engagements/{two['eid']}", None),
    ]:
        r = api.client.request(method, "/api/v1" + path, headers=two["read_only"], json=body)
        assert r.status_code == 403
        assert r.json() == {"detail": "This token is read-only"}
    # a valid body is refused too
    r = api.client.post(
        f"/api/v1/partnerships/{two['pid']}/stakeholders",
        json={"kind": "person", "name": "Reader's friend"},
        headers=two["read_only"],
    )
    assert r.status_code == 403
    assert table_counts(api.engine) == before
    assert revision_of(api.engine, two["pid"]) == revision


# -- membership -------------------------------------------------------------------------------


def test_a_non_member_gets_404_on_every_route_of_the_partnership(api, two, subtests):
    """The same answer as for a partnership that does not exist: it learns nothing."""
    routes = [r for r in protected(api.client.app) if "pid" in r.params]
    assert len(routes) >= 14
    before = table_counts(api.engine)
    revision = revision_of(api.engine, two["b_pid"])
    for route in routes:
        with subtests.test(msg=str(route)):
            other = call(api, route, ids_for(two, two["b_pid"]))
            missing = call(api, route, ids_for(two, MISSING))
            assert other.status_code == 404, other.text
            assert missing.status_code == 404, missing.text
            assert other.json() == {"detail": f"Partnership {two['b_pid']} not found"}
            assert missing.json() == {"detail": f"Partnership {MISSING} not found"}
    assert table_counts(api.engine) == before
    assert revision_of(api.engine, two["b_pid"]) == revision


def test_a_user_lists_only_their_partnerships(api, two):
    mine = api.ok("GET", "/partnerships")
    assert mine["count"] == 1
    assert [(p["id"], p["role"]) for p in mine["data"]] == [(two["pid"], "owner")]
    stranger = api.as_user("stranger@example.org")
    assert stranger.ok("GET", "/partnerships") == {"data": [], "count": 0}


def test_an_admin_sees_every_partnership(api, two):
    admin = api.as_user("admin@example.org", admin=True)
    listed = admin.ok("GET", "/partnerships")
    assert listed["count"] == 2
    assert [(p["id"], p["role"]) for p in listed["data"]] == [
        (two["pid"], None),
        (two["b_pid"], None),
    ]
    assert admin.ok("GET", f"/partnerships/{two['b_pid']}")["name"] == "Olga's Partnership"
    stakeholders = admin.ok("GET", f"/partnerships/{two['pid']}/stakeholders")
    assert stakeholders["count"] == 6


def test_a_viewer_reads_but_cannot_write(api, two, subtests):
    viewer = api.as_user("viewer@example.org")
    add_member(api.engine, two["pid"], viewer.user_id, "viewer")
    pid = two["pid"]
    got = viewer.ok("GET", f"/partnerships/{pid}")
    assert (got["id"], got["role"]) == (pid, "viewer")
    assert viewer.ok("GET", f"/partnerships/{pid}/stakeholders")["count"] == 6
    assert viewer.ok("GET", f"/partnerships/{pid}/ties")["count"] == 1
    assert viewer.ok("GET", f"/partnerships/{pid}/engagements")["count"] == 1
    director = viewer.ok("GET", f"/partnerships/{pid}/stakeholders/{two['director']}")
    assert director["name"] == "Dana Director"

    before = table_counts(api.engine)
    revision = revision_of(api.engine, pid)
    for route in [r for r in writes(api.client.app) if "pid" in r.params]:
        with subtests.test(msg=str(route)):
            r = call(viewer, route, ids_for(two, pid))
            assert r.status_code == 403, r.text
    # the foundation's routes name the role needed
    for method, path, needed in [
        ("POST", f"/partnerships/{pid}/stakeholders", "editor"),
        ("PATCH", f"/partnerships/{pid}/stakeholders/{two['director']}", "editor"),
        ("DELETE", f"/partnerships/{pid}/ties/{two['tid']}", "editor"),
        ("POST", f"/partnerships/{pid}/engagements", "editor"),
        ("PATCH", f"/partnerships/{pid}", "editor"),
        ("DELETE", f"/partnerships/{pid}", "owner"),
    ]:
        r = viewer.request(method, path, json={})
        assert r.status_code == 403
        assert r.json() == {"detail": f"This needs the {needed} role in partnership {pid}"}
    assert table_counts(api.engine) == before
    assert revision_of(api.engine, pid) == revision


def test_an_editor_writes_but_cannot_delete_the_partnership(api, two):
    editor = api.as_user("editor@example.org")
    add_member(api.engine, two["pid"], editor.user_id, "editor")
    pid = two["pid"]
    s = editor.stakeholder(pid, name="Ed's Contact")
    assert s["name"] == "Ed's Contact"
    editor.ok("PATCH", f"/partnerships/{pid}/stakeholders/{s['id']}", json={"influence": 2})
    editor.ok("DELETE", f"/partnerships/{pid}/ties/{two['tid']}", 204)
    renamed = editor.ok("PATCH", f"/partnerships/{pid}", json={"name": "Renamed"})
    assert (renamed["name"], renamed["role"]) == ("Renamed", "editor")
    r = editor.delete(f"/partnerships/{pid}")
    assert r.status_code == 403
    assert r.json() == {"detail": f"This needs the owner role in partnership {pid}"}
    # five stakeholders, a tie and an engagement made 7; the editor's four writes made 11
    assert editor.ok("GET", f"/partnerships/{pid}")["revision"] == 11
    # the owner can
    api.ok("DELETE", f"/partnerships/{pid}", 204)
    assert editor.get(f"/partnerships/{pid}").status_code == 404


def test_the_creator_becomes_the_owner(api, two):
    stranger = api.as_user("founder@example.org")
    p = stranger.partnership("Founded")
    assert p["role"] == "owner"
    assert api.get(f"/partnerships/{p['id']}").status_code == 404
    stranger.ok("DELETE", f"/partnerships/{p['id']}", 204)


def test_every_route_is_known_to_these_tests(api):
    """The path parameters of every route have a value in ``two`` (or ``ids_for`` fails)."""
    params = {p for r in api_routes(api.client.app) for p in r.params}
    assert params <= {"pid", "sid", "tid", "eid", "user_id", "token_id"}, params
