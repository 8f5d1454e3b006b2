"""Fuzz every /api/v1 operation with schemathesis against the application's own /openapi.json.

Schemathesis generates requests from the documented parameters and bodies: valid ones
(positive) and ones the schema forbids (negative: wrong types, missing fields, malformed
bodies). Every answer must be no 5xx, a documented status code, the documented content type and
headers, and a body that matches the documented schema; negative data must be refused with a
4xx. The owner's pass runs each operation as a new owner of a small partnership of its own, with
path ids and fields naming stakeholders mostly pointing at its records, so requests get past the
404s into the handlers; the anonymous pass sends no token, or a generated one, and must be
refused. Both run on SQLite and, when configured, PostgreSQL (one database each per module).

Checks left out: positive_data_acceptance, because valid-looking data is refused by design
(a generated id names nothing: 404; the API reads integers strictly, so 3.0 is refused: 422);
use_after_free and ensure_resource_availability need schemathesis' stateful runner.

The run is derandomised (the same examples every time) with a bounded number of examples per
operation: about a minute and a half on this 2-core machine for both databases.
"""

from __future__ import annotations

import copy
import functools
import itertools
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlmodel import SQLModel

from app.services import stakeholders as stakeholder_service
from app.settings import Settings
from tests.api.routes import api_routes
from tests.api.test_openapi import application
from tests.conftest import DATABASES, fresh_engine
from tests.factories import ApiClient, app_for, table_counts, tiny_partnership

# Examples per operation, sized for CI; STAKEMAP_FUZZ_SCALE=10 searches ten times harder.
SCALE = int(os.environ.get("STAKEMAP_FUZZ_SCALE", "1"))
POSITIVE_EXAMPLES = 10 * SCALE
NEGATIVE_EXAMPLES = 6 * SCALE
ANONYMOUS_EXAMPLES = 3 * SCALE

# ignored_auth is left to the anonymous pass, which asks every operation without a token; in
# the owner's pass it would send two extra requests per success.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
ANONYMOUS_CHECKS = [*CHECKS, ignored_auth]


# Schemathesis' statuses that refuse invalid data, and 413: a generated body too large to be
# valid (say, thousands of what-if ties) is too large for the body limit as well, and 413 is
# documented on every operation that takes a body. (5xx is theirs too: not_a_server_error
# reports it.)
REFUSALS = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429"]
CONFIG = schemathesis.Config.from_dict(
    {"checks": {"negative_data_rejection": {"expected-statuses": [*REFUSALS, "5xx"]}}}
)


@functools.cache
def _schemas():
    """The owner's schema (it sends its own token) and the anonymous caller's (none, or junk)."""
    # Loaded from the application itself, as a client reads it.
    owner = schemathesis.openapi.from_asgi("/openapi.json", application(), config=CONFIG)
    owner.config.generation.update(with_security_parameters=False)
    anonymous = schemathesis.openapi.from_dict(owner.raw_schema, config=CONFIG)
    return owner, anonymous


def _operation(label: str, *, anonymous: bool = False):
    schema = _schemas()[anonymous]
    method, path = label.split(" ", 1)
    return schema[path][method]


LABELS = [str(r) for r in api_routes(application())]


# Query and body fields that name a stakeholder.
STAKEHOLDER_FIELDS = {
    "organisation_id",
    "stakeholder_id",
    "source_id",
    "target_id",
    "owner_id",
    "participant_ids",
    "target",
    "source",
    "remove",
}


NUMBERS = itertools.count()


@dataclass
class Seeded:
    """A partnership's records, and its owner's credentials."""

    app: FastAPI
    headers: dict
    ids: dict[str, list[int]]  # path parameter → ids of records that exist
    stakeholders: list[int]


def _seed(editor: ApiClient, app: FastAPI) -> Seeded:
    """A new owner with a small partnership: a tie, an engagement, an editor, a spare token.

    A new owner each time: generated ids may name any token, and revoking the caller's own
    would turn the rest of a test into 401s.
    """
    app.state.engine = editor.engine  # another module may have re-pointed the shared app
    owner = editor.as_user(f"owner{next(NUMBERS)}@example.org")
    t = tiny_partnership(owner)
    pid = t["pid"]
    tie = owner.tie(pid, t["coordinator"], t["director"], kind="collaborates")
    engagement = owner.engagement(pid, [t["coordinator"], t["officer"]])
    owner.ok("POST", f"/partnerships/{pid}/members", 201,
             json={"email": "editor@example.org", "role": "editor"})  # fmt: skip
    token = owner.ok("POST", "/tokens", 201, json={"name": "spare"})
    # People first: Hypothesis' simplest pick is the first, and only a person can be erased.
    stakeholders = [t[k] for k in ("director", "officer", "coordinator", "council", "charity",
                                   "hub")]  # fmt: skip
    ids = {
        "pid": [pid],
        "sid": stakeholders,
        "tid": [tie["id"]],
        "eid": [engagement["id"]],
        "user_id": [owner.user_id, editor.user_id],
        "token_id": [token["id"]],
    }
    return Seeded(app, owner.headers, ids, stakeholders)


