"""Every bad input of the foundation issue: a 4xx naming the problem, and the database unchanged.

Each test runs on both databases, with a database of its own. Paths are templates filled from the
``world`` fixture, and in bodies a string ``"@name"`` stands for the id ``world["name"]``.

Each kind of bad input the issue names is one test (per database); its variants are subtests
that share the test's database, and each checks that its request changed nothing, so that no
variant can lean on another. (A database per variant made the suite several times slower.)
"""

from __future__ import annotations

import functools
import json
from datetime import date

import pytest
from sqlalchemy import select, text
from sqlmodel import SQLModel

from app.auth import Principal
from app.db import make_engine, session_scope
from app.schemas import EngagementCreate, PartnershipCreate, StakeholderCreate, TieCreate
from app.services import engagements as engagement_service
from app.services import partnerships as partnership_service
from app.services import stakeholders as stakeholder_service
from app.services import ties as tie_service
from app.tables import (
    Engagement,
    EngagementParticipant,
    Membership,
    Partnership,
    Stakeholder,
    Tie,
    User,
)
from tests.factories import table_counts

P = "/partnerships"
ONE_P = "/partnerships/{pid}"
SH = "/partnerships/{pid}/stakeholders"
DIRECTOR = SH + "/{director}"
COUNCIL = SH + "/{council}"
CHARITY = SH + "/{charity}"
HUB = SH + "/{hub}"
TIES = "/partnerships/{pid}/ties"
TIE = TIES + "/{tie}"
ENG = "/partnerships/{pid}/engagements"
ONE_ENG = ENG + "/{eng}"

BEYOND_64_BITS = 2**64
LIMIT = 256 * 1024  # the ``settings`` fixture's max_body_bytes


def person(**fields) -> dict:
    return {"kind": "person", "name": "New Person", **fields}


def tie(**fields) -> dict:
    return {"source_id": "@officer", "target_id": "@charity", **fields}


def engagement(**fields) -> dict:
    return {
        "occurred_on": "2026-03-01",
        "channel": "call",
        "participant_ids": ["@officer", "@charity"],
        **fields,
    }


DATA_TABLES = (Partnership, Stakeholder, Tie, Engagement, EngagementParticipant, Membership)


@functools.cache
def world_rows() -> tuple[dict, dict]:
    """The world's ids and rows: partnership A (tiny_partnership's people, an owned director,
    a tie, an engagement) and partnership B, built once through the services.

    Each test gets its own copy (see ``world``); inserting rows is much faster than building.
    """
    engine = make_engine("sqlite://")
    SQLModel.metadata.create_all(engine)
    with session_scope(engine) as session:
        user = User(email="analyst@example.org")
        session.add(user)
        session.flush()
        owner = Principal(user_id=user.id, email=user.email)

        def add(pid, **fields):
            data = StakeholderCreate(**{"kind": "person", **fields})
            return stakeholder_service.create(session=session, partnership_id=pid, data=data).id

        def link(pid, source, target, **fields):
            data = TieCreate(source_id=source, target_id=target, **fields)
            return tie_service.create(session=session, partnership_id=pid, data=data).id

        def meet(pid, ids, **fields):
            data = EngagementCreate(
                occurred_on=date(2026, 6, 1), channel="meeting", participant_ids=ids, **fields
            )
            return engagement_service.create(session=session, partnership_id=pid, data=data).id

        def partnership(name):
            p = partnership_service.create(
                session=session, data=PartnershipCreate(name=name), creator=owner
            )
            return p.id, partnership_service.hub_id(session=session, partnership_id=p.id)

        pid, hub = partnership("Riverside Partnership")
        coordinator = add(pid, name="Cora Hub", organisation_id=hub, seniority="manager")
        council = add(pid, kind="organisation", name="Borough Council", sector="local_government")
        director = add(
            pid, name="Dana Director", organisation_id=council, seniority="executive",
            influence=5, interest=4, owner_id=coordinator, external_id="crm-dana",
        )  # fmt: skip
        officer = add(pid, name="Omar Officer", organisation_id=council)
        charity = add(pid, kind="organisation", name="Food Bank", sector="voluntary_community")
        a_tie = link(pid, director, coordinator, valid_from=date(2025, 1, 1), external_id="t1")
        a_eng = meet(pid, [director, coordinator], external_id="e1")
        b_pid, b_hub = partnership("Other Partnership")
        b_org = add(b_pid, kind="organisation", name="Other Trust")
        b_member = add(b_pid, name="Bea Other", organisation_id=b_hub)
        b_tie = link(b_pid, b_org, b_member)
        b_eng = meet(b_pid, [b_org, b_member])
    with engine.connect() as conn:
        rows = {
            t.__tablename__: [dict(r._mapping) for r in conn.execute(
                select(t.__table__).order_by(*t.__table__.primary_key.columns)
            )]
            for t in DATA_TABLES
        }  # fmt: skip
    engine.dispose()
    ids = {
        "pid": pid, "hub": hub, "coordinator": coordinator, "council": council,
        "director": director, "officer": officer, "charity": charity, "tie": a_tie,
        "eng": a_eng, "b_pid": b_pid, "b_hub": b_hub, "b_org": b_org, "b_member": b_member,
        "b_tie": b_tie, "b_eng": b_eng,
    }  # fmt: skip
    return ids, rows


