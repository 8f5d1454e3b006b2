"""Helpers that build users, tokens and partnerships for tests."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from app.db import session_scope
from app.main import create_app
from app.services import users
from app.settings import Settings
from app.tables import Membership

# Every table of the schema, so that a new table cannot hide a write from table_counts.
ALL_TABLES = tuple(SQLModel.metadata.sorted_tables)


def make_user(engine: Engine, email: str, *, admin: bool = False, read_only: bool = False):
    """Create a user and a token; return (user_id, bearer headers)."""
    with session_scope(engine) as session:
        user = users.create_user(session=session, email=email, is_admin=admin)
        _, secret = users.create_token(session=session, user=user, read_only=read_only)
        return user.id, {"Authorization": f"Bearer {secret}"}


def add_member(engine: Engine, partnership_id: int, user_id: int, role: str) -> None:
    with session_scope(engine) as session:
        session.add(Membership(partnership_id=partnership_id, user_id=user_id, role=role))


def table_counts(engine: Engine) -> dict[str, int]:
    """Rows in every table, for checking that a refused request changed nothing."""
    counts = [
        select(func.count()).select_from(t).scalar_subquery().label(t.name) for t in ALL_TABLES
    ]
    with engine.connect() as conn:  # one round trip: tests call this before and after requests
        return dict(conn.execute(select(*counts)).one()._mapping)


_APPS: dict[str, FastAPI] = {}


def app_for(engine: Engine, settings: Settings) -> FastAPI:
    """The application for ``settings``, bound to ``engine``.

    Building one costs a sizeable fraction of a second, so each distinct set of settings is
    built once and re-pointed at each test's database. A test that changes the application
    itself (overrides, state) must build its own with ``create_app``.
    """
    key = settings.model_dump_json(exclude={"database_url"})
    app = _APPS.get(key)
    if app is None:
        app = _APPS[key] = create_app(settings, engine=engine)
    app.state.engine = engine
    app.state.settings = settings
    return app


@dataclass
class ApiClient:
    """A TestClient bound to one user's token, with shortcuts for common calls."""

    engine: Engine
    client: TestClient
    headers: dict
    user_id: int

    @classmethod
    def start(cls, engine: Engine, settings: Settings, email: str = "analyst@example.org"):
        user_id, headers = make_user(engine, email)
        client = TestClient(app_for(engine, settings))
        return cls(engine, client, headers, user_id)

    def close(self) -> None:
        self.client.close()

    def as_user(self, email: str, *, admin: bool = False, read_only: bool = False) -> ApiClient:
        user_id, headers = make_user(self.engine, email, admin=admin, read_only=read_only)
        return ApiClient(self.engine, self.client, headers, user_id)

    def request(self, method: str, path: str, **kw):
        headers = {**self.headers, **kw.pop("headers", {})}
        return self.client.request(method, "/api/v1" + path, headers=headers, **kw)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def patch(self, path, **kw):
        return self.request("PATCH", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def ok(self, method: str, path: str, status: int = 200, **kw) -> dict | None:
        """Make a call that must succeed with ``status``; return its JSON."""
        r = self.request(method, path, **kw)
        assert r.status_code == status, (r.status_code, r.text)
        return r.json() if r.content else None

    # -- builders ---------------------------------------------------------------------------

    def partnership(self, name: str = "Riverside Partnership") -> dict:
        return self.ok("POST", "/partnerships", 201, json={"name": name})

    def stakeholder(self, pid: int, **fields) -> dict:
        body = {"kind": "person", "name": "Someone", **fields}
        return self.ok("POST", f"/partnerships/{pid}/stakeholders", 201, json=body)

    def tie(self, pid: int, source_id: int, target_id: int, **fields) -> dict:
        body = {"source_id": source_id, "target_id": target_id, **fields}
        return self.ok("POST", f"/partnerships/{pid}/ties", 201, json=body)

    def engagement(self, pid: int, participant_ids: list[int], **fields) -> dict:
        body = {
            "occurred_on": "2026-06-01",
            "channel": "meeting",
            "participant_ids": participant_ids,
            **fields,
        }
        return self.ok("POST", f"/partnerships/{pid}/engagements", 201, json=body)

    def revision(self, pid: int) -> int:
        return self.ok("GET", f"/partnerships/{pid}")["revision"]


def tiny_partnership(api: ApiClient) -> dict:
    """A hub with one member, a council with a director and an officer, and a charity."""
    p = api.partnership()
    pid, hub = p["id"], p["hub_id"]
    coordinator = api.stakeholder(pid, name="Cora Hub", organisation_id=hub, seniority="manager")
    council = api.stakeholder(
        pid, kind="organisation", name="Borough Council", sector="local_government"
    )
    director = api.stakeholder(
        pid, name="Dana Director", organisation_id=council["id"], seniority="executive",
        influence=5, interest=4,
    )  # fmt: skip
    officer = api.stakeholder(pid, name="Omar Officer", organisation_id=council["id"])
    charity = api.stakeholder(
        pid, kind="organisation", name="Food Bank", sector="voluntary_community"
    )
    return {
        "pid": pid,
        "hub": hub,
        "coordinator": coordinator["id"],
        "council": council["id"],
        "director": director["id"],
        "officer": officer["id"],
        "charity": charity["id"],
    }
