"""CRUD through /api/v1 for partnerships, stakeholders, ties and engagements (both databases)."""

from __future__ import annotations

from tests.factories import tiny_partnership


def test_create_partnership_makes_its_hub_and_owner(api):
    p = api.partnership("Northbrook Health and Care")
    assert p["name"] == "Northbrook Health and Care"
    assert p["revision"] == 0
    assert p["role"] == "owner"
    hub = api.ok("GET", f"/partnerships/{p['id']}/stakeholders/{p['hub_id']}")
    assert hub["kind"] == "hub"
    assert hub["name"] == "Northbrook Health and Care"
    listed = api.ok("GET", "/partnerships")
    assert listed["count"] == 1
    assert [x["id"] for x in listed["data"]] == [p["id"]]


def test_every_write_increments_the_revision(api):
    t = tiny_partnership(api)
    pid = t["pid"]
    # tiny_partnership made five stakeholders.
    assert api.revision(pid) == 5
    tie = api.tie(pid, t["director"], t["coordinator"])
    assert api.revision(pid) == 6
    api.ok("PATCH", f"/partnerships/{pid}/ties/{tie['id']}", json={"strength": 5})
    assert api.revision(pid) == 7
    e = api.engagement(pid, [t["director"], t["coordinator"]])
    assert api.revision(pid) == 8
    api.ok("DELETE", f"/partnerships/{pid}/engagements/{e['id']}", 204)
    assert api.revision(pid) == 9
    api.ok("PATCH", f"/partnerships/{pid}", json={"description": "Board of six agencies"})
    assert api.revision(pid) == 10


def test_stakeholder_read_update_delete(api):
    t = tiny_partnership(api)
    pid, sid = t["pid"], t["director"]
    got = api.ok("GET", f"/partnerships/{pid}/stakeholders/{sid}")
    assert got["organisation_id"] == t["council"]
    assert got["sector"] is None
    assert got["effective_sector"] == "local_government"
    upd = api.ok(
        "PATCH",
        f"/partnerships/{pid}/stakeholders/{sid}",
        json={"engagement": "neutral", "desired_engagement": "leading",
              "owner_id": t["coordinator"], "tags": ["board", "asc"],
              "role": "Director of Adult Social Services"},
    )  # fmt: skip
    assert upd["engagement"] == "neutral"
    assert upd["owner_id"] == t["coordinator"]
    assert upd["tags"] == ["board", "asc"]
    assert upd["name"] == "Dana Director"  # untouched by a partial update
    cleared = api.ok("PATCH", f"/partnerships/{pid}/stakeholders/{sid}", json={"owner_id": None})
    assert cleared["owner_id"] is None
    api.ok("DELETE", f"/partnerships/{pid}/stakeholders/{sid}", 204)
    assert api.get(f"/partnerships/{pid}/stakeholders/{sid}").status_code == 404


def test_stakeholder_list_filters_and_paging(api):
    t = tiny_partnership(api)
    pid = t["pid"]
    base = f"/partnerships/{pid}/stakeholders"
    assert api.ok("GET", base)["count"] == 6  # hub + 5
    people = api.ok("GET", base, params={"kind": "person"})
    assert {s["name"] for s in people["data"]} == {"Cora Hub", "Dana Director", "Omar Officer"}
    council = api.ok("GET", base, params={"organisation_id": t["council"]})
    assert {s["id"] for s in council["data"]} == {t["director"], t["officer"]}
    # sector matches the effective sector: the council and its two inheriting members
    local = api.ok("GET", base, params={"sector": "local_government"})
    assert {s["id"] for s in local["data"]} == {t["council"], t["director"], t["officer"]}
    found = api.ok("GET", base, params={"q": "dir"})
    assert [s["id"] for s in found["data"]] == [t["director"]]
    assert api.ok("GET", base, params={"q": "%"})["count"] == 0  # % is literal
    page = api.ok("GET", base, params={"limit": 2, "offset": 2})
    assert page["count"] == 6
    assert len(page["data"]) == 2
    all_ids = [s["id"] for s in api.ok("GET", base)["data"]]
    assert [s["id"] for s in page["data"]] == all_ids[2:4]


def test_ties_crud_and_directed_default(api):
    t = tiny_partnership(api)
    pid = t["pid"]
    reports = api.tie(pid, t["officer"], t["director"], kind="reports_to")
    assert reports["directed"] is True
    assert reports["strength"] == 3
    collab = api.tie(pid, t["director"], t["coordinator"], strength=4, valid_from="2025-01-01")
    assert collab["directed"] is False
    lst = api.ok("GET", f"/partnerships/{pid}/ties", params={"stakeholder_id": t["director"]})
    assert lst["count"] == 2
    only = api.ok("GET", f"/partnerships/{pid}/ties", params={"kind": "reports_to"})
    assert [x["id"] for x in only["data"]] == [reports["id"]]
    upd = api.ok(
        "PATCH", f"/partnerships/{pid}/ties/{collab['id']}", json={"valid_to": "2026-03-31"}
    )
    assert upd["valid_to"] == "2026-03-31"
    api.ok("DELETE", f"/partnerships/{pid}/ties/{reports['id']}", 204)
    assert api.ok("GET", f"/partnerships/{pid}/ties")["count"] == 1