@pytest.fixture
def world(api) -> dict:
    """A copy of ``world_rows`` in this test's database, owned by the ``api`` user."""
    ids, rows = world_rows()
    with api.engine.begin() as conn:
        for t in DATA_TABLES:
            table_rows = rows[t.__tablename__]
            if t is Membership:
                table_rows = [{**r, "user_id": api.user_id} for r in table_rows]
            conn.execute(t.__table__.insert(), table_rows)
        if conn.dialect.name == "postgresql":
            # Rows went in with their ids; move the sequences past them.
            for t in (Partnership, Stakeholder, Tie, Engagement):
                name = t.__tablename__
                conn.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), max(id)) "
                         f"FROM {name}")
                )  # fmt: skip
    return dict(ids)


def resolve(value, world: dict):
    """Replace every ``"@name"`` in ``value`` with ``world["name"]``."""
    if isinstance(value, str) and value.startswith("@"):
        return world[value[1:]]
    if isinstance(value, list):
        return [resolve(v, world) for v in value]
    if isinstance(value, dict):
        return {k: resolve(v, world) for k, v in value.items()}
    return value


def state(engine) -> dict:
    """The row counts of every table, the revisions, and every row of the data tables."""
    with engine.connect() as conn:
        revisions = dict(conn.execute(select(Partnership.id, Partnership.revision)).all())
        rows = {
            t.__tablename__: sorted(
                (tuple(r) for r in conn.execute(select(t.__table__)).all()), key=repr
            )
            for t in DATA_TABLES
        }
    return {"counts": table_counts(engine), "revisions": revisions, "rows": rows}


def refused(api, world, method: str, path: str, status: int, **kw):
    """Make a request that must be refused with ``status`` and change nothing; return the body."""
    before = state(api.engine)
    r = api.request(method, path.format(**world), **kw)
    assert r.status_code == status, (r.status_code, r.text)
    after = state(api.engine)
    assert after["counts"] == before["counts"]
    assert after["revisions"] == before["revisions"]
    assert after["rows"] == before["rows"]
    return r.json()


def assert_located(body: dict, loc: list, *, type: str | None = None, msg: str | None = None):
    """The validation body names ``loc`` (with this error type, or a message containing msg)."""
    assert isinstance(body["detail"], list), body
    found = [d for d in body["detail"] if d["loc"] == loc]
    assert found, (loc, body)
    if type is not None:
        assert type in {d["type"] for d in found}, body
    if msg is not None:
        assert any(msg in d["msg"] for d in found), body


# -- the body is not JSON, not an object, or missing ------------------------------------------

BROKEN_JSON = {"content": b'{"name": "Unfinished', "headers": {"Content-Type": "application/json"}}
WRITES = [("POST", P), ("PATCH", ONE_P), ("POST", SH), ("PATCH", DIRECTOR), ("POST", TIES),
          ("PATCH", TIE), ("POST", ENG), ("PATCH", ONE_ENG)]  # fmt: skip


def test_a_body_that_is_not_json(api, world, subtests):
    for method, path in WRITES:
        with subtests.test(msg=f"{method} {path}"):
            body = refused(api, world, method, path, 422, **BROKEN_JSON)
            assert [(d["type"], d["loc"][0]) for d in body["detail"]] == [("json_invalid", "body")]


def test_a_body_that_is_not_an_object(api, world, subtests):
    for what, kw, error in [
        ("a list", {"json": ["kind", "person"]}, "model_attributes_type"),
        ("a string", {"json": "person"}, "model_attributes_type"),
        ("form text", {"content": b"kind=person", "headers": {"Content-Type": "text/plain"}},
         "model_attributes_type"),
        ("no body", {}, "missing"),
    ]:  # fmt: skip
        with subtests.test(msg=what):
            body = refused(api, world, "POST", SH, 422, **kw)
            assert_located(body, ["body"], type=error)


def test_missing_required_fields_are_each_located(api, world):
    body = refused(api, world, "POST", ENG, 422, json={"summary": "No date, channel or people"})
    for field in ("occurred_on", "channel", "participant_ids"):
        assert_located(body, ["body", field], type="missing")


