"""Every API route × every kind of caller, generated from the application's own route list.

A route missing from POLICY fails the test, so a new route cannot escape the matrix. Callers:
anonymous, a member of another partnership, viewer, editor, owner, site admin. Expected:
anonymous 401; an outsider 404 on anything inside the partnership (it learns nothing);
a member below the route's role 403; otherwise 2xx. Each case gets a fresh database, since
some routes delete what others need.
"""

from __future__ import annotations

import re
import shutil

import pytest
from fastapi.testclient import TestClient
from sqlmodel import SQLModel

from app.auth import Principal
from app.db import make_engine, session_scope
from app.main import create_app
from app.schemas import EngagementCreate, PartnershipCreate, StakeholderCreate, TieCreate
from app.services import engagements, partnerships, stakeholders, ties, users
from app.settings import Settings
from app.tables import Membership

CALLERS = ["anonymous", "outsider", "viewer", "editor", "owner", "admin"]
RANK = {"viewer": 1, "editor": 2, "owner": 3, "admin": 4}

# (method, path) → (role needed; "public" | "user" | viewer | editor | owner, body or None)
POLICY: dict[tuple[str, str], tuple[str, dict | None]] = {
    ("GET", "/api/v1/health"): ("public", None),
    ("GET", "/api/v1/tokens"): ("user", None),
    ("POST", "/api/v1/tokens"): ("user", {"name": "matrix"}),
    ("DELETE", "/api/v1/tokens/{token_id}"): ("self-token", None),
    ("GET", "/api/v1/partnerships"): ("user", None),
    ("POST", "/api/v1/partnerships"): ("user", {"name": "Another"}),
    ("GET", "/api/v1/partnerships/{pid}"): ("viewer", None),
    ("PATCH", "/api/v1/partnerships/{pid}"): ("editor", {"description": "x"}),
    ("DELETE", "/api/v1/partnerships/{pid}"): ("owner", None),
    ("GET", "/api/v1/partnerships/{pid}/members"): ("viewer", None),
    ("POST", "/api/v1/partnerships/{pid}/members"): ("owner", {"email": "new@example.org"}),
    ("PATCH", "/api/v1/partnerships/{pid}/members/{user_id}"): ("owner", {"role": "editor"}),
    ("DELETE", "/api/v1/partnerships/{pid}/members/{user_id}"): ("owner", None),
    ("GET", "/api/v1/partnerships/{pid}/stakeholders"): ("viewer", None),
    ("POST", "/api/v1/partnerships/{pid}/stakeholders"): (
        "editor",
        {"kind": "person", "name": "New"},
    ),
    ("GET", "/api/v1/partnerships/{pid}/stakeholders/{sid}"): ("viewer", None),
    ("PATCH", "/api/v1/partnerships/{pid}/stakeholders/{sid}"): ("editor", {"role": "Chair"}),
    ("DELETE", "/api/v1/partnerships/{pid}/stakeholders/{sid}"): ("editor", None),
    ("GET", "/api/v1/partnerships/{pid}/stakeholders/{sid}/personal-data"): ("owner", None),
    ("POST", "/api/v1/partnerships/{pid}/stakeholders/{sid}/erase"): ("owner", {"confirm": True}),
    ("GET", "/api/v1/partnerships/{pid}/ties"): ("viewer", None),
    ("POST", "/api/v1/partnerships/{pid}/ties"): ("editor", "new-tie"),
    ("GET", "/api/v1/partnerships/{pid}/ties/{tid}"): ("viewer", None),
    ("PATCH", "/api/v1/partnerships/{pid}/ties/{tid}"): ("editor", {"strength": 4}),
    ("DELETE", "/api/v1/partnerships/{pid}/ties/{tid}"): ("editor", None),
    ("GET", "/api/v1/partnerships/{pid}/engagements"): ("viewer", None),
    ("POST", "/api/v1/partnerships/{pid}/engagements"): ("editor", "new-engagement"),
    ("GET", "/api/v1/partnerships/{pid}/engagements/{eid}"): ("viewer", None),
    ("PATCH", "/api/v1/partnerships/{pid}/engagements/{eid}"): ("editor", {"summary": "x"}),
    ("DELETE", "/api/v1/partnerships/{pid}/engagements/{eid}"): ("editor", None),
    ("GET", "/api/v1/partnerships/{pid}/graph"): ("viewer", None),
    ("GET", "/api/v1/partnerships/{pid}/analysis/summary"): ("viewer", None),
    ("GET", "/api/v1/partnerships/{pid}/analysis/reach"): ("viewer", None),
    ("GET", "/api/v1/partnerships/{pid}/analysis/centrality"): ("viewer", None),
    ("GET", "/api/v1/partnerships/{pid}/analysis/brokerage"): ("viewer", None),
    ("GET", "/api/v1/partnerships/{pid}/analysis/fragility"): ("viewer", None),
    ("GET", "/api/v1/partnerships/{pid}/analysis/communities"): ("viewer", None),
    ("GET", "/api/v1/partnerships/{pid}/analysis/gaps"): ("viewer", None),
    ("GET", "/api/v1/partnerships/{pid}/analysis/path"): ("viewer", None),
    ("GET", "/api/v1/partnerships/{pid}/analysis/recommendations"): ("viewer", None),
    ("POST", "/api/v1/partnerships/{pid}/analysis/what-if"): ("viewer", {"remove": []}),
    ("GET", "/api/v1/partnerships/{pid}/analysis/compare"): ("viewer", None),
    ("GET", "/api/v1/partnerships/{pid}/audit"): ("owner", None),
    ("POST", "/api/v1/partnerships/{pid}/import"): ("editor", "import"),
    ("GET", "/api/v1/partnerships/{pid}/export"): ("viewer", None),
}
QUERY = {
    "/api/v1/partnerships/{pid}/analysis/path": "target={sid}",
    "/api/v1/partnerships/{pid}/analysis/compare": "from=2026-01-01&to=2026-06-01",
    "/api/v1/partnerships/{pid}/import": "format=stakemap&dry_run=true",
    "/api/v1/partnerships/{pid}/export": "format=stakemap",
}


