"""``stakemap backup`` and ``stakemap restore``: a restore into an empty database reproduces every
row of every table a backup holds, on SQLite, on PostgreSQL and across the two; anything wrong
is refused and changes nothing."""

from __future__ import annotations

import gzip
import io
import json
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, insert, inspect, select
from sqlmodel import SQLModel
from typer.testing import CliRunner

from app import backup, migrate
from app.auth import Principal
from app.cli import cli
from app.db import session_scope
from app.demo import load_demo
from app.main import create_app
from app.services import users, websessions
from app.settings import Settings, get_settings
from app.tables import (
    AnalysisJob,
    AnalysisResult,
    AuditEntry,
    LoginAttempt,
    Membership,
    Partnership,
    Stakeholder,
)
from tests.conftest import DATABASES, fresh_engine

PASSWORD = "correct horse battery staple"
ORIGIN = {"Origin": "http://testserver"}
ALL = {t.name: t for t in SQLModel.metadata.sorted_tables}
PAIRS = [(a, b) for a in DATABASES for b in DATABASES]


# -- helpers ------------------------------------------------------------------------------------


def dump(engine) -> dict[str, list[tuple]]:
    """Every row of every table a backup holds, typed, in primary-key order."""
    with engine.connect() as conn:
        return {
            t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns))]
            for t in backup.backed_up_tables()
        }


def counts(engine) -> dict[str, int]:
    """Rows in every table that exists (all of Stakemap's, excluded ones too)."""
    with engine.connect() as conn:
        names = set(inspect(conn).get_table_names()) & set(ALL)
        return {
            n: conn.execute(select(func.count()).select_from(ALL[n])).scalar_one() for n in names
        }


def client(engine) -> TestClient:
    settings = Settings(database_url="sqlite://", max_body_bytes=1024 * 1024)
    return TestClient(create_app(settings, engine=engine), follow_redirects=False)


def populate(engine) -> dict:
    """Something in every table, including the excluded ones, through the services and API."""
    migrate.upgrade(engine)
    with session_scope(engine, actor="test") as session:
        admin = users.create_user(
            session=session, email="admin@example.org", password=PASSWORD, is_admin=True
        )
        cora = users.create_user(session=session, email="cora@example.org", password=PASSWORD)
        _, token = users.create_token(session=session, user=cora, name="crm")
        old, _ = users.create_token(session=session, user=cora, read_only=True, expires_days=3)
        users.revoke_token(session=session, token_id=old.id)
        users.create_login_link(session=session, user=cora, minutes=60)
        websessions.start(session=session, user=admin, hours=12)
        demo = load_demo(
            session=session,
            owner=Principal(user_id=admin.id, email=admin.email, is_admin=True),
            today=date(2026, 6, 1),
        )
        session.add(Membership(partnership_id=demo.id, user_id=cora.id, role="editor"))
        ids = {"admin": admin.id, "cora": cora.id, "demo": demo.id}
    bearer = {"Authorization": f"Bearer {token}"}
    with client(engine) as c:
        r = c.post("/api/v1/partnerships", json={"name": "Ünïcode “quotes” ✓"}, headers=bearer)
        assert r.status_code == 201, r.text
        pid = r.json()["id"]
        base = f"/api/v1/partnerships/{pid}"
        # A person created before the organisation it belongs to: a reference to a later row.
        person = c.post(
            f"{base}/stakeholders", json={"kind": "person", "name": "Pat"}, headers=bearer
        )
        org = c.post(
            f"{base}/stakeholders",
            json={
                "kind": "organisation",
                "name": "Later Org",
                "sector": "health",
                "tags": ["x", "ÿ"],
            },
            headers=bearer,
        )
        pat, later = person.json()["id"], org.json()["id"]
        r = c.patch(f"{base}/stakeholders/{pat}", json={"organisation_id": later}, headers=bearer)
        assert r.status_code == 200, r.text
        r = c.post(
            f"{base}/ties",
            json={"source_id": pat, "target_id": later, "kind": "funds", "strength": 5,
                  "valid_from": "2025-01-01", "valid_to": "2027-12-31", "notes": "line\nbreak"},
            headers=bearer,
        )  # fmt: skip
        assert r.status_code == 201, r.text
        r = c.post(
            f"{base}/engagements",
            json={"occurred_on": "2026-05-01", "channel": "meeting", "sentiment": -2,
                  "participant_ids": [pat, later]},
            headers=bearer,
        )  # fmt: skip
        assert r.status_code == 201, r.text
    now = datetime(2026, 6, 1, 12, 0, 0, 123456, tzinfo=UTC)
    with session_scope(engine) as session:
        session.add(LoginAttempt(key="account:nobody@example.org", at=now))
        session.add(
            AnalysisResult(partnership_id=pid, revision=1, key="k", section="reach",
                           as_of=date(2026, 6, 1), result="{}")
        )  # fmt: skip
        session.add(
            AnalysisJob(partnership_id=pid, revision=1, key="k", section="reach",
                        as_of=date(2026, 6, 1))
        )  # fmt: skip
    return {**ids, "token": token, "pid": pid, "pat": pat, "later": later}