# -- wrong types, out of range, unknown enum values, unknown fields, lengths ------------------
# Each case: method, path, body, the field named in ``loc``, pydantic's error type.

LONG = "x" * 201
NOTES = "n" * 10_001
TAGS_51 = [f"t{i}" for i in range(51)]

WRONG_TYPES = [
    # strict: no coercion of strings or booleans into numbers, or of numbers into booleans
    ("POST", SH, person(influence="4"), ["influence"], "int_type"),
    ("POST", SH, person(influence=True), ["influence"], "int_type"),
    ("POST", TIES, tie(strength=True), ["strength"], "int_type"),
    ("POST", TIES, tie(strength="3"), ["strength"], "int_type"),
    ("POST", SH, person(contact_permitted=1), ["contact_permitted"], "bool_type"),
    ("POST", SH, person(interest=3.5), ["interest"], "int_type"),
    ("PATCH", DIRECTOR, {"influence": True}, ["influence"], "int_type"),
    ("POST", SH, person(contact_permitted="yes"), ["contact_permitted"], "bool_type"),
    ("POST", SH, person(name=42), ["name"], "string_type"),
    ("POST", SH, person(tags="board"), ["tags"], "list_type"),
    ("POST", SH, person(organisation_id="1"), ["organisation_id"], "int_type"),
    ("POST", SH, person(owner_id=True), ["owner_id"], "int_type"),
    ("PATCH", TIE, {"strength": "3"}, ["strength"], "int_type"),
    ("POST", TIES, tie(directed=1), ["directed"], "bool_type"),
    ("POST", TIES, tie(source_id="1"), ["source_id"], "int_type"),
    ("POST", TIES, tie(valid_from="next week"), ["valid_from"], "date_from_datetime_parsing"),
    ("POST", ENG, engagement(sentiment=True), ["sentiment"], "int_type"),
    ("POST", ENG, engagement(occurred_on="2026-13-01"), ["occurred_on"], "date_from_datetime_parsing"),  # noqa: E501
    ("POST", ENG, engagement(participant_ids="1,2"), ["participant_ids"], "list_type"),
    ("POST", P, {"name": "P", "half_life_days": True}, ["half_life_days"], "float_type"),
    ("POST", P, {"name": "P", "half_life_days": "90"}, ["half_life_days"], "float_type"),
]  # fmt: skip

OUT_OF_RANGE = [
    ("POST", SH, person(influence=0), ["influence"], "greater_than_equal"),
    ("POST", SH, person(influence=6), ["influence"], "less_than_equal"),
    ("POST", TIES, tie(strength=6), ["strength"], "less_than_equal"),
    ("POST", ENG, engagement(sentiment=3), ["sentiment"], "less_than_equal"),
    ("POST", SH, person(interest=-1), ["interest"], "greater_than_equal"),
    ("PATCH", DIRECTOR, {"interest": 6}, ["interest"], "less_than_equal"),
    ("POST", TIES, tie(strength=0), ["strength"], "greater_than_equal"),
    ("PATCH", TIE, {"strength": 9}, ["strength"], "less_than_equal"),
    ("POST", ENG, engagement(sentiment=-3), ["sentiment"], "greater_than_equal"),
    ("POST", P, {"name": "P", "half_life_days": 0}, ["half_life_days"], "greater_than"),
    ("PATCH", ONE_P, {"half_life_days": 3651}, ["half_life_days"], "less_than_equal"),
]

UNKNOWN_ENUM_VALUES = [
    ("POST", SH, person(kind="company"), ["kind"], "literal_error"),
    ("POST", SH, person(kind="hub"), ["kind"], "literal_error"),  # hubs come with partnerships
    ("PATCH", DIRECTOR, {"kind": "company"}, ["kind"], "literal_error"),
    ("POST", SH, person(sector="health_care"), ["sector"], "enum"),
    ("POST", SH, person(seniority="boss"), ["seniority"], "enum"),
    ("POST", SH, person(engagement="hostile"), ["engagement"], "enum"),
    ("PATCH", DIRECTOR, {"desired_engagement": "eager"}, ["desired_engagement"], "enum"),
    ("POST", ENG, engagement(channel="carrier_pigeon"), ["channel"], "enum"),
    ("PATCH", ONE_ENG, {"channel": "Meeting"}, ["channel"], "enum"),
    ("POST", TIES, tie(kind="friends"), ["kind"], "enum"),
    ("PATCH", TIE, {"kind": "friends"}, ["kind"], "enum"),
]  # fmt: skip