def _app_routes() -> list[tuple[str, str]]:
    app = create_app(Settings(database_url="sqlite://"))
    return sorted(
        (method.upper(), path) for path, ops in app.openapi()["paths"].items() for method in ops
    )


ROUTES = _app_routes()


def test_every_route_has_a_policy():
    missing = [r for r in ROUTES if r not in POLICY]
    assert missing == [], f"add these routes to POLICY: {missing}"


def _expected(need: str, caller: str, scoped: bool) -> str:
    if need == "public":
        return "ok"
    if caller == "anonymous":
        return "401"
    if need in ("user", "self-token"):
        return "ok"
    if caller == "outsider":
        return "404" if scoped else "ok"
    return "ok" if RANK[caller] >= RANK[need] else "403"


def _build_world(path):
    """A partnership with an owner, an editor, a viewer; an outsider elsewhere; an admin."""
    engine = make_engine(f"sqlite:///{path}")
    SQLModel.metadata.create_all(engine)
    heads: dict[str, dict] = {}
    ids: dict[str, int] = {}
    with session_scope(engine) as s:
        people = {}
        for who in ("owner", "editor", "viewer", "outsider", "admin", "extra"):
            u = users.create_user(session=s, email=f"{who}@example.org", is_admin=who == "admin")
            tok, secret = users.create_token(session=s, user=u)
            people[who] = Principal(user_id=u.id, email=u.email, is_admin=who == "admin")
            heads[who] = {"Authorization": f"Bearer {secret}"}
            ids[f"{who}_token"] = tok.id
        p = partnerships.create(
            session=s, data=PartnershipCreate(name="Matrix"), creator=people["owner"]
        )
        partnerships.create(
            session=s, data=PartnershipCreate(name="Elsewhere"), creator=people["outsider"]
        )
        for who, role in (("editor", "editor"), ("viewer", "viewer"), ("extra", "viewer")):
            s.add(Membership(partnership_id=p.id, user_id=people[who].user_id, role=role))
        a = stakeholders.create(
            session=s, partnership_id=p.id, data=StakeholderCreate(kind="person", name="Ann")
        )
        b = stakeholders.create(
            session=s, partnership_id=p.id, data=StakeholderCreate(kind="person", name="Bo")
        )
        c = stakeholders.create(
            session=s, partnership_id=p.id, data=StakeholderCreate(kind="person", name="Cy")
        )
        tie = ties.create(
            session=s, partnership_id=p.id, data=TieCreate(source_id=a.id, target_id=b.id)
        )
        e = engagements.create(
            session=s,
            partnership_id=p.id,
            data=EngagementCreate(
                occurred_on="2026-05-01", channel="meeting", participant_ids=[a.id, b.id]
            ),
        )
        ids.update(pid=p.id, sid=a.id, other=c.id, tid=tie.id, eid=e.id,
                   user_id=people["extra"].user_id)  # fmt: skip
    client = TestClient(create_app(Settings(database_url="sqlite://"), engine=engine))
    return client, heads, ids, engine


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """The world built once; fresh worlds are copies of its database file."""
    path = tmp_path_factory.mktemp("matrix") / "template.db"
    client, heads, ids, engine = _build_world(path)
    client.close()
    engine.dispose()
    return path, heads, ids