def test_engagements_crud(api):
    t = tiny_partnership(api)
    pid = t["pid"]
    e = api.engagement(
        pid, [t["director"], t["coordinator"], t["officer"]], channel="face_to_face",
        occurred_on="2026-05-02", summary="Winter pressures", sentiment=1,
    )  # fmt: skip
    assert e["participant_ids"] == sorted([t["director"], t["coordinator"], t["officer"]])
    api.engagement(pid, [t["officer"], t["coordinator"]], occurred_on="2026-07-01")
    lst = api.ok("GET", f"/partnerships/{pid}/engagements")
    assert [x["occurred_on"] for x in lst["data"]] == ["2026-07-01", "2026-05-02"]
    by_dir = api.ok(
        "GET", f"/partnerships/{pid}/engagements", params={"stakeholder_id": t["director"]}
    )
    assert [x["id"] for x in by_dir["data"]] == [e["id"]]
    upd = api.ok(
        "PATCH",
        f"/partnerships/{pid}/engagements/{e['id']}",
        json={"participant_ids": [t["director"], t["coordinator"]]},
    )
    assert upd["participant_ids"] == sorted([t["director"], t["coordinator"]])
    assert upd["summary"] == "Winter pressures"


def test_deleting_a_stakeholder_removes_ties_and_two_person_engagements(api):
    t = tiny_partnership(api)
    pid = t["pid"]
    api.tie(pid, t["director"], t["coordinator"])
    two = api.engagement(pid, [t["director"], t["coordinator"]])
    three = api.engagement(pid, [t["director"], t["coordinator"], t["officer"]])
    api.ok("DELETE", f"/partnerships/{pid}/stakeholders/{t['director']}", 204)
    assert api.ok("GET", f"/partnerships/{pid}/ties")["count"] == 0
    assert api.get(f"/partnerships/{pid}/engagements/{two['id']}").status_code == 404
    kept = api.ok("GET", f"/partnerships/{pid}/engagements/{three['id']}")
    assert kept["participant_ids"] == sorted([t["coordinator"], t["officer"]])


def test_deleting_an_organisation_keeps_its_members_without_one(api):
    t = tiny_partnership(api)
    pid = t["pid"]
    api.ok("DELETE", f"/partnerships/{pid}/stakeholders/{t['council']}", 204)
    d = api.ok("GET", f"/partnerships/{pid}/stakeholders/{t['director']}")
    assert d["organisation_id"] is None


def test_delete_partnership_leaves_no_orphans(api):
    from tests.factories import table_counts

    t = tiny_partnership(api)
    pid = t["pid"]
    api.tie(pid, t["director"], t["coordinator"])
    api.engagement(pid, [t["director"], t["coordinator"]])
    api.ok("DELETE", f"/partnerships/{pid}", 204)
    counts = table_counts(api.engine)
    for table in ("partnership", "stakeholder", "tie", "engagement", "engagement_participant",
                  "membership"):  # fmt: skip
        assert counts[table] == 0, table
    assert api.get(f"/partnerships/{pid}").status_code == 404


def test_etags_and_if_match_stop_silent_overwrites(api):
    t = tiny_partnership(api)
    pid, sid = t["pid"], t["director"]
    url = f"/partnerships/{pid}/stakeholders/{sid}"
    first = api.get(url)
    tag = first.headers["etag"]
    # Coordinator A saves with the tag she read: accepted, and the tag moves on.
    a = api.patch(url, json={"role": "Director"}, headers={"If-Match": tag})
    assert a.status_code == 200
    assert a.headers["etag"] != tag
    # Coordinator B still holds the old tag: refused, and nothing changes.
    before = api.revision(pid)
    b = api.patch(url, json={"role": "Chief Executive"}, headers={"If-Match": tag})
    assert b.status_code == 412
    assert "changed by someone else" in b.json()["detail"]
    assert api.ok("GET", url)["role"] == "Director"
    assert api.revision(pid) == before
    assert api.delete(url, headers={"If-Match": tag}).status_code == 412
    assert api.delete(url, headers={"If-Match": a.headers["etag"]}).status_code == 204
    # The partnership's tag is its revision.
    p = api.get(f"/partnerships/{pid}")
    assert p.headers["etag"] == f'"p{pid}-r{p.json()["revision"]}"'
    stale = api.patch(f"/partnerships/{pid}", json={"name": "New"}, headers={"If-Match": '"p1-r0"'})
    assert stale.status_code == 412
    api.ok("PATCH", f"/partnerships/{pid}", json={"name": "New"}, headers={"If-Match": "*"})


def test_tie_and_engagement_if_match(api):
    t = tiny_partnership(api)
    pid = t["pid"]
    tie = api.tie(pid, t["director"], t["coordinator"])
    e = api.engagement(pid, [t["director"], t["coordinator"]])
    for url in (
        f"/partnerships/{pid}/ties/{tie['id']}",
        f"/partnerships/{pid}/engagements/{e['id']}",
    ):
        tag = api.get(url).headers["etag"]
        body = {"notes": "x"} if "ties" in url else {"summary": "x"}
        assert api.patch(url, json=body, headers={"If-Match": tag}).status_code == 200
        assert api.patch(url, json=body, headers={"If-Match": tag}).status_code == 412