UNKNOWN_FIELDS = [
    ("POST", SH, person(colour="red"), ["colour"], "extra_forbidden"),
    ("PATCH", DIRECTOR, {"partnership_id": "@b_pid"}, ["partnership_id"], "extra_forbidden"),
    ("PATCH", DIRECTOR, {"id": 99}, ["id"], "extra_forbidden"),
    ("POST", TIES, tie(weight=0.5), ["weight"], "extra_forbidden"),
    ("POST", ENG, engagement(participants=["a", "b"]), ["participants"], "extra_forbidden"),
    ("POST", P, {"name": "P", "hub_id": 1}, ["hub_id"], "extra_forbidden"),
    ("PATCH", ONE_P, {"revision": 0}, ["revision"], "extra_forbidden"),
]

NAMES = [
    ("POST", SH, person(name=""), ["name"], "string_too_short"),
    ("POST", SH, person(name="   "), ["name"], "string_too_short"),
    ("POST", SH, person(name=LONG), ["name"], "string_too_long"),
    ("PATCH", DIRECTOR, {"name": ""}, ["name"], "string_too_short"),
    ("PATCH", DIRECTOR, {"name": LONG}, ["name"], "string_too_long"),
    ("POST", P, {"name": ""}, ["name"], "string_too_short"),
    ("POST", P, {"name": LONG}, ["name"], "string_too_long"),
    ("POST", P, {"name": "P", "hub_name": " "}, ["hub_name"], "string_too_short"),
    ("PATCH", ONE_P, {"name": LONG}, ["name"], "string_too_long"),
]

OTHER_STRINGS = [
    ("POST", SH, person(notes=NOTES), ["notes"], "string_too_long"),
    ("PATCH", DIRECTOR, {"notes": NOTES}, ["notes"], "string_too_long"),
    ("POST", TIES, tie(notes=NOTES), ["notes"], "string_too_long"),
    ("POST", ENG, engagement(summary=NOTES), ["summary"], "string_too_long"),
    ("POST", P, {"name": "P", "description": NOTES}, ["description"], "string_too_long"),
    ("POST", SH, person(tags=TAGS_51), ["tags"], "too_long"),
    ("PATCH", DIRECTOR, {"tags": TAGS_51}, ["tags"], "too_long"),
    ("POST", SH, person(tags=["ok", "t" * 51]), ["tags", 1], "string_too_long"),
    ("POST", SH, person(tags=["ok", "  "]), ["tags", 1], "string_too_short"),
    ("POST", SH, person(role=LONG), ["role"], "string_too_long"),
    ("POST", SH, person(external_id=LONG), ["external_id"], "string_too_long"),
    ("POST", SH, person(external_id=""), ["external_id"], "string_too_short"),
    ("POST", SH, person(email="not an email"), ["email"], "string_pattern_mismatch"),
]

IDS_IN_THE_BODY = [
    ("POST", SH, person(organisation_id=BEYOND_64_BITS), ["organisation_id"], "less_than_equal"),
    ("POST", SH, person(owner_id=BEYOND_64_BITS), ["owner_id"], "less_than_equal"),
    ("POST", TIES, tie(target_id=BEYOND_64_BITS), ["target_id"], "less_than_equal"),
    ("PATCH", TIE, {"source_id": BEYOND_64_BITS}, ["source_id"], "less_than_equal"),
    (
        "POST", ENG, engagement(participant_ids=["@officer", BEYOND_64_BITS]),
        ["participant_ids", 1], "less_than_equal",
    ),
    # beyond the 32-bit INTEGER ids, which PostgreSQL would refuse with an error
    ("POST", SH, person(organisation_id=2**40), ["organisation_id"], "less_than_equal"),
    ("POST", SH, person(organisation_id=0), ["organisation_id"], "greater_than_equal"),
    ("POST", TIES, tie(source_id=-1), ["source_id"], "greater_than_equal"),
]  # fmt: skip

PARTICIPANTS = [
    ("POST", ENG, engagement(participant_ids=["@officer"]), ["participant_ids"], "too_short"),
    ("POST", ENG, engagement(participant_ids=[]), ["participant_ids"], "too_short"),
    ("PATCH", ONE_ENG, {"participant_ids": ["@director"]}, ["participant_ids"], "too_short"),
    (
        "POST", ENG, engagement(participant_ids=["@officer", "@officer"]),
        ["participant_ids"], "value_error",
    ),
    (
        "PATCH", ONE_ENG, {"participant_ids": ["@director", "@coordinator", "@director"]},
        ["participant_ids"], "value_error",
    ),
]  # fmt: skip

