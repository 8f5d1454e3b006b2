"""The Salesforce reader: REST query results → stakeholders, ties and engagements."""

from __future__ import annotations

import pytest

from app.importers.mapping import CHANNELS, SECTORS, channel_for, normalise, sector_for
from app.importers.plan import HUB, UNSET
from app.importers.salesforce import id18, read

P = "salesforce:"


def sid(prefix: str, n: int) -> str:
    return id18(f"{prefix}Ab0000{n:05d}C")


U, A, C, E, T = (sid(p, 1) for p in ("005", "001", "003", "00U", "00T"))
C2, LEAD = sid("003", 2), sid("00Q", 1)


def rec(kind: str, rid: str, **fields) -> dict:
    return {"attributes": {"type": kind, "url": f"/services/data/v60.0/sobjects/{kind}/{rid}"},
            "Id": rid, **fields}  # fmt: skip


def result(*records, done=True, **extra) -> dict:
    return {"totalSize": len(records), "done": done, "records": list(records), **extra}


def base() -> list[dict]:
    return [
        rec("User", U, Name="Priya Raman", Email="priya@example.org", Title="Manager"),
        rec("Account", A, Name="Council", Industry="Government", OwnerId=U),
        rec("Contact", C, FirstName="Dana", LastName="Smith", AccountId=A, OwnerId=U),
    ]


def plan_of(*records, known=None, **results):
    doc = results or result(*records)
    return read(doc, known or {})


def test_ids_are_made_18_characters_and_namespaced():
    assert id18("001Ab0000000001") == "001Ab0000000001IAA"
    assert id18("001ab0000000001") == "001ab0000000001AAA"
    assert id18("001AB0000000001") == "001AB0000000001YAA"
    assert id18("001AB0000000001YAA") == "001AB0000000001YAA"
    short = C[:15]
    plan = plan_of(
        *base(), rec("Contact", C2, LastName="Omar", AccountId=A[:15], ReportsToId=short)
    )
    omar = plan.stakeholders[-1]
    assert omar.external_id == P + C2
    assert omar.organisation == P + A
    (tie,) = plan.ties
    assert (tie.source, tie.target, tie.external_id, tie.values) == (
        P + C2, P + C, f"{P}{C2}:reports_to", {"kind": "reports_to"},
    )  # fmt: skip


def test_users_accounts_and_contacts():
    plan = plan_of(*base())
    user, account, contact = plan.stakeholders
    assert (user.kind, user.organisation, user.values) == (
        "person", HUB, {"name": "Priya Raman", "role": "Manager", "email": "priya@example.org"},
    )  # fmt: skip
    assert (account.kind, account.values, account.owner) == (
        "organisation", {"name": "Council", "sector": "local_government"}, P + U,
    )  # fmt: skip
    assert (contact.values, contact.organisation) == ({"name": "Dana Smith"}, P + A)
    assert plan.problems == [] and plan.warnings == []


def test_nested_subqueries_fill_the_parent_reference():
    account = rec("Account", A, Name="Council",
                  Contacts=result(rec("Contact", C, LastName="Smith")))  # fmt: skip
    event = rec("Event", E, Subject="Board", StartDateTime="2026-03-02T09:00:00.000+0000",
                OwnerId=U, EventRelations=result(rec("EventRelation", sid("0RE", 1),
                                                     RelationId=C, Status="Accepted")))  # fmt: skip
    plan = read(result(rec("User", U, Name="P"), account, event), {})
    assert plan.stakeholders[-1].organisation == P + A
    (e,) = plan.engagements
    assert e.participants == [P + U, P + C]
    assert e.values["occurred_on"].isoformat() == "2026-03-02"