@pytest.fixture(scope="module", params=DATABASES)
def world(request, tmp_path_factory):
    """One database per module and kind: a user to add as an editor, and a partnership that
    the anonymous pass (which can change nothing) shares."""
    with fresh_engine(request.param, tmp_path_factory.mktemp("fuzz")) as engine:
        SQLModel.metadata.create_all(engine)
        settings = Settings(database_url="sqlite://", max_body_bytes=256 * 1024)
        editor = ApiClient.start(engine, settings, "editor@example.org")
        app = app_for(engine, settings)
        yield editor, app, _seed(editor, app)
        editor.close()


@pytest.fixture
def seeded(world) -> Seeded:
    """A partnership of the test's own, in the module's database."""
    editor, app, _ = world
    return _seed(editor, app)


def _real(data) -> bool:
    """Whether to use a seeded id: three times in four, and in Hypothesis' simplest example."""
    return data.draw(st.integers(0, 3)) < 3


def _swap(value: Any, choices: list[int], data) -> Any:
    """``value`` with the ids in it mostly replaced by seeded stakeholder ids."""
    if _is_number(value):
        return data.draw(st.sampled_from(choices)) if _real(data) else value
    if isinstance(value, list) and value and all(_is_number(v) for v in value):
        if _real(data):
            size = min(len(value), len(choices))  # as many, without repeats
            return data.draw(st.lists(st.sampled_from(choices), min_size=size, max_size=size,
                                      unique=True))  # fmt: skip
        return value
    return _aim_fields(value, choices, data)


def _is_number(value: Any) -> bool:
    # Schemathesis writes some integers as 3.0, which JSON Schema allows.
    return isinstance(value, int | float) and not isinstance(value, bool)


def _aim_fields(container: Any, stakeholders: list[int], data) -> Any:
    """Point the stakeholder fields in a query or body (nested too) at seeded stakeholders."""
    if isinstance(container, list):
        return [_aim_fields(v, stakeholders, data) for v in container]
    if isinstance(container, dict):
        for key, value in container.items():
            if key in STAKEHOLDER_FIELDS:
                container[key] = _swap(value, stakeholders, data)
            elif isinstance(value, dict | list):
                _aim_fields(value, stakeholders, data)
    return container


SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
IMPORT_SAMPLES = {
    fmt: json.loads((SAMPLES / f"{fmt}.json").read_text(encoding="utf-8"))
    for fmt in ("stakemap", "kumu", "salesforce", "hubspot")
}
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def _mutate(document: Any, data) -> Any:
    """``document`` with one value somewhere inside it replaced by any JSON value."""
    if isinstance(document, dict) and document:
        key = data.draw(st.sampled_from(sorted(document)))
    elif isinstance(document, list) and document:
        key = data.draw(st.integers(0, len(document) - 1))
    else:
        return data.draw(JSON_VALUES)
    if data.draw(st.integers(0, 2)) == 0:
        document[key] = data.draw(JSON_VALUES)
    else:
        document[key] = _mutate(document[key], data)
    return document


def _aim_at_seeded_records(case, seeded: Seeded, data) -> None:
    """Point most path ids and stakeholder fields at records that exist, so requests get past
    the 404s; mostly leave out If-Match (a generated one gets 412); give imports real
    documents, some with a value changed."""
    ids, stakeholders = seeded.ids, seeded.stakeholders
    for name in list(case.path_parameters or {}):
        if name in ids and _real(data):
            case.path_parameters[name] = data.draw(st.sampled_from(ids[name]))
    if case.headers and "If-Match" in case.headers and _real(data):
        del case.headers["If-Match"]
    _aim_fields(case.query, stakeholders, data)
    if case.operation.path.endswith("/import") and _real(data):
        fmt = data.draw(st.sampled_from(sorted(IMPORT_SAMPLES)))
        case.query = {**(case.query or {}), "format": fmt}
        document = copy.deepcopy(IMPORT_SAMPLES[fmt])
        mutations = data.draw(st.integers(0, 3))
        for _ in range(mutations):
            document = _mutate(document, data)
        case.body = document if isinstance(document, dict) else {"document": document}
    else:
        _aim_fields(case.body, stakeholders, data)


def _fuzz(op, seeded: Seeded, headers: dict, examples: int, mode: GenerationMode, checks):
    @settings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=op.as_strategy(generation_mode=mode), data=st.data())
    def run(case, data):
        # Negative cases stay as generated: a real id could make an invalid case valid.
        if mode.is_positive:
            _aim_at_seeded_records(case, seeded, data)
        case.call_and_validate(app=seeded.app, headers=headers, checks=checks)

    run()


def _modes(op) -> list[GenerationMode]:
    # An operation without inputs has nothing to break, so no negative cases.
    has_inputs = bool(list(op.iter_parameters())) or bool(list(op.body))
    return list(GenerationMode) if has_inputs else [GenerationMode.POSITIVE]


@pytest.mark.parametrize("label", LABELS)
def test_the_owner_gets_documented_answers(label, seeded):
    op = _operation(label)
    for mode in _modes(op):
        examples = POSITIVE_EXAMPLES if mode.is_positive else NEGATIVE_EXAMPLES
        _fuzz(op, seeded, seeded.headers, examples, mode, CHECKS)