FIELD_CASES = {
    "wrong types": WRONG_TYPES,
    "values out of range": OUT_OF_RANGE,
    "unknown enum values": UNKNOWN_ENUM_VALUES,
    "unknown fields": UNKNOWN_FIELDS,
    "names of 0 or 201 characters": NAMES,
    "notes, tags and other strings too long": OTHER_STRINGS,
    "ids beyond 64 bits or below 1": IDS_IN_THE_BODY,
    "participant lists of one, or with repeats": PARTICIPANTS,
}


def case_id(method: str, path: str, loc: list, error: str = "") -> str:
    return f"{method} {path.rsplit('/', 1)[-1]} {'.'.join(map(str, loc))} {error}".strip()


@pytest.mark.parametrize("cases", FIELD_CASES.values(), ids=FIELD_CASES.keys())
def test_invalid_fields_are_refused_and_located(api, world, subtests, cases):
    for method, path, payload, loc, error in cases:
        with subtests.test(msg=case_id(method, path, loc, error)):
            body = refused(api, world, method, path, 422, json=resolve(payload, world))
            assert_located(body, ["body", *loc], type=error)


def test_the_bounds_themselves_are_accepted(api, world):
    """200 characters, 10,000 of notes, 50 tags of 50 characters, the ends of each range."""
    s = api.stakeholder(
        world["pid"],
        name="N" * 200,
        notes="n" * 10_000,
        tags=[f"{i:02d}" + "t" * 48 for i in range(50)],
        influence=1,
        interest=5,
    )
    got = api.ok("GET", f"/partnerships/{world['pid']}/stakeholders/{s['id']}")
    assert got["name"] == "N" * 200
    assert len(got["notes"]) == 10_000
    assert len(got["tags"]) == 50
    assert {len(t) for t in got["tags"]} == {50}
    assert (got["influence"], got["interest"]) == (1, 5)
    t = api.tie(world["pid"], world["officer"], world["charity"], strength=5)
    assert t["strength"] == 5
    e = api.engagement(world["pid"], [world["officer"], world["charity"]], sentiment=-2)
    assert e["sentiment"] == -2
    p = api.ok("POST", "/partnerships", 201, json={"name": " " + "P" * 200 + " "})
    assert p["name"] == "P" * 200  # stripped, then measured


def test_null_for_a_required_field_is_refused(api, world, subtests):
    for path, field in [
        (DIRECTOR, "name"), (DIRECTOR, "kind"), (DIRECTOR, "contact_permitted"),
        (TIE, "source_id"), (TIE, "strength"), (TIE, "kind"), (ONE_ENG, "occurred_on"),
        (ONE_ENG, "channel"), (ONE_ENG, "participant_ids"), (ONE_P, "name"),
        (ONE_P, "half_life_days"),
    ]:  # fmt: skip
        with subtests.test(msg=f"{path} {field}"):
            body = refused(api, world, "PATCH", path, 422, json={field: None})
            assert_located(body, ["body", field], msg="cannot be null")


# -- ids that do not exist, or belong to another partnership ----------------------------------

MISSING = 2**31 - 1  # the largest id the API accepts; no row has it

REFERENCES = [
    ("POST", SH, person(organisation_id=MISSING), ["organisation_id"]),
    ("POST", SH, person(organisation_id="@b_org"), ["organisation_id"]),
    ("PATCH", DIRECTOR, {"organisation_id": "@b_hub"}, ["organisation_id"]),
    ("POST", SH, person(owner_id=MISSING), ["owner_id"]),
    ("POST", SH, person(owner_id="@b_member"), ["owner_id"]),
    ("PATCH", COUNCIL, {"owner_id": "@b_member"}, ["owner_id"]),
    ("POST", TIES, tie(source_id=MISSING), ["source_id"]),
    ("POST", TIES, tie(target_id="@b_org"), ["target_id"]),
    ("PATCH", TIE, {"source_id": "@b_member"}, ["source_id"]),
    ("PATCH", TIE, {"target_id": MISSING}, ["target_id"]),
    ("POST", ENG, engagement(participant_ids=["@officer", MISSING]), ["participant_ids", 1]),
    ("POST", ENG, engagement(participant_ids=["@b_org", "@officer"]), ["participant_ids", 0]),
    (
        "PATCH", ONE_ENG, {"participant_ids": ["@director", "@b_member", "@coordinator"]},
        ["participant_ids", 1],
    ),
]  # fmt: skip


def test_references_that_do_not_exist_or_are_elsewhere(api, world, subtests):
    for i, (method, path, payload, loc) in enumerate(REFERENCES):
        with subtests.test(msg=f"{i} {case_id(method, path, loc)}"):
            body = refused(api, world, method, path, 422, json=resolve(payload, world))
            assert_located(body, ["body", *loc], type="value_error", msg="in this partnership")