def test_event_participants():
    relations = [
        rec("EventRelation", sid("0RE", i), EventId=E, RelationId=r, Status=s, IsWhat=w)
        for i, (r, s, w) in enumerate(
            [(C2, "Accepted", False), (LEAD, "Accepted", False), (C, "Declined", False),
             (A, "New", True)], 1)
    ]  # fmt: skip
    event = rec("Event", E, Subject="Visit", ActivityDate="2026-04-01", OwnerId=U, WhoId=C,
                WhatId=sid("006", 1), Type="Face to face")  # fmt: skip
    child = rec("Event", sid("00U", 2), IsChild=True, ActivityDate="2026-04-01", OwnerId=U)
    plan = read(
        {"people": result(*base(), rec("Contact", C2, LastName="Two", AccountId=A)),
         "events": result(event, child), "relations": result(*relations)},
        {},
    )  # fmt: skip
    (e,) = plan.engagements
    assert e.participants == [P + U, P + C, P + C2]  # declined C is still the Who
    assert e.values["channel"] == "face_to_face"
    assert plan.warnings == [
        (("body", "relations", "records", 1, "RelationId"),
         f"{LEAD} is not in the document or the partnership"),
    ]  # fmt: skip


def test_an_account_alone_with_the_hub_is_a_participant():
    task = rec("Task", T, Subject="Call", Type="Call", ActivityDate="2026-05-01", OwnerId=U,
               WhatId=A, Status="Completed", IsClosed=True)  # fmt: skip
    (e,) = plan_of(*base(), task).engagements
    assert e.participants == [P + U, P + A]
    alone = rec("Task", T, ActivityDate="2026-05-01", OwnerId=U, TaskSubtype="Call")
    plan = plan_of(*base(), alone)
    assert plan.engagements == []
    assert plan.warnings == [
        (("body", "records", 3), "Task skipped: fewer than two known participants")
    ]


@pytest.mark.parametrize(
    ("fields", "channel", "warned"),
    [
        ({"Type": "Call"}, "call", False),
        ({"Type": "Send Letter"}, "letter", False),
        ({"TaskSubtype": "Email"}, "email", False),
        ({"TaskSubtype": "ListEmail"}, "newsletter", False),
        ({"TaskSubtype": "LinkedIn"}, "social_media", False),
        ({"Type": "Meeting", "TaskSubtype": "Email"}, "meeting", False),
        ({"TaskSubtype": "Task"}, "meeting", True),
        ({"Type": "Other"}, "meeting", True),
        ({}, "meeting", True),
    ],
)
def test_task_channels(fields, channel, warned):
    task = rec("Task", T, ActivityDate="2026-05-01", OwnerId=U, WhoId=C, **fields)
    plan = plan_of(*base(), task)
    assert plan.engagements[0].values["channel"] == channel
    assert bool(plan.warnings) == warned


def test_open_deleted_and_unknown_records_are_skipped_with_warnings():
    plan = read(
        result(*base(),
               rec("Task", T, ActivityDate="2026-05-01", OwnerId=U, WhoId=C, Status="Not Started"),
               rec("Task", sid("00T", 2), ActivityDate="2026-05-01", OwnerId=U, WhoId=C,
                   IsDeleted=True),
               rec("Lead", LEAD, LastName="Lee"), rec("Lead", sid("00Q", 2), LastName="Lee"),
               rec("Opportunity", sid("006", 1), Name="Deal"),
               done=False, nextRecordsUrl="/services/data/v60.0/query/01g-2000"),
        {},
    )  # fmt: skip
    assert plan.engagements == []
    assert [msg for _, msg in plan.warnings] == [
        "this result is incomplete (done is false, next page /services/data/v60.0/query/01g-2000):"
        " fetch every page before importing",
        "2 Lead record(s) not imported: Stakemap reads Account, Contact, User, Event, Task, "
        "EventRelation",
        "1 Opportunity record(s) not imported: Stakemap reads Account, Contact, User, Event, "
        "Task, EventRelation",
        "open task skipped: it is not an engagement until it is done",
        "deleted Task skipped",
    ]  # fmt: skip


def test_an_owner_nobody_knows_is_left_out_with_a_warning():
    plan = plan_of(rec("Account", A, Name="Council", OwnerId=sid("005", 9)))
    (account,) = plan.stakeholders
    assert account.owner is UNSET
    assert plan.warnings == [
        (
            ("body", "records", 0, "OwnerId"),
            f"owner {sid('005', 9)} is not in the document or the partnership",
        )
    ]
    known = {P + sid("005", 9): "person"}
    assert plan_of(rec("Account", A, Name="C", OwnerId=sid("005", 9)), known=known).warnings == []


