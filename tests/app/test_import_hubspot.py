"""The HubSpot reader: CRM v3 object pages → stakeholders and engagements."""

from __future__ import annotations

from datetime import date

from app.importers.hubspot import read
from app.importers.mapping import sector_for
from app.importers.plan import HUB, UNSET


def obj(hid, assoc=None, **props) -> dict:
    out = {"id": str(hid), "properties": props, "archived": False}
    if assoc:
        out["associations"] = {
            kind: {"results": [{"id": str(i), "type": t} for i, t in items]}
            for kind, items in assoc.items()
        }
    return out


def page(*results, after=None) -> dict:
    out = {"results": list(results)}
    if after:
        out["paging"] = {"next": {"after": after, "link": f"?after={after}"}}
    return out


OWNER = {"id": "11", "email": "sam@example.org", "firstName": "Sam", "lastName": "Carter"}


def doc(**pages) -> dict:
    base = {
        "owners": page(OWNER),
        "companies": page(obj(1, name="Council", industry="GOVERNMENT_ADMINISTRATION",
                              hubspot_owner_id="11")),
        "contacts": page(obj(5, {"companies": [(1, "contact_to_company")]}, firstname="Helen",
                             lastname="Ash", email="helen@example.org", jobtitle="Director")),
    }  # fmt: skip
    base.update(pages)
    return base


def test_owners_companies_and_contacts():
    plan = read(doc(), {})
    owner, company, contact = plan.stakeholders
    assert (owner.external_id, owner.kind, owner.organisation, owner.values) == (
        "hubspot:owner:11", "person", HUB, {"name": "Sam Carter", "email": "sam@example.org"},
    )  # fmt: skip
    assert (company.external_id, company.values, company.owner) == (
        "hubspot:company:1", {"name": "Council", "sector": "local_government"},
        "hubspot:owner:11",
    )  # fmt: skip
    assert (contact.external_id, contact.organisation, contact.values) == (
        "hubspot:contact:5", "hubspot:company:1",
        {"name": "Helen Ash", "role": "Director", "email": "helen@example.org"},
    )  # fmt: skip
    assert plan.problems == [] and plan.warnings == []


def test_the_primary_company_is_the_organisation():
    def company_of(contact):
        plan = read(doc(contacts=page(contact)), {"hubspot:company:2": "organisation",
                                                  "hubspot:company:3": "organisation"})  # fmt: skip
        return plan.stakeholders[-1].organisation, [m for _, m in plan.warnings]

    both = {"companies": [(2, "contact_to_company_unlabeled"), (3, "contact_to_company")]}
    assert company_of(obj(5, both, firstname="A")) == ("hubspot:company:3", [])
    assert company_of(obj(5, {"companies": [(2, "x"), (2, "y")]}, firstname="A")) == (
        "hubspot:company:2", [],
    )  # fmt: skip
    assert company_of(obj(5, firstname="A", associatedcompanyid="3")) == ("hubspot:company:3", [])
    several = company_of(obj(5, {"companies": [(2, "x"), (3, "y")]}, firstname="A"))
    assert several == (
        "hubspot:company:2",
        ["several companies and no primary one: the first is the organisation"],
    )
    assert company_of(obj(5, {"companies": []}, firstname="A")) == (None, [])
    assert company_of(obj(5, firstname="A")) == (UNSET, [])
    # A company that lists the contact, when the contact lists none.
    plan = read(doc(companies=page(obj(1, {"contacts": [(6, "company_to_contact")]}, name="C")),
                    contacts=page(obj(6, firstname="B"))), {})  # fmt: skip
    assert plan.stakeholders[-1].organisation == "hubspot:company:1"


def test_engagements_channels_and_participants():
    meeting = obj(
        70,
        {"contacts": [(5, "meeting_event_to_contact"), (99, "meeting_event_to_contact")],
         "companies": [(1, "meeting_event_to_company")]},
        hs_timestamp="2026-09-08T23:30:00Z", hs_meeting_title="Steering group",
        hubspot_owner_id="11", hs_attendee_owner_ids="12;11",
    )  # fmt: skip
    video = obj(71, {"contacts": [(5, "x")]}, hs_timestamp="1789000000000",
                hs_meeting_title=None, hs_meeting_body="<p>Online &amp; brief</p>",
                hubspot_owner_id="11", hs_activity_type="Video call")  # fmt: skip
    call = obj(72, {"companies": [(1, "call_to_company")]}, hs_timestamp="2026-10-01T10:00:00Z",
               hs_call_title="Catch-up", hubspot_owner_id="11")  # fmt: skip
    email = obj(73, {"contacts": [(5, "x")]}, hs_timestamp="2026-10-02T10:00:00Z",
                hs_email_subject="Papers")  # fmt: skip
    plan = read(doc(meetings=page(meeting, video), calls=page(call), emails=page(email)), {})
    m, v, c = plan.engagements
    assert (m.external_id, m.participants, m.values) == (
        "hubspot:meeting:70", ["hubspot:owner:11", "hubspot:contact:5"],
        {"occurred_on": date(2026, 9, 8), "channel": "meeting", "summary": "Steering group"},
    )  # fmt: skip
    assert (v.values["channel"], v.values["summary"], v.values["occurred_on"]) == (
        "video", "Online & brief", date(2026, 9, 10),
    )  # fmt: skip
    assert (c.values["channel"], c.participants) == (
        "call", ["hubspot:owner:11", "hubspot:company:1"],
    )  # fmt: skip
    assert [m for _, m in plan.warnings] == [
        "owner:12 is not in the document or the partnership",
        "contact:99 is not in the document or the partnership",
        "email skipped: fewer than two known participants",
    ]