def test_every_bad_reference_is_located(api, world):
    payload = engagement(participant_ids=["@b_org", "@officer", MISSING, "@b_member"])
    body = refused(api, world, "POST", ENG, 422, json=resolve(payload, world))
    assert sorted(tuple(d["loc"]) for d in body["detail"]) == [
        ("body", "participant_ids", 0),
        ("body", "participant_ids", 2),
        ("body", "participant_ids", 3),
    ]
    body = refused(api, world, "POST", TIES, 422, json=tie(source_id=MISSING,
                                                          target_id=world["b_org"]))  # fmt: skip
    assert sorted(tuple(d["loc"]) for d in body["detail"]) == [
        ("body", "source_id"),
        ("body", "target_id"),
    ]


PATCHES = {
    "Stakeholder": {"name": "Renamed"},
    "Tie": {"strength": 1},
    "Engagement": {"summary": "Rewritten"},
    "Partnership": {"name": "Renamed"},
}


def test_another_partnerships_items_under_this_path_are_not_found(api, world, subtests):
    """B's stakeholder, tie and engagement, fetched, patched and deleted under A's path."""
    for path, key, what in [
        (SH + "/{b_org}", "b_org", "Stakeholder"),
        (SH + "/{b_hub}", "b_hub", "Stakeholder"),
        (TIES + "/{b_tie}", "b_tie", "Tie"),
        (ENG + "/{b_eng}", "b_eng", "Engagement"),
    ]:
        for method in ("GET", "PATCH", "DELETE"):
            with subtests.test(msg=f"{method} {path}"):
                kw = {"json": PATCHES[what]} if method == "PATCH" else {}
                body = refused(api, world, method, path, 404, **kw)
                assert body == {"detail": f"{what} {world[key]} not found"}


def test_ids_that_exist_nowhere_are_not_found(api, world, subtests):
    for path, what in [
        (SH + f"/{MISSING}", "Stakeholder"),
        (TIES + f"/{MISSING}", "Tie"),
        (ENG + f"/{MISSING}", "Engagement"),
        (f"{P}/{MISSING}", "Partnership"),
        (f"{P}/{MISSING}/stakeholders/{{director}}", "Partnership"),
    ]:
        for method in ("GET", "PATCH", "DELETE"):
            with subtests.test(msg=f"{method} {path}"):
                kw = {"json": PATCHES[what]} if method == "PATCH" else {}
                body = refused(api, world, method, path, 404, **kw)
                assert body == {"detail": f"{what} {MISSING} not found"}


def test_path_ids_beyond_64_bits_or_out_of_range(api, world, subtests):
    for method, path, param, error in [
        ("GET", SH + f"/{BEYOND_64_BITS}", "sid", "less_than_equal"),
        ("PATCH", SH + f"/{BEYOND_64_BITS}", "sid", "less_than_equal"),
        ("DELETE", SH + f"/{BEYOND_64_BITS}", "sid", "less_than_equal"),
        ("GET", f"{P}/{BEYOND_64_BITS}", "pid", "less_than_equal"),
        ("PATCH", f"{P}/{2**40}", "pid", "less_than_equal"),
        ("DELETE", TIES + f"/{2**63}", "tid", "less_than_equal"),
        ("GET", ENG + f"/{2**40}", "eid", "less_than_equal"),
        ("GET", SH + "/0", "sid", "greater_than_equal"),
        ("DELETE", TIES + "/-3", "tid", "greater_than_equal"),
        ("GET", ENG + "/seven", "eid", "int_parsing"),
        ("PATCH", P + "/1.5", "pid", "int_parsing"),
    ]:
        with subtests.test(msg=f"{method} {path}"):
            kw = {"json": {"name": "Renamed"}} if method == "PATCH" else {}
            body = refused(api, world, method, path, 422, **kw)
            assert_located(body, ["path", param], type=error)


def test_bad_query_parameters(api, world, subtests):
    for path, params, param, error in [
        (SH, {"limit": 501}, "limit", "less_than_equal"),
        (SH, {"limit": 0}, "limit", "greater_than_equal"),
        (TIES, {"offset": -1}, "offset", "greater_than_equal"),
        (SH, {"kind": "company"}, "kind", "enum"),
        (SH, {"sector": "nhs"}, "sector", "enum"),
        (SH, {"organisation_id": BEYOND_64_BITS}, "organisation_id", "less_than_equal"),
        (TIES, {"stakeholder_id": 2**40}, "stakeholder_id", "less_than_equal"),
        (TIES, {"stakeholder_id": "x"}, "stakeholder_id", "int_parsing"),
        (ENG, {"stakeholder_id": 2**63}, "stakeholder_id", "less_than_equal"),
        (ENG, {"channel": "fax"}, "channel", "enum"),
        (ENG, {"since": "yesterday"}, "since", "date_from_datetime_parsing"),
        (P, {"limit": "ten"}, "limit", "int_parsing"),
        (P, {"offset": 2**63}, "offset", "less_than_equal"),
    ]:
        with subtests.test(msg=f"{path} {params}"):
            body = refused(api, world, "GET", path, 422, params=params)
            assert_located(body, ["query", param], type=error)


