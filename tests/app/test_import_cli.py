"""``stakemap import`` and ``stakemap export``, run in-process against a SQLite file."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from typer.testing import CliRunner

from app import migrate
from app.auth import Principal
from app.cli import cli
from app.db import make_engine, session_scope
from app.schemas import PartnershipCreate
from app.services import partnerships, users
from app.settings import get_settings
from app.tables import Partnership
from tests.api.test_import_api import EXPECTED, FORMATS, SAMPLES, counts
from tests.factories import table_counts


@pytest.fixture
def engine(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("STAKEMAP_DATABASE_URL", url)
    get_settings.cache_clear()
    e = make_engine(url)
    migrate.upgrade(e)
    yield e
    e.dispose()
    get_settings.cache_clear()


@pytest.fixture
def pid(engine) -> int:
    with session_scope(engine) as s:
        u = users.create_user(session=s, email="coordinator@example.org")
        p = partnerships.create(
            session=s,
            data=PartnershipCreate(name="CLI Partnership"),
            creator=Principal(user_id=u.id, email=u.email),
        )
        return p.id


def run(*args: str, code: int = 0):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    return result


def revision(engine, pid: int) -> int:
    with session_scope(engine, write=False) as s:
        return s.get(Partnership, pid).revision


@pytest.mark.parametrize("fmt", FORMATS)
def test_import_each_sample_then_again(engine, pid, fmt):
    path = SAMPLES / f"{fmt}.json"
    created, warnings = EXPECTED[fmt]
    dry = run("import", path, "--partnership", pid, "--format", fmt, "--dry-run")
    assert json.loads(dry.stdout)["created"] == created
    assert json.loads(dry.stdout)["dry_run"] is True
    assert revision(engine, pid) == 0
    first = run("import", path, "--partnership", pid, "--format", fmt)
    report = json.loads(first.stdout)
    assert report["created"] == created
    assert [(w["loc"], w["msg"]) for w in report["warnings"]] == warnings
    total = 2 * sum(created.values())
    assert "writing: 100%" in first.stderr and f"{total}/{total}" in first.stderr
    again = json.loads(run("import", path, "--partnership", pid).stdout)  # format detected
    assert (again["created"], again["unchanged"]) == (counts(), created)
    assert revision(engine, pid) == 1


def test_a_malformed_file_exits_1_with_every_problem_located(engine, pid, tmp_path):
    doc = json.loads((SAMPLES / "stakemap.json").read_text())
    doc["ties"][0]["target"] = doc["ties"][0]["source"]
    doc["stakeholders"][3]["influence"] = "high"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    before = table_counts(engine)
    result = run("import", bad, "--partnership", pid, code=1)
    detail = json.loads(result.stdout)["detail"]
    assert [(d["loc"], d["type"]) for d in detail] == [
        (["body", "stakeholders", 3, "influence"], "int_type"),
        (["body", "ties", 0, "target"], "value_error"),
    ]
    assert "2 problem(s)" in result.stderr and "nothing was imported" in result.stderr
    assert table_counts(engine) == before


@pytest.mark.parametrize(
    ("content", "args", "loc"),
    [
        (b"not json", (), ["body"]),
        (b'{"a": NaN}', (), ["body"]),
        (b"[" * 200 + b"]" * 200, (), ["body"]),
        (b"{}", ("--format", "excel"), ["--format"]),
        (b'{"x": 1}', (), ["--format"]),
    ],
)
def test_files_that_cannot_be_read_exit_1(engine, pid, tmp_path, content, args, loc):
    path = tmp_path / "in.json"
    path.write_bytes(content)
    result = run("import", path, "--partnership", pid, *args, code=1)
    assert [d["loc"] for d in json.loads(result.stdout)["detail"]] == [loc]


def test_an_unknown_partnership_or_file_exits_with_an_error(engine, pid, tmp_path):
    result = run("import", SAMPLES / "kumu.json", "--partnership", 999, code=1)
    assert "no partnership 999" in result.stderr
    run("import", tmp_path / "missing.json", "--partnership", pid, code=2)


def test_export_to_a_file_and_to_standard_output(engine, pid, tmp_path):
    run("import", SAMPLES / "salesforce.json", "--partnership", pid)
    out = tmp_path / "export.zip"
    result = run("export", "--partnership", pid, "--format", "csv", "--output", out)
    assert "Wrote" in result.stderr
    assert sorted(zipfile.ZipFile(out).namelist()) == ["engagements.csv", "nodes.csv", "ties.csv"]
    doc = json.loads(run("export", "--partnership", pid).stdout)
    assert doc["format"] == "stakemap/v1" and len(doc["stakeholders"]) == 13
    gexf = run("export", "--partnership", pid, "--format", "gexf", "--as-of", "2026-11-01")
    assert gexf.stdout.startswith("<?xml")
    z = run("export", "--partnership", pid, "--format", "csv").stdout_bytes
    assert len(zipfile.ZipFile(io.BytesIO(z)).namelist()) == 3
    assert (
        "unknown format" in run("export", "--partnership", pid, "--format", "xlsx", code=1).stderr
    )
    assert "no partnership" in run("export", "--partnership", 999, code=1).stderr
    assert "not a date" in run("export", "--partnership", pid, "--as-of", "soon", code=1).stderr
