"""The ``stakemap`` command line, run in-process against a SQLite file."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from datetime import date, timedelta

import pytest
from alembic.script import ScriptDirectory
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from app import migrate
from app.cli import DEFAULT_ADMIN, cli, first_run
from app.db import make_engine, session_scope
from app.demo import demo_file
from app.main import create_app
from app.services import users
from app.settings import Settings, get_settings
from app.tables import ApiToken, Engagement, Partnership, Stakeholder, Tie, User

PASSWORD = "correct horse battery staple"


@pytest.fixture
def url(tmp_path, monkeypatch) -> str:
    """STAKEMAP_DATABASE_URL, pointing at a new SQLite file, for this test only."""
    value = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("STAKEMAP_DATABASE_URL", value)
    monkeypatch.delenv("STAKEMAP_BASE_URL", raising=False)
    get_settings.cache_clear()
    yield value
    get_settings.cache_clear()


@pytest.fixture
def engine(url):
    e = make_engine(url)
    yield e
    e.dispose()


def run(*args: str, input: str | None = None, code: int = 0):
    """Invoke the CLI; check its exit code; return the result."""
    result = CliRunner().invoke(cli, list(args), input=input)
    assert result.exit_code == code, (result.exit_code, result.output, result.exception)
    return result


def one_user(engine, email: str) -> User:
    with session_scope(engine, write=False) as session:
        return session.execute(select(User).where(User.email == email)).scalar_one()


def count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def api_client(url: str) -> TestClient:
    return TestClient(create_app(Settings(database_url=url)))


# -- db -----------------------------------------------------------------------------------------


def test_db_upgrade_creates_the_schema(engine):
    assert migrate.is_empty(engine)
    head = migrate.head(engine)
    assert run("db", "upgrade").stdout == f"Database at revision {head} (was empty).\n"
    assert migrate.current(engine) == head
    assert run("db", "upgrade").stdout == f"Database at revision {head} (was {head}).\n"
    assert run("db", "current").stdout == f"{head} (newest: {head})\n"


# -- users ------------------------------------------------------------------------------------


def test_user_create_admin(engine):
    result = run("user", "create", "Ada@Example.org", "--admin")
    assert result.stdout == "Created user 1 <ada@example.org> (admin).\n"
    ada = one_user(engine, "ada@example.org")
    assert (ada.is_admin, ada.is_active, ada.password_hash) == (True, True, None)


def test_user_create_without_admin(engine):
    assert run("user", "create", "bob@example.org").stdout == "Created user 1 <bob@example.org>.\n"
    assert one_user(engine, "bob@example.org").is_admin is False


def test_user_create_with_a_password_stores_an_argon2_hash(engine):
    run("user", "create", "cy@example.org", "--password-stdin", input=PASSWORD + "\n")
    cy = one_user(engine, "cy@example.org")
    assert cy.password_hash.startswith("$argon2id$")
    assert PASSWORD not in cy.password_hash
    assert users.verify_password(cy, PASSWORD) is True
    assert users.verify_password(cy, PASSWORD + "!") is False


def test_user_create_refuses_a_short_password(engine):
    result = run(
        "user", "create", "dee@example.org", "--password-stdin", input="eleven char\n", code=1
    )
    assert result.stderr == "error: password: a password needs at least 12 characters\n"
    assert result.stdout == ""
    assert count(engine, User.__table__) == 0


def test_user_create_refuses_a_second_account_for_an_email(engine):
    run("user", "create", "eve@example.org")
    result = run("user", "create", "EVE@example.org", code=1)
    assert result.stderr == "error: email: a user eve@example.org already exists\n"
    assert count(engine, User.__table__) == 1


def test_user_create_refuses_a_non_email(engine):
    result = run("user", "create", "not-an-email", code=1)
    assert result.stderr == "error: email: 'not-an-email' is not an email address\n"
    assert count(engine, User.__table__) == 0


# -- tokens -----------------------------------------------------------------------------------


def test_token_create_prints_a_working_token_stored_only_hashed(url, engine):
    run("user", "create", "fay@example.org")
    result = run("token", "create", "fay@example.org", "--name", "laptop")
    secret = result.stdout.strip()
    assert result.stdout == secret + "\n"  # nothing else on stdout, so it can be piped
    assert re.fullmatch(r"smk_[A-Za-z0-9_-]{43}", secret)
    assert result.stderr == "# token 1 for fay@example.org; store it now, it is not shown again\n"

    with api_client(url) as client:
        r = client.get("/api/v1/partnerships", headers={"Authorization": f"Bearer {secret}"})
        assert r.status_code == 200
        assert r.json() == {"data": [], "count": 0}
        made = client.post(
            "/api/v1/partnerships",
            json={"name": "Fay's"},
            headers={"Authorization": f"Bearer {secret}"},
        )
        assert made.status_code == 201

    with engine.connect() as conn:
        row = conn.execute(select(ApiToken.__table__)).one()
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert (row.name, row.read_only, row.expires_at, row.revoked_at) == (
        "laptop",
        False,
        None,
        None,
    )
    assert all(secret not in str(value) for value in row)
    assert row.prefix == secret[:10]


def test_token_create_read_only_and_expiring(url, engine):
    run("user", "create", "gil@example.org")
    secret = run("token", "create", "gil@example.org", "--read-only", "--expires-days", "3").stdout
    with engine.connect() as conn:
        row = conn.execute(select(ApiToken.__table__)).one()
    assert row.read_only is True
    expires = row.expires_at.replace(tzinfo=None) if row.expires_at.tzinfo else row.expires_at
    assert abs(expires - (row.created_at.replace(tzinfo=None) + timedelta(days=3))) < timedelta(
        seconds=5
    )
    headers = {"Authorization": f"Bearer {secret.strip()}"}
    with api_client(url) as client:
        assert client.get("/api/v1/partnerships", headers=headers).status_code == 200
        r = client.post("/api/v1/partnerships", json={"name": "No"}, headers=headers)
        assert r.status_code == 403


def test_token_create_for_an_unknown_user_fails(engine):
    run("db", "upgrade")
    result = run("token", "create", "nobody@example.org", code=1)
    assert result.stderr == "error: No user nobody@example.org\n"
    assert result.stdout == ""
    assert count(engine, ApiToken.__table__) == 0


def test_token_revoke_stops_the_token(url, engine):
    run("user", "create", "hal@example.org")
    secret = run("token", "create", "hal@example.org").stdout.strip()
    headers = {"Authorization": f"Bearer {secret}"}
    with api_client(url) as client:
        assert client.get("/api/v1/partnerships", headers=headers).status_code == 200
        assert run("token", "revoke", "1").stdout == "Revoked token 1.\n"
        r = client.get("/api/v1/partnerships", headers=headers)
        assert r.status_code == 401
        assert r.json() == {"detail": "The token is unknown, revoked or expired"}
    # revoking twice is harmless; an unknown id is an error
    assert run("token", "revoke", "1").stdout == "Revoked token 1.\n"
    assert run("token", "revoke", "99", code=1).stderr == "error: No token 99\n"


# -- demo -------------------------------------------------------------------------------------


def test_demo_loads_the_whole_document_with_its_dates_moved_to_today(engine):
    doc = json.loads(demo_file().read_text(encoding="utf-8"))
    result = run("demo")
    assert result.stdout == "Loaded the demo partnership as partnership 1.\n"

    kinds = Counter(s["kind"] for s in doc["stakeholders"])
    with session_scope(engine, write=False) as session:
        p = session.execute(select(Partnership)).scalar_one()
        assert p.name == doc["partnership"]["name"]
        by_kind = select(Stakeholder.kind, func.count()).group_by(Stakeholder.kind)
        stored = Counter(dict(session.execute(by_kind).all()))
        assert stored == kinds  # the document's hub record names the partnership's hub
        hub = session.execute(select(Stakeholder).where(Stakeholder.kind == "hub")).scalar_one()
        assert hub.name == next(s["name"] for s in doc["stakeholders"] if s["kind"] == "hub")
        assert count(engine, Tie.__table__) == len(doc["ties"])
        assert count(engine, Engagement.__table__) == len(doc["engagements"])
        dates = sorted(session.execute(select(Engagement.occurred_on)).scalars())

        owner = session.execute(select(User)).scalar_one()
        assert (owner.email, owner.is_admin) == (DEFAULT_ADMIN, True)

    exported = date.fromisoformat(doc["exported_on"])
    shift = date.today() - exported
    in_file = sorted(date.fromisoformat(e["occurred_on"]) for e in doc["engagements"])
    assert dates[-1] == date.today() - (exported - in_file[-1])
    assert dates == [d + shift for d in in_file]
    with engine.connect() as conn:
        valid_from = sorted(
            conn.execute(select(Tie.valid_from).where(Tie.valid_from.is_not(None))).scalars()
        )
    assert valid_from == sorted(
        date.fromisoformat(t["valid_from"]) + shift for t in doc["ties"] if t.get("valid_from")
    )


def test_demo_can_be_owned_by_a_named_user(engine):
    run("user", "create", "ivy@example.org")
    assert run("demo", "--owner", "ivy@example.org").stdout.startswith("Loaded the demo")
    with session_scope(engine, write=False) as session:
        assert session.execute(select(func.count()).select_from(User)).scalar_one() == 1


# -- first run and serve ----------------------------------------------------------------------


def test_first_run_creates_one_admin_and_a_sign_in_link_once(engine):
    migrate.upgrade(engine)
    settings = get_settings()
    lines = first_run(engine, settings, host="0.0.0.0", port=8123, demo=False)
    assert lines[0] == f"Created the admin account {DEFAULT_ADMIN}."
    match = re.fullmatch(r"Sign in once with: http://127\.0\.0\.1:8123/login/link/(\S+)", lines[1])
    assert match, lines
    assert len(lines) == 2
    with session_scope(engine, write=False) as session:
        admins = session.execute(select(User.email, User.is_admin)).all()
    assert [tuple(a) for a in admins] == [(DEFAULT_ADMIN, True)]
    # the link signs the admin in, once
    with session_scope(engine) as session:
        assert users.use_login_link(session=session, secret=match[1]).email == DEFAULT_ADMIN
    with session_scope(engine) as session:
        assert users.use_login_link(session=session, secret=match[1]) is None

    assert first_run(engine, settings, host="0.0.0.0", port=8123, demo=False) == []
    assert count(engine, User.__table__) == 1


def test_first_run_uses_the_configured_base_url(engine, monkeypatch):
    migrate.upgrade(engine)
    monkeypatch.setenv("STAKEMAP_BASE_URL", "https://stakemap.example.org/")
    get_settings.cache_clear()
    lines = first_run(engine, get_settings(), host="0.0.0.0", port=8000, demo=False)
    assert lines[1].startswith("Sign in once with: https://stakemap.example.org/login/link/")


@pytest.fixture
def uvicorn_calls(monkeypatch) -> list:
    """Stand in for uvicorn.run: record its arguments instead of serving."""
    import uvicorn

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kw: calls.append((args, kw)))
    return calls


def test_serve_on_an_empty_database_creates_the_schema_and_the_admin(engine, uvicorn_calls):
    result = run("serve", "--port", "8765", "--workers", "3")
    lines = result.stdout.splitlines()
    assert lines[0] == "Created the database schema."
    assert lines[1] == f"Created the admin account {DEFAULT_ADMIN}."
    assert re.fullmatch(r"Sign in once with: http://127\.0\.0\.1:8765/login/link/\S+", lines[2])
    assert migrate.current(engine) == migrate.head(engine)
    assert uvicorn_calls == [
        (
            ("app.main:create_app",),
            {"factory": True, "host": "127.0.0.1", "port": 8765, "workers": 3,
             "log_level": "info", "proxy_headers": True, "forwarded_allow_ips": "127.0.0.1"},
        )
    ]  # fmt: skip
    # a second start prints nothing new
    assert run("serve").stdout == ""


def test_serve_with_demo_loads_it_once(engine, uvicorn_calls):
    assert "Loaded the demo partnership (id 1)." in run("serve", "--demo").stdout.splitlines()
    assert "Loaded the demo" not in run("serve", "--demo").stdout
    assert count(engine, Partnership.__table__) == 1


def test_serve_refuses_a_database_whose_schema_is_behind(engine, uvicorn_calls):
    (first,) = ScriptDirectory.from_config(migrate.alembic_config(engine)).get_bases()
    migrate.upgrade(engine, first)
    assert migrate.current(engine) == first != migrate.head(engine)
    result = run("serve", code=1)
    assert result.stderr == (
        "error: the database schema is out of date: run `stakemap db upgrade` first\n"
    )
    assert uvicorn_calls == []
    assert count(engine, User.__table__) == 0