# -- integrity rules --------------------------------------------------------------------------


def test_a_tie_from_a_node_to_itself(api, world):
    body = refused(api, world, "POST", TIES, 422, json=tie(source_id=world["officer"],
                                                          target_id=world["officer"]))  # fmt: skip
    assert_located(body, ["body", "target_id"], msg="two different stakeholders")
    # the stored tie joins the director to the coordinator; move one end onto the other
    body = refused(api, world, "PATCH", TIE, 422, json={"target_id": world["director"]})
    assert_located(body, ["body", "target_id"], msg="two different stakeholders")
    body = refused(api, world, "PATCH", TIE, 422, json={"source_id": world["coordinator"]})
    assert_located(body, ["body", "target_id"], msg="two different stakeholders")


def test_valid_to_before_valid_from(api, world):
    payload = resolve(tie(valid_from="2026-02-01", valid_to="2026-01-31"), world)
    body = refused(api, world, "POST", TIES, 422, json=payload)
    assert_located(body, ["body", "valid_to"], msg="before valid_from")
    # the stored tie is valid from 2025-01-01
    body = refused(api, world, "PATCH", TIE, 422, json={"valid_to": "2024-12-31"})
    assert_located(body, ["body", "valid_to"], msg="before valid_from")


def test_a_membership_cycle(api, world):
    pid = world["pid"]
    board = api.stakeholder(pid, kind="group", name="Board", organisation_id=world["council"])
    panel = api.stakeholder(pid, kind="group", name="Panel", organisation_id=board["id"])
    # group Panel is in group Board; Board into Panel closes the loop
    body = refused(api, world, "PATCH", f"{SH}/{board['id']}", 422,
                   json={"organisation_id": panel["id"]})  # fmt: skip
    assert_located(body, ["body", "organisation_id"], msg="membership cycle")
    # a group into itself
    body = refused(api, world, "PATCH", f"{SH}/{board['id']}", 422,
                   json={"organisation_id": board["id"]})  # fmt: skip
    assert_located(body, ["body", "organisation_id"], msg="membership cycle")
    # three groups round
    a = api.stakeholder(pid, kind="group", name="A")
    b = api.stakeholder(pid, kind="group", name="B", organisation_id=a["id"])
    c = api.stakeholder(pid, kind="group", name="C", organisation_id=b["id"])
    body = refused(api, world, "PATCH", f"{SH}/{a['id']}", 422,
                   json={"organisation_id": c["id"]})  # fmt: skip
    assert_located(body, ["body", "organisation_id"], msg="membership cycle")


def test_a_person_into_itself(api, world):
    body = refused(api, world, "PATCH", DIRECTOR, 422, json={"organisation_id": world["director"]})
    assert_located(body, ["body", "organisation_id"], msg="is a person")


def test_organisation_id_naming_a_person(api, world, subtests):
    for method, path, payload in [
        ("POST", SH, person(organisation_id="@officer")),
        ("POST", SH, person(kind="group", organisation_id="@coordinator")),
        ("PATCH", DIRECTOR, {"organisation_id": "@officer"}),
    ]:
        with subtests.test(msg=f"{method} {path} {payload}"):
            body = refused(api, world, method, path, 422, json=resolve(payload, world))
            assert_located(body, ["body", "organisation_id"], msg="is a person")


def test_an_organisation_given_an_organisation(api, world, subtests):
    for method, path, payload in [
        ("POST", SH, {"kind": "organisation", "name": "Sub", "organisation_id": "@council"}),
        ("PATCH", CHARITY, {"organisation_id": "@council"}),
        ("PATCH", HUB, {"organisation_id": "@council"}),
        ("PATCH", DIRECTOR, {"kind": "organisation"}),  # keeps its organisation_id
    ]:
        with subtests.test(msg=f"{method} {path} {payload}"):
            body = refused(api, world, method, path, 422, json=resolve(payload, world))
            assert_located(
                body, ["body", "organisation_id"], msg="does not belong to an organisation"
            )