def backup_text(engine) -> str:
    out = io.StringIO()
    backup.write_backup(engine, out)
    return out.getvalue()


def restore_text(engine, content: str) -> backup.Summary:
    return backup.restore(engine, io.StringIO(content))


@pytest.fixture(params=DATABASES)
def kind(request) -> str:
    """The database under test; the round trip across databases has its own test."""
    return request.param


@pytest.fixture
def source(kind, tmp_path):
    with fresh_engine(kind, tmp_path / "source") as engine:
        yield engine, populate(engine)


@pytest.fixture
def target(kind, tmp_path):
    """An empty database: no tables at all."""
    with fresh_engine(kind, tmp_path / "target") as engine:
        yield engine


@pytest.fixture(autouse=True)
def _dirs(tmp_path):
    (tmp_path / "source").mkdir()
    (tmp_path / "target").mkdir()


# -- what a backup holds ------------------------------------------------------------------------


def test_every_table_is_backed_up_or_deliberately_excluded():
    assert set(backup.EXCLUDED) == {
        "analysis_result",
        "analysis_job",
        "web_session",
        "login_link",
        "login_attempt",
    }
    kept = {t.name for t in backup.backed_up_tables()}
    assert kept | set(backup.EXCLUDED) == set(ALL)
    assert not kept & set(backup.EXCLUDED)
    assert {"user_account", "api_token", "membership", "audit_log", "partnership"} <= kept


def test_the_file_is_versioned_json_with_every_table(source):
    engine, _ = source
    doc = json.loads(backup_text(engine))
    assert doc["format"] == "stakemap-backup"
    assert doc["version"] == 1
    assert doc["schema_revision"] == migrate.head(engine)
    assert datetime.fromisoformat(doc["created_at"]).tzinfo is not None
    assert set(doc["excluded"]) == set(backup.EXCLUDED)
    names = [t["name"] for t in doc["tables"]]
    assert names == [t.name for t in backup.backed_up_tables()]
    rows = dump(engine)
    for t in doc["tables"]:
        assert t["count"] == len(t["rows"]) == len(rows[t["name"]])
        assert t["count"] > 0, f"populate() puts nothing in {t['name']}: the test would be blind"
    users_ = next(t for t in doc["tables"] if t["name"] == "user_account")
    hashes = [r[users_["columns"].index("password_hash")] for r in users_["rows"]]
    assert all(h.startswith("$argon2") for h in hashes)


# -- round trips --------------------------------------------------------------------------------


