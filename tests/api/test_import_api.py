"""POST /api/v1/partnerships/{pid}/import with every sample of data/samples (both databases).

Each sample imports with exact counts; a second import changes nothing (not even the revision);
an edited file updates exactly the edited records; each malformed variant gets every error at its
place in the document and leaves every table and the revision as they were.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from app.importers.salesforce import id18
from tests.factories import add_member, table_counts

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
KINDS = ("organisations", "people", "groups", "ties", "engagements")


def counts(organisations=0, people=0, groups=0, ties=0, engagements=0) -> dict:
    return dict(zip(KINDS, (organisations, people, groups, ties, engagements), strict=True))


#: format → (records the sample creates, the warnings it gives)
EXPECTED = {
    "stakemap": (counts(3, 5, 1, 4, 4), []),
    "salesforce": (
        counts(4, 8, 0, 2, 6),
        [
            (["body", "accounts", "records", 3, "Industry"],
             "unknown industry or type 'Aerospace & Defense': sector set to other"),
            (["body", "tasks", "records", 3],
             "open task skipped: it is not an engagement until it is done"),
        ],
    ),
    "hubspot": (
        counts(4, 8, 0, 0, 5),
        [
            (["body", "companies", "results", 3, "properties", "industry"],
             "unknown industry or type 'MARITIME': sector set to other"),
        ],
    ),
    "kumu": (
        counts(3, 4, 1, 5, 0),
        [
            (["body", "connections", 8, "attributes", "connection type"],
             "unknown connection type 'Shares office': collaborates"),
        ],
    ),
}  # fmt: skip
FORMATS = tuple(EXPECTED)


def sample(fmt: str) -> dict:
    return json.loads((SAMPLES / f"{fmt}.json").read_text(encoding="utf-8"))


def post(api, pid: int, doc, fmt: str | None = None, status: int = 200, **params):
    if fmt is not None:
        params["format"] = fmt
    body = doc if isinstance(doc, bytes) else json.dumps(doc).encode()
    r = api.post(
        f"/partnerships/{pid}/import",
        params=params,
        content=body,
        headers={"content-type": "application/json"},
    )
    assert r.status_code == status, (r.status_code, r.text)
    return r.json()


def sub(a: dict, b: dict) -> dict:
    return {k: a[k] - b[k] for k in a}


@pytest.mark.parametrize("fmt", FORMATS)
def test_sample_imports_with_exact_counts_then_changes_nothing(api, fmt):
    pid = api.partnership()["id"]
    created, warnings = EXPECTED[fmt]
    first = post(api, pid, sample(fmt), fmt)
    assert first == {
        "dry_run": False,
        "created": created,
        "updated": counts(),
        "unchanged": counts(),
        "warnings": [{"loc": loc, "msg": msg} for loc, msg in warnings],
    }
    assert api.revision(pid) == 1
    listed = api.ok("GET", f"/partnerships/{pid}/stakeholders", params={"limit": 500})
    kinds = [s["kind"] for s in listed["data"]]
    assert kinds.count("organisation") == created["organisations"]
    assert kinds.count("person") == created["people"]
    assert kinds.count("group") == created["groups"]
    assert api.ok("GET", f"/partnerships/{pid}/ties")["count"] == created["ties"]
    assert api.ok("GET", f"/partnerships/{pid}/engagements")["count"] == created["engagements"]
    before = table_counts(api.engine)

    again = post(api, pid, sample(fmt), fmt)
    assert again["created"] == counts()
    assert again["updated"] == counts()
    assert again["unchanged"] == created
    assert api.revision(pid) == 1  # a no-op import leaves the revision alone
    after = table_counts(api.engine)
    assert after.pop("audit_log", 0) == before.pop("audit_log", 0)
    assert after == before


@pytest.mark.parametrize("fmt", FORMATS)
def test_dry_run_reports_the_same_and_writes_nothing(api, fmt):
    pid = api.partnership()["id"]
    before = table_counts(api.engine)
    dry = post(api, pid, sample(fmt), fmt, dry_run="true")
    assert dry["dry_run"] is True
    assert table_counts(api.engine) == before
    assert api.revision(pid) == 0
    real = post(api, pid, sample(fmt), fmt)
    assert {**dry, "dry_run": False} == real


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_format_is_detected_when_not_given(api, fmt):
    pid = api.partnership()["id"]
    assert post(api, pid, sample(fmt))["created"] == EXPECTED[fmt][0]


def edit_stakemap(doc):
    s = {x.get("external_id"): x for x in doc["stakeholders"]}
    s["crm-o-003"]["influence"] = 4
    s["crm-p-005"]["role"] = "Senior Tenancy Enforcement Officer"
    doc["ties"][1]["strength"] = 5
    doc["engagements"][2]["summary"] = "Hotspot data for October and November"
    return counts(1, 1, 0, 1, 1)


def edit_salesforce(doc):
    doc["accounts"]["records"][1]["Description"] = "Two acute sites."
    doc["contacts"]["records"][3]["Title"] = "Head of Discharge"
    contact = doc["contacts"]["records"][1]
    contact["ReportsToId"] = doc["contacts"]["records"][2]["Id"]  # the tie's target moves
    doc["events"]["records"][1]["Subject"] = "Winter pressures workshop (rescheduled)"
    return counts(1, 1, 0, 1, 1)


def edit_hubspot(doc):
    doc["companies"]["results"][1]["properties"]["description"] = "Community services trust."
    doc["contacts"]["results"][4]["properties"]["jobtitle"] = "Volunteer Manager"
    doc["calls"]["results"][0]["properties"]["hs_call_title"] = "Hospital discharges"
    return counts(1, 1, 0, 0, 1)


def edit_kumu(doc):
    doc["elements"][2]["attributes"]["description"] = "Eight GP practices."
    doc["elements"][7]["attributes"]["role"] = "Clinical Lead"
    doc["connections"][4]["attributes"]["strength"] = 2
    return counts(1, 1, 0, 1, 0)


EDITS = {"stakemap": edit_stakemap, "salesforce": edit_salesforce, "hubspot": edit_hubspot,
         "kumu": edit_kumu}  # fmt: skip


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_edited_file_updates_exactly_the_edited_records(api, fmt):
    pid = api.partnership()["id"]
    post(api, pid, sample(fmt), fmt)
    doc = sample(fmt)
    updated = EDITS[fmt](doc)
    report = post(api, pid, doc, fmt)
    assert report["created"] == counts()
    assert report["updated"] == updated
    assert report["unchanged"] == sub(EXPECTED[fmt][0], updated)
    assert api.revision(pid) == 2
    assert post(api, pid, doc, fmt)["unchanged"] == EXPECTED[fmt][0]
    assert api.revision(pid) == 2


SF = sample("salesforce")
SF_CONTACT = ["body", "contacts", "records"]


def _bad(fmt: str, change) -> dict:
    doc = copy.deepcopy(sample(fmt))
    change(doc)
    return doc


def _set(path: list, value):
    def change(doc):
        target = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def _all(*changes):
    def change(doc):
        for c in changes:
            c(doc)

    return change


NOBODY = id18("001Wx00000Zz999")
MALFORMED = {
    # a contact whose account (organisation) is missing
    "stakemap-missing-organisation": (
        "stakemap",
        _set(["stakeholders", 7, "organisation"], "crm-o-999"),
        [(["body", "stakeholders", 7, "organisation"], "value_error", "unknown stakeholder")],
    ),
    "salesforce-missing-account": (
        "salesforce",
        _set(["contacts", "records", 4, "AccountId"], NOBODY),
        [([*SF_CONTACT, 4, "AccountId"], "value_error", f"salesforce:{NOBODY}")],
    ),
    "hubspot-missing-company": (
        "hubspot",
        _all(
            _set(["contacts", "results", 5, "associations", "companies", "results", 0, "id"],
                 "9999"),
            _set(["contacts", "results", 5, "properties", "associatedcompanyid"], "9999"),
        ),
        [(["body", "contacts", "results", 5, "associations", "companies", "results", 0, "id"],
          "value_error", "hubspot:company:9999")],
    ),
    "kumu-missing-element": (
        "kumu",
        _set(["connections", 6, "to"], "elem-nobody"),
        [(["body", "connections", 6, "to"], "value_error", "elem-nobody")],
    ),
    # a duplicated external_id
    "stakemap-duplicate": (
        "stakemap",
        _set(["ties", 1, "external_id"], "crm-t-001"),
        [(["body", "ties", 1, "external_id"], "value_error", "duplicated external_id")],
    ),
    "salesforce-duplicate": (
        "salesforce",
        _set(["users", "records", 1, "Id"], SF["users"]["records"][0]["Id"]),
        [(["body", "users", "records", 1, "Id"], "value_error", "duplicated external_id")],
    ),
    "hubspot-duplicate": (
        "hubspot",
        _set(["contacts", "results", 4, "id"], "504"),
        [(["body", "contacts", "results", 4, "id"], "value_error", "duplicated external_id")],
    ),
    "kumu-duplicate": (
        "kumu",
        _set(["connections", 5, "_id"], "conn-c01"),
        [(["body", "connections", 5, "_id"], "value_error", "duplicated external_id")],
    ),
    # a self-tie
    "stakemap-self-tie": (
        "stakemap",
        _set(["ties", 0, "target"], "crm-p-002"),
        [(["body", "ties", 0, "target"], "value_error", "two different stakeholders")],
    ),
    "salesforce-self-tie": (
        "salesforce",
        _set(["contacts", "records", 1, "ReportsToId"], SF["contacts"]["records"][1]["Id"]),
        [([*SF_CONTACT, 1, "ReportsToId"], "value_error", "two different stakeholders")],
    ),
    "kumu-self-tie": (
        "kumu",
        _set(["connections", 4, "to"], "elem-per02"),
        [(["body", "connections", 4, "to"], "value_error", "two different stakeholders")],
    ),
    # a malformed date
    "stakemap-date": (
        "stakemap",
        _set(["engagements", 0, "occurred_on"], "2026-13-40"),
        [(["body", "engagements", 0, "occurred_on"], "date_from_datetime_parsing", "")],
    ),
    "stakemap-date-as-number": (
        "stakemap",
        _set(["ties", 1, "valid_from"], 20250401),
        [(["body", "ties", 1, "valid_from"], "value_error", "YYYY-MM-DD")],
    ),
    "salesforce-date": (
        "salesforce",
        _set(["tasks", "records", 0, "ActivityDate"], "07/10/2026"),
        [(["body", "tasks", "records", 0, "ActivityDate"], "date_parsing", "'07/10/2026'")],
    ),
    "hubspot-date": (
        "hubspot",
        _set(["meetings", "results", 0, "properties", "hs_timestamp"], "last tuesday"),
        [(["body", "meetings", "results", 0, "properties", "hs_timestamp"], "date_parsing",
          "'last tuesday'")],
    ),
    # a wrong type
    "stakemap-type": (
        "stakemap",
        _set(["stakeholders", 3, "influence"], "high"),
        [(["body", "stakeholders", 3, "influence"], "int_type", "")],
    ),
    "salesforce-type": (
        "salesforce",
        _set(["contacts", "records", 0, "HasOptedOutOfEmail"], "yes"),
        [([*SF_CONTACT, 0, "HasOptedOutOfEmail"], "bool_type", "true or false")],
    ),
    "hubspot-type": (
        "hubspot",
        _set(["companies", "results", 0, "properties", "name"], {"value": "Council"}),
        [(["body", "companies", "results", 0, "properties", "name"], "string_type", "an object")],
    ),
    "kumu-type": (
        "kumu",
        _set(["connections", 4, "attributes", "strength"], "strong"),
        [(["body", "connections", 4, "attributes", "strength"], "float_parsing", "1 to 5")],
    ),
    # several at once: every one is reported
    "stakemap-several": (
        "stakemap",
        _all(
            _set(["ties", 0, "target"], "crm-p-002"),
            _set(["engagements", 0, "occurred_on"], "2026-13-40"),
            _set(["stakeholders", 3, "influence"], "high"),
            _set(["stakeholders", 7, "organisation"], "crm-o-999"),
        ),
        [
            (["body", "stakeholders", 3, "influence"], "int_type", ""),
            (["body", "engagements", 0, "occurred_on"], "date_from_datetime_parsing", ""),
            (["body", "stakeholders", 7, "organisation"], "value_error", "crm-o-999"),
            (["body", "ties", 0, "target"], "value_error", "two different stakeholders"),
        ],
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_a_malformed_document_gets_every_error_located_and_writes_nothing(api, case):
    fmt, change, expected = MALFORMED[case]
    pid = api.partnership()["id"]
    post(api, pid, sample(fmt), fmt)
    before, revision = table_counts(api.engine), api.revision(pid)
    for dry_run in ("false", "true"):
        detail = post(api, pid, _bad(fmt, change), fmt, status=422, dry_run=dry_run)["detail"]
        assert [(d["loc"], d["type"]) for d in detail] == [(loc, t) for loc, t, _ in expected]
        for d, (_, _, words) in zip(detail, expected, strict=True):
            assert words in d["msg"]
    assert table_counts(api.engine) == before
    assert api.revision(pid) == revision


def test_a_malformed_document_into_an_empty_partnership_writes_nothing(api):
    pid = api.partnership()["id"]
    before = table_counts(api.engine)
    post(api, pid, _bad("salesforce", MALFORMED["salesforce-missing-account"][1]), status=422)
    assert table_counts(api.engine) == before
    assert api.revision(pid) == 0


def test_an_unknown_format_is_refused_naming_format(api):
    pid = api.partnership()["id"]
    before = table_counts(api.engine)
    detail = post(api, pid, sample("stakemap"), "excel", status=422)["detail"]
    assert [d["loc"] for d in detail] == [["query", "format"]]
    detail = post(api, pid, {"hello": "world"}, status=422)["detail"]
    assert [d["loc"] for d in detail] == [["query", "format"]]
    assert "cannot tell" in detail[0]["msg"]
    detail = post(api, pid, sample("hubspot"), "kumu", status=422)["detail"]
    assert [(d["loc"], d["type"]) for d in detail] == [(["body"], "missing")]
    assert table_counts(api.engine) == before


BAD_BODIES = {
    "not-json": (b"name,kind\nCouncil,organisation\n", "json_invalid"),
    "truncated": (b'{"format": "stakemap/v1", "stakeholders": [', "json_invalid"),
    "nan": (b'{"format": "stakemap/v1", "stakeholders": [], "x": NaN}', "json_invalid"),
    "infinity": (b'{"format": "stakemap/v1", "ties": [{"strength": -Infinity}]}', "json_invalid"),
    "huge-number": (b'{"format": "stakemap/v1", "ties": [{"strength": 1e400}]}', "json_invalid"),
    "deep": (b'{"format": "stakemap/v1", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
             "json_too_deep"),
    "deep-but-under-the-recursion-limit": (b"[" * 900 + b"]" * 900, "json_too_deep"),
    "empty": (b"", "json_invalid"),
    "not-utf8": (b'{"format": "\xff\xfe"}', "json_invalid"),
    "an-array": (b"[1, 2, 3]", "dict_type"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(BAD_BODIES))
def test_a_body_that_is_not_clean_json_gets_422(api, case):
    body, kind = BAD_BODIES[case]
    pid = api.partnership()["id"]
    before = table_counts(api.engine)
    detail = post(api, pid, body, "stakemap", status=422)["detail"]
    assert [(d["loc"], d["type"]) for d in detail] == [(["body"], kind)]
    assert table_counts(api.engine) == before


def test_a_body_over_the_limit_gets_413(api):
    pid = api.partnership()["id"]
    body = json.dumps({"format": "stakemap/v1", "stakeholders": [], "x": "y" * 300_000})
    post(api, pid, body.encode(), "stakemap", status=413)


def test_importing_needs_the_editor_role(api):
    pid = api.partnership()["id"]
    viewer = api.as_user("viewer@example.org")
    add_member(api.engine, pid, viewer.user_id, "viewer")
    post(viewer, pid, sample("stakemap"), "stakemap", status=403)
    editor = api.as_user("editor@example.org")
    add_member(api.engine, pid, editor.user_id, "editor")
    post(editor, pid, sample("stakemap"), "stakemap", dry_run="true")
    read_only = api.as_user("robot@example.org", read_only=True)
    add_member(api.engine, pid, read_only.user_id, "owner")
    post(read_only, pid, sample("stakemap"), "stakemap", status=403)
    outsider = api.as_user("outsider@example.org")
    post(outsider, pid, sample("stakemap"), "stakemap", status=404)
    assert api.revision(pid) == 0


def test_crm_ids_are_namespaced_per_source(api):
    """A Salesforce and a HubSpot export in one partnership: nothing collides or is merged."""
    pid = api.partnership()["id"]
    totals = counts()
    for fmt in ("salesforce", "hubspot", "kumu", "stakemap"):
        totals = {k: totals[k] + v for k, v in post(api, pid, sample(fmt), fmt)["created"].items()}
    assert totals == counts(14, 25, 2, 11, 15)
    external = [
        s["external_id"]
        for s in api.ok("GET", f"/partnerships/{pid}/stakeholders", params={"limit": 500})["data"]
        if s["external_id"]
    ]
    assert len(external) == len(set(external))
    prefixes = {e.split(":")[0] for e in external if ":" in e}
    assert prefixes == {"salesforce", "hubspot", "kumu"}
    for fmt in ("salesforce", "hubspot", "kumu", "stakemap"):
        assert post(api, pid, sample(fmt), fmt)["unchanged"] == EXPECTED[fmt][0]