def _open(path, heads, ids):
    engine = make_engine(f"sqlite:///{path}")
    client = TestClient(create_app(Settings(database_url="sqlite://"), engine=engine))
    return client, heads, ids, engine


@pytest.fixture(scope="module")
def shared_world(template, tmp_path_factory):
    """One world for the cases that change nothing (reads, and refusals)."""
    path = tmp_path_factory.mktemp("shared") / "shared.db"
    shutil.copy(template[0], path)
    client, heads, ids, engine = _open(path, *template[1:])
    yield client, heads, ids
    client.close()
    engine.dispose()


@pytest.fixture
def fresh_world(template, tmp_path):
    """A world of its own, for a write that is expected to succeed."""
    path = tmp_path / "fresh.db"
    shutil.copy(template[0], path)
    client, heads, ids, engine = _open(path, *template[1:])
    yield client, heads, ids
    client.close()
    engine.dispose()


def _body(spec, ids):
    if spec == "new-tie":
        return {"source_id": ids["sid"], "target_id": ids["other"]}
    if spec == "new-engagement":
        return {"occurred_on": "2026-06-01", "channel": "call",
                "participant_ids": [ids["sid"], ids["other"]]}  # fmt: skip
    if spec == "import":
        return {"format": "stakemap/v1", "stakeholders": []}
    return spec


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize(("method", "path"), [r for r in ROUTES if r in POLICY])
def test_access(request, method, path, caller):
    need, spec = POLICY[(method, path)]
    expected = _expected(need, caller, "{pid}" in path)
    writes = method != "GET" and path != "/api/v1/partnerships/{pid}/analysis/what-if"
    world = "fresh_world" if writes and expected == "ok" else "shared_world"
    client, heads, ids = request.getfixturevalue(world)
    token_owner = "owner" if caller == "anonymous" else caller
    values = {**ids, "token_id": ids.get(f"{token_owner}_token", ids["owner_token"])}
    url = re.sub(r"{(\w+)}", lambda m: str(values[m.group(1)]), path)
    if path in QUERY:
        url += "?" + QUERY[path].format(**values)
    headers = heads.get(caller, {})
    body = _body(spec, ids)
    r = client.request(method, url, headers=headers, json=body)
    if expected == "ok":
        assert 200 <= r.status_code < 300, (caller, method, url, r.status_code, r.text)
    else:
        assert r.status_code == int(expected), (caller, method, url, r.status_code, r.text)
    if expected == "404":
        assert "Matrix" not in r.text