def test_notes_become_the_notes_of_their_contacts_and_companies():
    notes = page(
        obj(80, {"contacts": [(5, "note_to_contact")]}, hs_timestamp="2026-10-02T08:00:00Z",
            hs_note_body="<div><p>Second &amp; later</p></div>"),
        obj(81, {"contacts": [(5, "note_to_contact")], "companies": [(1, "x")]},
            hs_timestamp="2026-09-01T08:00:00Z", hs_note_body="First<br>line two"),
        obj(82, {"companies": [(1, "note_to_company")]}, hs_timestamp="2026-09-05T08:00:00Z",
            hs_note_body="About the council"),
        obj(83, {"contacts": [(77, "note_to_contact")]}, hs_timestamp="2026-09-05T08:00:00Z",
            hs_note_body="Someone else"),
    )  # fmt: skip
    companies = page(obj(1, name="Council", description="Lead council."), obj(2, name="Other"))
    plan = read(doc(notes=notes, companies=companies), {})
    by_ext = {s.external_id: s for s in plan.stakeholders}
    assert by_ext["hubspot:contact:5"].values["notes"] == (
        "2026-09-01: First\nline two\n\n2026-10-02: Second & later"
    )
    assert (
        by_ext["hubspot:company:1"].values["notes"]
        == "Lead council.\n\n2026-09-05: About the council"
    )
    assert by_ext["hubspot:company:2"].values["notes"] == ""
    assert plan.warnings == [
        (
            ("body", "notes", "results", 3),
            "note for no contact or company in this document: not imported",
        )
    ]
    assert "notes" not in read(doc(), {}).stakeholders[-1].values  # no notes page: left as stored


def test_pages_paging_archived_and_unknown_objects():
    plan = read(
        {"contacts": [page(obj(5, firstname="A"), after="x1"), page(obj(6, firstname="B"))],
         "companies": page(obj(1, name="C"), after="NTI1"),
         "deals": page(obj(9, dealname="D")),
         "owners": page({**OWNER, "archived": True})},
        {},
    )  # fmt: skip
    assert [s.external_id for s in plan.stakeholders] == [
        "hubspot:company:1", "hubspot:contact:5", "hubspot:contact:6",
    ]  # fmt: skip
    assert [loc for loc, _ in plan.warnings] == [
        ("body", "companies", "paging", "next"),
        ("body", "deals"),
        ("body", "owners", "results", 0),
    ]


def test_names_fall_back_with_a_warning():
    plan = read({"contacts": page(obj(5, email="x@example.org"), obj(6, firstname=None)),
                 "companies": page(obj(1, name=None, domain="council.gov.uk"), obj(2, name=""))},
                {})  # fmt: skip
    names = [s.values["name"] for s in plan.stakeholders]
    assert names == ["council.gov.uk", "Company 2", "x@example.org", "Contact 6"]
    assert len(plan.warnings) == 2


def test_malformed_pages_are_errors_at_their_place():
    plan = read(
        {"contacts": page({"id": {"no": 1}, "properties": {}}, {"id": "5", "properties": []},
                          obj(6, hs_email_optout="maybe", firstname="Q"),
                          {"id": "7", "properties": {}, "associations": {"companies": [1]}}),
         "meetings": page(obj(70, hs_meeting_title="No date")),
         "calls": {"items": []}},
        {},
    )  # fmt: skip
    assert [(p.loc, p.type) for p in plan.problems] == [
        (("body", "contacts", "results", 0, "id"), "string_type"),
        (("body", "contacts", "results", 1, "properties"), "dict_type"),
        (("body", "calls"), "dict_type"),
        (("body", "contacts", "results", 2, "properties", "hs_email_optout"), "bool_type"),
        (("body", "contacts", "results", 3, "associations", "companies"), "dict_type"),
        (("body", "meetings", "results", 0, "properties", "hs_timestamp"), "missing"),
    ]
    assert read({"tickets": page()}, {}).problems[0].type == "missing"


def test_hubspot_industries():
    assert sector_for("HOSPITAL_HEALTH_CARE") == "health"
    assert sector_for("NON_PROFIT_ORGANIZATION_MANAGEMENT") == "voluntary_community"
    assert sector_for("HIGHER_EDUCATION") == "education"
    assert sector_for("LAW_ENFORCEMENT") == "police_justice"
    assert sector_for("COMPUTER_SOFTWARE") == "private"
    assert sector_for("MARITIME") is None