@pytest.mark.parametrize("pair", PAIRS, ids=["-".join(p) for p in PAIRS])
def test_restore_reproduces_everything(pair, tmp_path):
    with (
        fresh_engine(pair[0], tmp_path / "source") as src,
        fresh_engine(pair[1], tmp_path / "target") as dst,
    ):
        info = populate(src)
        before = dump(src)
        content = backup_text(src)
        summary = restore_text(dst, content)

        assert migrate.current(dst) == migrate.head(dst)
        after = dump(dst)
        assert summary.counts == {name: len(rows) for name, rows in before.items()}
        # The restore adds exactly one audit entry, after the restored ones.
        *restored_audit, entry = after.pop("audit_log")
        assert restored_audit == before.pop("audit_log")
        assert after == before  # every row of every table, ids and values
        audit = dict(zip(AuditEntry.__table__.columns.keys(), entry, strict=True))
        assert audit["id"] == restored_audit[-1][0] + 1
        assert (audit["entity"], audit["action"], audit["partnership_id"]) == (
            "database",
            "restore",
            None,
        )
        assert "schema " + migrate.head(dst) in audit["detail"]
        # Excluded tables are empty.
        got = counts(dst)
        assert {n: got[n] for n in backup.EXCLUDED} == dict.fromkeys(backup.EXCLUDED, 0)

        bearer = {"Authorization": f"Bearer {info['token']}"}
        with client(src) as a, client(dst) as b:
            for path in (
                f"/api/v1/partnerships/{info['pid']}",
                f"/api/v1/partnerships/{info['demo']}",
                f"/api/v1/partnerships/{info['demo']}/stakeholders?limit=500",
                f"/api/v1/partnerships/{info['demo']}/ties?limit=500",
                f"/api/v1/partnerships/{info['demo']}/engagements?limit=500",
                f"/api/v1/partnerships/{info['pid']}/stakeholders/{info['pat']}",
            ):
                old, new = a.get(path, headers=bearer), b.get(path, headers=bearer)
                assert old.status_code == new.status_code == 200, (path, new.text)
                assert new.json() == old.json(), path
            assert b.get(f"/api/v1/partnerships/{info['pid']}/stakeholders/{info['pat']}",
                         headers=bearer).json()["organisation_id"] == info["later"]  # fmt: skip
            # Sign-in with the old password works.
            r = b.post("/login", data={"email": "cora@example.org", "password": PASSWORD},
                       headers=ORIGIN)  # fmt: skip
            assert r.status_code == 303, r.text
            assert b.get("/api/v1/partnerships").status_code == 200
            # New rows get fresh ids: the sequences were moved past the restored ones.
            r = b.post(f"/api/v1/partnerships/{info['pid']}/stakeholders",
                       json={"kind": "person", "name": "New"}, headers=bearer)  # fmt: skip
            assert r.status_code == 201, r.text
            assert r.json()["id"] == max(row[0] for row in before["stakeholder"]) + 1
            r = b.post("/api/v1/partnerships", json={"name": "Fresh"}, headers=bearer)
            assert r.json()["id"] == max(row[0] for row in before["partnership"]) + 1
        with session_scope(dst) as session:
            u = users.create_user(session=session, email="new@example.org")
            assert u.id == max(row[0] for row in before["user_account"]) + 1


def test_a_backup_of_the_restore_is_the_same(source, target):
    engine, _ = source
    first = json.loads(backup_text(engine))
    restore_text(target, json.dumps(first))
    second = json.loads(backup_text(target))
    for a, b in zip(first["tables"], second["tables"], strict=True):
        if a["name"] == "audit_log":
            assert b["rows"][:-1] == a["rows"]
        else:
            assert b == a


def test_values_split_across_read_chunks_restore_the_same(source, target, monkeypatch):
    engine, _ = source
    monkeypatch.setattr(backup, "CHUNK", 7)  # every number, string and row crosses a boundary
    restore_text(target, backup_text(engine))
    got = dump(target)
    want = dump(engine)
    assert got.pop("audit_log")[:-1] == want.pop("audit_log")
    assert got == want


def test_a_backup_from_an_older_schema_is_restored_then_upgraded(source, target):
    engine, _ = source
    doc = json.loads(backup_text(engine))
    # 0005 had every table a backup holds (0006 added only analysis_job, which is excluded).
    doc["schema_revision"] = "0005"
    summary = restore_text(target, json.dumps(doc))
    assert summary.schema_revision == "0005"
    assert migrate.current(target) == migrate.head(target)
    assert dump(target)["stakeholder"] == dump(engine)["stakeholder"]


def test_an_empty_database_at_head_is_fine_too(source, target):
    engine, _ = source
    migrate.upgrade(target)
    restore_text(target, backup_text(engine))
    assert dump(target)["tie"] == dump(engine)["tie"]


