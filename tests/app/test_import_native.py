"""The import engine through native documents: matching, partial updates, integrity, writes.

Runs on both databases (``db_engine``).
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from app.auth import Principal
from app.db import session_scope
from app.demo import demo_file
from app.errors import Invalid
from app.importers import import_document
from app.importers.native import import_native
from app.schemas import PartnershipCreate
from app.services import partnerships as partnership_service
from app.services import users
from app.tables import (
    AuditEntry,
    Engagement,
    EngagementParticipant,
    Partnership,
    Stakeholder,
    Tie,
)
from tests.factories import table_counts

DOC = "stakemap/v1"


@pytest.fixture
def world(db_engine):
    with session_scope(db_engine) as s:
        u = users.create_user(session=s, email="coordinator@example.org")
        principal = Principal(user_id=u.id, email=u.email)
        p = partnership_service.create(
            session=s, data=PartnershipCreate(name="Test Partnership"), creator=principal
        )
        pid = p.id
    return SimpleNamespace(engine=db_engine, pid=pid)


def run(world, doc: dict, *, dry_run: bool = False, fmt: str = "stakemap", **kw) -> dict:
    with session_scope(world.engine, actor="test") as s:
        report = import_document(
            session=s, partnership_id=world.pid, fmt=fmt, doc=doc, dry_run=dry_run, **kw
        )
        return report.as_dict(dry_run=dry_run)


def problems(world, doc: dict) -> list[tuple[list, str]]:
    before = table_counts(world.engine)
    with pytest.raises(Invalid) as err:
        run(world, doc)
    assert table_counts(world.engine) == before
    return [(list(p.loc), p.msg) for p in err.value.problems]


def native(stakeholders=(), ties=(), engagements=()) -> dict:
    return {"format": DOC, "stakeholders": list(stakeholders), "ties": list(ties),
            "engagements": list(engagements)}  # fmt: skip


def rows(world, table) -> list:
    with session_scope(world.engine, write=False) as s:
        return s.execute(
            select(table).where(table.partnership_id == world.pid).order_by(table.id)
        ).scalars().all()  # fmt: skip


def by_ext(world) -> dict:
    return {s.external_id: s for s in rows(world, Stakeholder)}


def revision(world) -> int:
    with session_scope(world.engine, write=False) as s:
        return s.get(Partnership, world.pid).revision


BASE = [
    {"kind": "person", "external_id": "staff", "name": "Sam Staff", "organisation": "hub"},
    {"kind": "organisation", "external_id": "council", "name": "Council",
     "sector": "local_government", "influence": 4, "owner": "staff", "tags": ["statutory"]},
    {"kind": "person", "external_id": "dana", "name": "Dana", "organisation": "council",
     "role": "Director", "email": "dana@example.org"},
]  # fmt: skip


def test_absent_fields_are_left_as_stored_and_null_clears(world):
    run(world, native(BASE))
    # A CRM that only knows names: nothing else it did not send changes.
    slim = [{"kind": s["kind"], "external_id": s["external_id"], "name": s["name"]} for s in BASE]
    report = run(world, native(slim))
    assert report["unchanged"] == {"organisations": 1, "people": 2, "groups": 0, "ties": 0,
                                   "engagements": 0}  # fmt: skip
    council = by_ext(world)["council"]
    assert (council.influence, council.sector, council.tags) == (
        4,
        "local_government",
        ["statutory"],
    )
    assert by_ext(world)["dana"].organisation_id == council.id
    cleared = run(world, native([{**BASE[1], "influence": None, "owner": None}]))
    assert cleared["updated"]["organisations"] == 1
    council = by_ext(world)["council"]
    assert (council.influence, council.owner_id, council.sector) == (None, None, "local_government")


def test_references_may_name_stakeholders_already_in_the_partnership(world):
    run(world, native(BASE))
    later = native(
        [{"kind": "person", "external_id": "omar", "name": "Omar", "organisation": "council",
          "owner": "staff"}],
        [{"external_id": "t1", "source": "omar", "target": "dana", "kind": "reports_to"}],
        [{"occurred_on": "2026-01-05", "channel": "call", "participants": ["omar", "hub"]}],
    )  # fmt: skip
    assert run(world, later)["created"] == {"organisations": 0, "people": 1, "groups": 0,
                                            "ties": 1, "engagements": 1}  # fmt: skip
    s = by_ext(world)
    (tie,) = rows(world, Tie)
    assert (tie.source_id, tie.target_id, tie.directed, tie.strength) == (
        s["omar"].id, s["dana"].id, True, 3,
    )  # fmt: skip


def test_records_without_external_ids_match_records_that_look_the_same(world):
    doc = native(
        BASE + [{"kind": "organisation", "ref": "r1", "name": "Food Bank", "sector": "other"},
                {"kind": "person", "ref": "r2", "name": "Vic", "organisation": "r1"}],
        [{"source": "r2", "target": "dana"}, {"source": "r2", "target": "dana"},
         {"source": "dana", "target": "r2", "kind": "informal", "strength": 2}],
        [{"occurred_on": "2026-02-01", "channel": "email", "participants": ["r2", "dana"]},
         {"occurred_on": "2026-02-01", "channel": "email", "participants": ["dana", "r2"]}],
    )  # fmt: skip
    first = run(world, doc)
    assert first["created"] == {"organisations": 2, "people": 3, "groups": 0, "ties": 3,
                                "engagements": 2}  # fmt: skip
    again = run(world, doc)
    assert again["unchanged"] == first["created"]
    assert revision(world) == 1
    assert len(rows(world, Tie)) == 3 and len(rows(world, Engagement)) == 2
    # A changed strength updates the keyless tie that matches by ends and kind.
    doc["ties"][2]["strength"] = 5
    changed = run(world, doc)
    assert changed["updated"]["ties"] == 1 and changed["unchanged"]["ties"] == 2
    assert sorted(t.strength for t in rows(world, Tie)) == [3, 3, 5]


def test_the_hub_record_and_the_hub_reference(world):
    doc = native(
        [{"kind": "hub", "name": "The Board", "external_id": "board", "notes": "Meets monthly"},
         {"kind": "person", "external_id": "p1", "name": "Pat", "organisation": "board"}],
        engagements=[{"occurred_on": "2026-03-01", "channel": "meeting",
                      "participants": ["hub", "p1"]}],
    )  # fmt: skip
    report = run(world, doc)
    assert report["created"]["people"] == 1
    hub = next(s for s in rows(world, Stakeholder) if s.kind == "hub")
    assert (hub.name, hub.external_id, hub.notes) == ("The Board", "board", "Meets monthly")
    assert by_ext(world)["p1"].organisation_id == hub.id
    assert run(world, doc)["unchanged"]["people"] == 1
    assert revision(world) == 1
    two_hubs = native([{"kind": "hub", "name": "A"}, {"kind": "hub", "name": "B"}])
    assert problems(world, two_hubs) == [
        (["body", "stakeholders", 1, "kind"], "only one hub record is allowed"),
    ]
    assert problems(world, native([{"kind": "group", "external_id": "board", "name": "X"}])) == [
        (["body", "stakeholders", 0, "external_id"], "'board' is the hub's external_id"),
    ]  # fmt: skip


def test_integrity_of_the_resulting_state(world):
    run(world, native(BASE))
    cases = {
        "an organisation has no organisation": (
            [{"kind": "organisation", "external_id": "x", "name": "X", "organisation": "council"}],
            [(["body", "stakeholders", 0, "organisation"],
              "an organisation does not belong to an organisation")],
        ),
        "members belong to containers": (
            [{"kind": "person", "external_id": "x", "name": "X", "organisation": "dana"}],
            [(["body", "stakeholders", 0, "organisation"],
              "'Dana' is a person, not an organisation, a group or the hub")],
        ),
        "no cycles": (
            [{"kind": "group", "external_id": "g1", "name": "G1", "organisation": "g2"},
             {"kind": "group", "external_id": "g2", "name": "G2", "organisation": "g1"}],
            [(["body", "stakeholders", 0, "organisation"], "this makes a membership cycle"),
             (["body", "stakeholders", 1, "organisation"], "this makes a membership cycle")],
        ),
        "owners are hub members": (
            [{"kind": "person", "external_id": "x", "name": "X", "owner": "dana"}],
            [(["body", "stakeholders", 0, "owner"],
              "owner 'Dana' is not a hub member (a person whose organisation is the hub)")],
        ),
        "an organisation with members stays a container": (
            [{"kind": "person", "external_id": "council", "name": "Council"}],
            [(["body", "stakeholders", 0, "kind"],
              "'council' has members (e.g. 'Dana'); a person cannot have any")],
        ),
        "an owner stays a hub member": (
            [{"kind": "person", "external_id": "staff", "name": "Sam", "organisation": None}],
            [(["body", "stakeholders", 0, "organisation"],
              "'staff' owns relationships (e.g. 'Council') and must stay a hub member")],
        ),
        "hub is reserved": (
            [{"kind": "person", "external_id": "hub", "name": "Hub"}],
            [(["body", "stakeholders", 0, "external_id"],
              '"hub" names the hub; give the hub a record of kind hub')],
        ),
        "a stakeholder needs a name": (
            [{"kind": "person", "name": "No id"}],
            [(["body", "stakeholders", 0, "external_id"],
              "a stakeholder needs an external_id to import")],
        ),
        "validity": (
            [],
            [(["body", "ties", 0, "valid_to"], "valid_to is before valid_from")],
        ),
    }  # fmt: skip
    for name, (stakeholders, expected) in cases.items():
        ties = []
        if name == "validity":
            ties = [{"source": "dana", "target": "staff", "valid_from": "2026-02-01",
                     "valid_to": "2026-01-01"}]  # fmt: skip
        assert problems(world, native(stakeholders, ties)) == expected, name
    assert revision(world) == 1


def test_unknown_references_and_duplicates_are_all_reported(world):
    doc = native(
        [{"kind": "person", "external_id": "a", "name": "A", "organisation": "nowhere"},
         {"kind": "person", "external_id": "a", "name": "A again"}],
        [{"source": "a", "target": "ghost"}],
        [{"occurred_on": "2026-01-01", "channel": "call", "participants": ["a", "a"]},
         {"occurred_on": "2026-01-01", "channel": "call", "participants": ["hub", "ghost"],
          "external_id": "e"},
         {"occurred_on": "2026-01-02", "channel": "call", "participants": ["hub", "a"],
          "external_id": "e"}],
    )  # fmt: skip
    assert problems(world, doc) == [
        (["body", "stakeholders", 1, "external_id"], "duplicated external_id 'a'"),
        (["body", "stakeholders", 0, "organisation"],
         "unknown stakeholder 'nowhere': not in the document or the partnership"),
        (["body", "ties", 0, "target"],
         "unknown stakeholder 'ghost': not in the document or the partnership"),
        (["body", "engagements", 0, "participants"], "a participant is listed more than once"),
        (["body", "engagements", 1, "participants", 1],
         "unknown stakeholder 'ghost': not in the document or the partnership"),
        (["body", "engagements", 2, "external_id"], "duplicated external_id 'e'"),
    ]  # fmt: skip


def test_a_record_that_fails_validation_is_not_reported_again_where_referenced(world):
    doc = native(
        [{"kind": "person", "external_id": "a", "name": "A", "influence": 9}],
        [{"source": "a", "target": "hub"}],
    )
    assert problems(world, doc) == [
        (["body", "stakeholders", 0, "influence"], "Input should be less than or equal to 5"),
    ]


def test_dry_run_and_no_op_write_nothing_not_even_the_audit_trail(world):
    doc = native(BASE, engagements=[{"occurred_on": "2026-01-05", "channel": "call",
                                     "participants": ["dana", "staff"]}])  # fmt: skip
    before = table_counts(world.engine)
    dry = run(world, doc, dry_run=True)
    assert table_counts(world.engine) == before
    real = run(world, doc)
    assert {**dry, "dry_run": False} == real
    after = table_counts(world.engine)
    assert after["audit_log"] == before["audit_log"] + 3 + 1 + 1  # records + the import itself
    with session_scope(world.engine, write=False) as s:
        entries = s.execute(
            select(AuditEntry).where(AuditEntry.partnership_id == world.pid)
            .order_by(AuditEntry.id.desc()).limit(5)
        ).scalars().all()  # fmt: skip
    assert entries[0].action == "import" and entries[0].actor == "test"
    assert entries[0].detail.startswith("stakemap: created organisations=1, people=2")
    assert {(e.entity, e.action) for e in entries[1:]} == {
        ("stakeholder", "create"),
        ("engagement", "create"),
    }
    run(world, doc)
    assert table_counts(world.engine) == after
    assert revision(world) == 1


def test_progress_is_reported_up_to_the_total(world):
    seen = []
    doc = native(BASE, [{"source": "dana", "target": "staff"}])
    run(world, doc, progress=lambda phase, done, total: seen.append((phase, done, total)))
    assert seen[-1][1:] == (8, 8)
    assert [p for p, _, _ in seen] == ["checking"] * 3 + ["writing"] * 3


def test_participants_move_and_dates_shift(world):
    call = {"external_id": "e1", "occurred_on": "2026-01-05", "channel": "call",
            "participants": ["dana", "staff"]}  # fmt: skip
    doc = native(BASE, engagements=[call])
    run(world, doc)
    doc["engagements"][0]["participants"] = ["dana", "hub", "council"]
    assert run(world, doc)["updated"]["engagements"] == 1
    with session_scope(world.engine, write=False) as s:
        parts = s.execute(select(func.count()).select_from(EngagementParticipant)).scalar_one()
    assert parts == 3
    assert run(world, doc, shift_days=10)["updated"]["engagements"] == 1
    (e,) = rows(world, Engagement)
    assert e.occurred_on == date(2026, 1, 15)


def test_the_demo_loads_through_the_importer(world):
    doc = json.loads(demo_file().read_text(encoding="utf-8"))
    shift = (date.today() - date.fromisoformat(doc["exported_on"])).days
    with session_scope(world.engine, actor="test") as s:
        report = import_native(session=s, partnership_id=world.pid, doc=doc, shift_days=shift)
    assert report.created == {"organisations": 27, "people": 121, "groups": 10, "ties": 313,
                              "engagements": 658}  # fmt: skip
    latest = max(e.occurred_on for e in rows(world, Engagement))
    assert date.today() - timedelta(days=60) <= latest <= date.today()


def test_a_report_keeps_a_thousand_warnings_and_counts_the_rest():
    from app.importers.report import MAX_WARNINGS, ImportReport

    report = ImportReport()
    for i in range(MAX_WARNINGS + 5):
        report.warn(("body", i), "odd")
    warnings = report.as_dict()["warnings"]
    assert len(warnings) == MAX_WARNINGS + 1
    assert warnings[-1] == {"loc": [], "msg": "… and 5 more warnings"}