def test_fields_not_queried_are_left_as_stored():
    plan = plan_of(rec("Contact", C, AccountId=A))
    (contact,) = plan.stakeholders
    assert contact.values == {} and contact.owner is UNSET
    plan = plan_of(rec("Contact", C, LastName="X", Title=None, Email=None, AccountId=None,
                       HasOptedOutOfEmail=True, Description=None))  # fmt: skip
    (contact,) = plan.stakeholders
    assert contact.values == {"name": "X", "role": None, "email": None, "notes": "",
                              "contact_permitted": False}  # fmt: skip
    assert contact.organisation is None


def test_malformed_records_are_errors_at_their_place():
    plan = read(
        {"a": result(rec("Account", "not-an-id", Name="X"), {"Id": A}, "oops",
                     rec("Contact", C, LastName=5, Email="not an email", AccountId="bad"),
                     rec("Event", E, OwnerId=U, WhoId=C)),
         "b": {"records": "none"}, "c": [result(), {"done": True}]},
        {},
    )  # fmt: skip
    assert [(p.loc, p.type) for p in plan.problems] == [
        (("body", "a", "records", 0, "Id"), "value_error"),
        (("body", "a", "records", 1, "attributes", "type"), "missing"),
        (("body", "a", "records", 2), "dict_type"),
        (("body", "b", "records"), "list_type"),
        (("body", "c", 1), "dict_type"),
        (("body", "a", "records", 3, "LastName"), "string_type"),
        (("body", "a", "records", 3, "AccountId"), "value_error"),
        (("body", "a", "records", 4, "StartDateTime"), "missing"),
    ]
    assert ("body", "a", "records", 3, "Email") in [loc for loc, _ in plan.warnings]
    assert read([], {}).problems[0].loc == ("body",)


SALESFORCE_INDUSTRIES = (
    "Agriculture", "Apparel", "Banking", "Biotechnology", "Chemicals", "Communications",
    "Construction", "Consulting", "Education", "Electronics", "Energy", "Engineering",
    "Entertainment", "Environmental", "Finance", "Food & Beverage", "Government", "Healthcare",
    "Hospitality", "Insurance", "Machinery", "Manufacturing", "Media", "Not For Profit", "Other",
    "Recreation", "Retail", "Shipping", "Technology", "Telecommunications", "Transportation",
    "Utilities",
)  # fmt: skip


def test_every_standard_salesforce_industry_has_a_sector():
    assert {i: sector_for(i) for i in SALESFORCE_INDUSTRIES if sector_for(i) is None} == {}
    assert sector_for("Government") == "local_government"
    assert sector_for("Healthcare") == "health"
    assert sector_for("Not For Profit") == "voluntary_community"
    assert sector_for("Education") == "education"
    assert sector_for("Banking") == "private"
    assert sector_for("Other") == "other"


def test_sector_from_industry_then_a_non_standard_type():
    def sector(**fields):
        plan = plan_of(rec("Account", A, Name="X", **fields))
        return plan.stakeholders[0].values.get("sector", "absent"), [m for _, m in plan.warnings]

    assert sector(Industry="Healthcare", Type="Charity") == ("health", [])
    assert sector(Type="Charity") == ("voluntary_community", [])
    assert sector(Type="Customer") == ("absent", [])
    assert sector(Industry=None) == (None, [])
    assert sector(Industry="Aerospace") == (
        "other", ["unknown industry or type 'Aerospace': sector set to other"],
    )  # fmt: skip


def test_the_tables_cover_stakemaps_own_values():
    for sector in set(SECTORS.values()):
        assert sector_for(sector) == sector
    for channel in set(CHANNELS.values()):
        assert channel_for(channel) == channel
    assert normalise("  Face-to-Face ") == "face to face"