# -- refusals -----------------------------------------------------------------------------------


def test_restore_into_a_database_with_anything_in_it_refuses_and_changes_nothing(source, target):
    engine, _ = source
    content = backup_text(engine)
    migrate.upgrade(target)
    with session_scope(target) as session:
        session.add(LoginAttempt(key="addr:10.0.0.1"))
    before = dump(target), counts(target)
    with pytest.raises(backup.BackupError, match=r"not empty \(login_attempt: 1 row\)"):
        restore_text(target, content)
    assert (dump(target), counts(target)) == before

    with pytest.raises(backup.BackupError, match="not empty"):
        restore_text(engine, content)  # into the database it came from


def _mutations(content: str) -> dict[str, tuple[str, str]]:
    """Broken versions of a backup, each with (text, the error expected)."""
    doc = json.loads(content)

    def edit(f) -> str:
        d = json.loads(content)
        f(d)
        return json.dumps(d)

    def table(d, name):
        return next(t for t in d["tables"] if t["name"] == name)

    def bad_cell(d):
        t = table(d, "stakeholder")
        t["rows"][0][t["columns"].index("influence")] = "five"

    def dangling(d):
        t = table(d, "stakeholder")
        t["rows"][-1][t["columns"].index("partnership_id")] = 999

    def constraint(d):
        t = table(d, "tie")
        t["rows"][-1][t["columns"].index("strength")] = 9

    def fewer(d):
        table(d, "engagement_participant")["rows"].pop()

    last = content.rindex("]")
    return {
        "empty": ("", "the file is empty"),
        "not json": ("this is not JSON", "expected '{' but found 't'"),
        "a list": ("[]", "expected '{'"),
        "truncated in the header": (content[:60], "malformed JSON|the file ends"),
        "truncated in the middle": (content[: len(content) // 2], "malformed JSON|the file ends"),
        "truncated at the end": (content[:last], "the file ends|expected"),
        "garbage after": (content + "{}", "unexpected data after"),
        "garbled row": (content.replace("],\n[", "],\n[}", 1), "malformed JSON"),
        "wrong format": (edit(lambda d: d.update(format="kumu")), "not a Stakemap backup"),
        "no format": (edit(lambda d: d.pop("format")), "not a Stakemap backup"),
        "future version": (edit(lambda d: d.update(version=2)), "version 2 is not supported"),
        "unknown schema": (edit(lambda d: d.update(schema_revision="9999")), "9999.*unknown"),
        "bad created_at": (edit(lambda d: d.update(created_at="soon")), "created_at"),
        "missing table": (
            edit(lambda d: d["tables"].pop()),
            f"{doc['tables'][-1]['name']} missing",
        ),
        "unknown table": (edit(lambda d: table(d, "tie").update(name="knot")), "unknown table"),
        "wrong columns": (
            edit(lambda d: table(d, "tie")["columns"].pop()),
            "table tie has columns",
        ),
        "count mismatch": (edit(fewer), "says it has"),
        "wrong type": (edit(bad_cell), "row 1: column influence: 'five'"),
        "dangling reference": (edit(dangling), "database refused table stakeholder"),
        "broken constraint": (edit(constraint), "database refused table tie"),
    }


def test_a_broken_file_refuses_and_leaves_the_database_unchanged(source, target):
    engine, _ = source
    content = backup_text(engine)
    for label, (broken, expected) in _mutations(content).items():
        with pytest.raises(backup.BackupError, match=expected):
            restore_text(target, broken)
        assert migrate.is_empty(target), f"{label}: the schema creation was not rolled back"
    migrate.upgrade(target)
    late = ("truncated in the middle", "count mismatch", "dangling reference", "garbage after")
    for label in late:  # the ones found after rows were written
        broken, expected = _mutations(content)[label]
        with pytest.raises(backup.BackupError, match=expected):
            restore_text(target, broken)
        assert counts(target) == dict.fromkeys(ALL, 0), label
    restore_text(target, content)  # and the good one still restores
    assert dump(target)["engagement"] == dump(engine)["engagement"]


# -- the command line ---------------------------------------------------------------------------


def _use(monkeypatch, url: str) -> None:
    monkeypatch.setenv("STAKEMAP_DATABASE_URL", url)
    get_settings.cache_clear()


def run(*args: str, code: int = 0, input: bytes | None = None):
    result = CliRunner().invoke(cli, list(args), input=input)
    assert result.exit_code == code, (result.exit_code, result.output, result.exception)
    return result


@pytest.fixture
def urls(tmp_path, monkeypatch):
    yield f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    get_settings.cache_clear()


@pytest.mark.parametrize("name", ["backup.json", "backup.json.gz"])
def test_cli_round_trip_of_the_demo(urls, tmp_path, monkeypatch, name):
    from app.db import make_engine

    a, b = urls
    _use(monkeypatch, a)
    run("demo")
    file = tmp_path / name
    result = run("backup", str(file))
    assert "1 partnerships, 159 stakeholders, 1 users, 1 memberships" in result.stderr
    assert file.stat().st_mode & 0o777 == 0o600  # password hashes inside
    assert not list(tmp_path.glob("*.partial"))
    if name.endswith(".gz"):
        assert json.loads(gzip.decompress(file.read_bytes()))["format"] == "stakemap-backup"

    _use(monkeypatch, b)
    result = run("restore", str(file))
    assert result.stdout.startswith("Restored 1 partnerships, 159 stakeholders")
    ea, eb = make_engine(a), make_engine(b)
    try:
        got, want = dump(eb), dump(ea)
        assert got.pop("audit_log")[:-1] == want.pop("audit_log")
        assert got == want
        with eb.connect() as conn:
            assert conn.execute(select(func.count()).select_from(Partnership)).scalar_one() == 1
            assert conn.execute(select(func.count()).select_from(Stakeholder)).scalar_one() == 159

        # A second restore is refused, with a clear message, and changes nothing.
        before = counts(eb)
        result = run("restore", str(file), code=1)
        assert "error: the database is not empty" in result.stderr
        assert "nothing was restored" in result.stderr
        assert counts(eb) == before
    finally:
        ea.dispose()
        eb.dispose()


def test_cli_stdout_and_stdin(urls, monkeypatch):
    a, b = urls
    _use(monkeypatch, a)
    run("demo")
    out = run("backup", "-").stdout
    assert json.loads(out)["format"] == "stakemap-backup"
    _use(monkeypatch, b)
    assert "159 stakeholders" in run("restore", "-", input=out.encode()).stdout


def test_cli_refuses_a_bad_file_with_a_clear_message(urls, tmp_path, monkeypatch):
    from app.db import make_engine

    _, b = urls
    _use(monkeypatch, b)
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "stakemap-backup", "version": 1, "tables": [')
    result = run("restore", str(bad), code=1)
    assert result.stderr.startswith("error: ")
    assert "nothing was restored" in result.stderr
    assert "Traceback" not in result.output
    result = run("restore", str(tmp_path / "absent.json"), code=1)
    assert "cannot read" in result.stderr
    bad.write_bytes(b"\xff\xfe not utf-8")
    assert "cannot read the backup" in run("restore", str(bad), code=1).stderr
    engine = make_engine(b)
    try:
        assert migrate.is_empty(engine)
    finally:
        engine.dispose()


def test_cli_backup_to_an_unwritable_place_fails_cleanly(urls, tmp_path, monkeypatch):
    a, _ = urls
    _use(monkeypatch, a)
    result = run("backup", str(tmp_path / "no" / "such" / "dir.json"), code=1)
    assert "error: cannot write" in result.stderr


def test_insert_into_the_audit_log_still_works_after_a_restore(source, target):
    """The restored trail is still append-only, and appending still works."""
    engine, _ = source
    restore_text(target, backup_text(engine))
    with target.begin() as conn:
        conn.execute(insert(AuditEntry.__table__).values(entity="x", action="y", fields=[]))
    with pytest.raises(Exception, match="append-only"), target.begin() as conn:
        conn.execute(AuditEntry.__table__.delete())