def test_owner_id_naming_a_non_hub_member(api, world, subtests):
    for owner in ("director", "council", "hub"):
        with subtests.test(msg=owner):
            payload = person(owner_id=world[owner])
            body = refused(api, world, "POST", SH, 422, json=payload)
            assert_located(body, ["body", "owner_id"], msg="must name a hub member")
            body = refused(api, world, "PATCH", COUNCIL, 422, json={"owner_id": world[owner]})
            assert_located(body, ["body", "owner_id"], msg="must name a hub member")


def test_the_hub_cannot_be_deleted(api, world):
    body = refused(api, world, "DELETE", HUB, 409)
    assert_located(body, ["path", "sid"], msg="the hub cannot be deleted")


def test_the_hub_cannot_change_kind(api, world, subtests):
    for kind in ("organisation", "person", "group"):
        with subtests.test(msg=kind):
            body = refused(api, world, "PATCH", HUB, 422, json={"kind": kind})
            assert_located(body, ["body", "kind"], msg="the hub cannot change kind")


def test_no_second_hub(api, world, subtests):
    for path in (COUNCIL, CHARITY, DIRECTOR):
        with subtests.test(msg=path):
            body = refused(api, world, "PATCH", path, 422, json={"kind": "hub"})
            assert_located(body, ["body", "kind"], msg="one hub")


def test_an_organisation_with_members_cannot_become_a_person(api, world):
    body = refused(api, world, "PATCH", COUNCIL, 422, json={"kind": "person"})
    assert_located(body, ["body", "kind"], msg="has 2 member(s)")


def test_a_hub_member_who_owns_relationships_stays_in_the_hub(api, world):
    # the coordinator owns the director's relationship
    path = SH + "/{coordinator}"
    body = refused(api, world, "PATCH", path, 422, json={"organisation_id": world["council"]})
    assert_located(body, ["body", "organisation_id"], msg="owns 1 relationship(s)")
    body = refused(api, world, "PATCH", path, 422, json={"organisation_id": None})
    assert_located(body, ["body", "organisation_id"], msg="owns 1 relationship(s)")
    body = refused(api, world, "PATCH", path, 422, json={"kind": "group"})
    assert_located(body, ["body", "kind"], msg="owns 1 relationship(s)")


def test_a_duplicate_external_id_is_a_conflict(api, world, subtests):
    for method, path, payload in [
        ("POST", SH, person(external_id="crm-dana")),
        ("POST", SH, person(external_id="  crm-dana ")),  # stripped before the check
        ("PATCH", COUNCIL, {"external_id": "crm-dana"}),
        ("POST", TIES, tie(external_id="t1")),
        ("POST", ENG, engagement(external_id="e1")),
    ]:
        with subtests.test(msg=f"{method} {path} {payload}"):
            body = refused(api, world, method, path, 409, json=resolve(payload, world))
            assert_located(body, ["body", "external_id"], type="conflict", msg="already used")


def test_the_same_external_id_in_another_partnership_is_fine(api, world):
    s = api.stakeholder(world["b_pid"], external_id="crm-dana")
    assert s["external_id"] == "crm-dana"


# -- bodies over the size limit ---------------------------------------------------------------

BIG = person(notes="n" * (LIMIT + 1))
TOO_BIG = {"detail": f"The request body is larger than the limit of {LIMIT} bytes."}


def test_a_body_over_the_limit_with_content_length(api, world, subtests):
    for method, path in WRITES:
        with subtests.test(msg=f"{method} {path}"):
            assert refused(api, world, method, path, 413, json=BIG) == TOO_BIG


def test_a_body_over_the_limit_without_content_length(api, world):
    data = json.dumps(BIG).encode()

    def chunks():
        for i in range(0, len(data), 16 * 1024):
            yield data[i : i + 16 * 1024]

    sent = []
    api.client.event_hooks["request"].append(lambda request: sent.append(dict(request.headers)))
    try:
        body = refused(
            api, world, "POST", SH, 413, content=chunks(),
            headers={"Content-Type": "application/json"},
        )  # fmt: skip
    finally:
        api.client.event_hooks["request"].clear()
    assert "content-length" not in sent[0]
    assert sent[0]["transfer-encoding"] == "chunked"
    assert body == TOO_BIG


def test_the_limit_is_exact(api, world):
    """A body of exactly the limit passes (JSON padded with spaces); one byte more does not."""
    data = json.dumps(person(name="Padded")).encode()
    data += b" " * (LIMIT - len(data))
    headers = {"Content-Type": "application/json"}
    assert refused(api, world, "POST", SH, 413, content=data + b" ", headers=headers) == TOO_BIG
    r = api.post(SH.format(**world), content=data, headers=headers)
    assert r.status_code == 201, r.text
    assert r.json()["name"] == "Padded"