@pytest.mark.parametrize("label", LABELS)
def test_an_anonymous_caller_gets_documented_answers(label, world):
    editor, app, shared = world
    app.state.engine = editor.engine  # another module may have re-pointed the shared app
    op = _operation(label, anonymous=True)
    for mode in _modes(op):
        _fuzz(op, shared, {}, ANONYMOUS_EXAMPLES, mode, ANONYMOUS_CHECKS)


# -- what the fuzzing found, pinned as plain tests ---------------------------------------------


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (b'{"name": "\xff\xfe"}', "json_invalid"),  # not UTF-8: FastAPI answered 400
        (b"[" * 100_000 + b"]" * 100_000, "json_too_deep"),  # past the recursion limit: 400
    ],
    ids=["not-utf8", "too-deep"],
)
def test_a_body_that_cannot_be_read_gets_the_documented_422(api, body, kind):
    pid = api.partnership()["id"]
    before = table_counts(api.engine)
    headers = {"Content-Type": "application/json"}
    for method, path in [
        ("POST", "/partnerships"),
        ("PATCH", f"/partnerships/{pid}"),
        ("POST", f"/partnerships/{pid}/stakeholders"),
    ]:
        r = api.request(method, path, content=body, headers=headers)
        assert r.status_code == 422, (method, path, r.text)
        [problem] = r.json()["detail"]
        assert (problem["loc"], problem["type"]) == (["body"], kind)
    assert table_counts(api.engine) == before


def test_a_clash_only_the_database_catches_gets_the_documented_409(api, monkeypatch):
    """Two writers racing to one external_id: the loser gets 409 in the list shape, not a string."""
    pid = api.partnership()["id"]
    api.stakeholder(pid, name="First", external_id="crm-1")
    # The race: the service's own check saw no clash, so the unique constraint refuses.
    monkeypatch.setattr(stakeholder_service, "_external_id_free", lambda *a, **k: None)
    before = table_counts(api.engine)
    body = {"kind": "person", "name": "Second", "external_id": "crm-1"}
    r = api.post(f"/partnerships/{pid}/stakeholders", json=body)
    assert r.status_code == 409, r.text
    assert r.json() == {
        "detail": [
            {
                "loc": ["body"],
                "msg": "The change clashes with a concurrent change; reload and try again.",
                "type": "conflict",
            }
        ]
    }
    assert table_counts(api.engine) == before
    operation = _schemas()[0]["/api/v1/partnerships/{pid}/stakeholders"]["POST"]
    operation.validate_response(r)  # the documented 409 schema


@pytest.mark.parametrize("label", LABELS)
def test_every_operation_that_reads_the_database_documents_503(label):
    """A database that is down, read-only or full gets 503 on every route (app.main)."""
    method, path = label.split(" ", 1)
    responses = _schemas()[0].raw_schema["paths"][path][method.lower()]["responses"]
    assert "503" in responses


def test_text_holding_a_nul_gets_422_naming_the_field(api):
    """PostgreSQL cannot store U+0000 in text: it was a 500 there (found on POST /members)."""
    pid = api.partnership()["id"]
    before = table_counts(api.engine)
    refusals = [
        ("POST", "/partnerships", {"json": {"name": "Nul\x00"}}, ["body", "name"]),
        ("POST", f"/partnerships/{pid}/members", {"json": {"email": "a@b.org\x00"}},
         ["body", "email"]),
        ("POST", f"/partnerships/{pid}/stakeholders",
         {"json": {"kind": "person", "name": "A", "tags": ["x\x00"]}}, ["body", "tags", 0]),
        ("GET", f"/partnerships/{pid}/stakeholders", {"params": {"q": "\x00"}}, ["query", "q"]),
        ("GET", f"/partnerships/{pid}/audit", {"params": {"actor": "\x00"}}, ["query", "actor"]),
        ("POST", "/tokens", {"json": {"name": "\x00"}}, ["body", "name"]),
    ]  # fmt: skip
    for method, path, kw, loc in refusals:
        r = api.request(method, path, **kw)
        assert r.status_code == 422, (path, r.text)
        assert [d["loc"] for d in r.json()["detail"]] == [loc], path
    for fmt in sorted(IMPORT_SAMPLES):
        text = json.dumps(IMPORT_SAMPLES[fmt])
        # Into the first name: it would be stored, where the format or an id would be refused.
        at = re.search(r'"(name|Name|label)": "', text).end()
        body = (text[:at] + "\\u0000" + text[at:]).encode()
        r = api.post(f"/partnerships/{pid}/import", params={"format": fmt}, content=body,
                     headers={"Content-Type": "application/json"})  # fmt: skip
        assert r.status_code == 422, (fmt, r.text)
        [problem] = r.json()["detail"]
        assert problem["loc"][0] == "body" and problem["loc"][-1] in ("name", "Name", "label")
        assert "NUL" in problem["msg"], fmt
    assert table_counts(api.engine) == before
