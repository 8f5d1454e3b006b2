"""Members, tokens, the audit trail, erasure and the security headers (issue 6 groundwork)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import inspect, select, text

from app.db import session_scope
from app.tables import AuditEntry
from tests.factories import tiny_partnership

# -- members -------------------------------------------------------------------------------


def test_owner_adds_a_member_who_then_sees_the_partnership(api):
    t = tiny_partnership(api)
    pid = t["pid"]
    other = api.as_user("visitor@example.org")
    assert other.get(f"/partnerships/{pid}").status_code == 404
    m = api.ok("POST", f"/partnerships/{pid}/members", 201,
               json={"email": "visitor@example.org", "role": "viewer"})  # fmt: skip
    assert m["role"] == "viewer"
    assert m["account_created"] is False
    assert other.ok("GET", f"/partnerships/{pid}")["role"] == "viewer"
    # a viewer may read but not write
    r = other.post(f"/partnerships/{pid}/stakeholders", json={"kind": "person", "name": "X"})
    assert r.status_code == 403
    api.ok("PATCH", f"/partnerships/{pid}/members/{other.user_id}", json={"role": "editor"})
    other.ok("POST", f"/partnerships/{pid}/stakeholders", 201, json={"kind": "person", "name": "X"})
    members = api.ok("GET", f"/partnerships/{pid}/members")
    assert [(x["email"], x["role"]) for x in members["data"]] == [
        ("analyst@example.org", "owner"),
        ("visitor@example.org", "editor"),
    ]
    # an editor cannot manage members
    r = other.post(f"/partnerships/{pid}/members", json={"email": "z@example.org"})
    assert r.status_code == 403


def test_unknown_email_gets_an_account_and_the_last_owner_cannot_leave(api):
    t = tiny_partnership(api)
    pid = t["pid"]
    m = api.ok("POST", f"/partnerships/{pid}/members", 201, json={"email": "New@Example.org"})
    assert m["email"] == "new@example.org"
    assert m["account_created"] is True
    r = api.post(f"/partnerships/{pid}/members", json={"email": "new@example.org"})
    assert r.status_code == 409
    r = api.delete(f"/partnerships/{pid}/members/{api.user_id}")
    assert r.status_code == 409
    assert "last owner" in r.text
    r = api.patch(f"/partnerships/{pid}/members/{api.user_id}", json={"role": "viewer"})
    assert r.status_code == 409


def test_a_member_can_leave(api):
    t = tiny_partnership(api)
    pid = t["pid"]
    other = api.as_user("leaver@example.org")
    api.ok("POST", f"/partnerships/{pid}/members", 201, json={"email": "leaver@example.org"})
    other.ok("DELETE", f"/partnerships/{pid}/members/{other.user_id}", 204)
    assert other.get(f"/partnerships/{pid}").status_code == 404


# -- tokens --------------------------------------------------------------------------------


def test_tokens_are_listed_without_secrets_and_revoked_at_once(api):
    created = api.ok("POST", "/tokens", 201, json={"name": "crm sync", "read_only": True})
    secret = created["token"]
    listed = api.ok("GET", "/tokens")
    assert listed["count"] == 2  # the fixture's token and this one
    assert secret not in json.dumps(listed)
    ro = {"Authorization": f"Bearer {secret}"}
    assert api.client.get("/api/v1/partnerships", headers=ro).status_code == 200
    r = api.client.post("/api/v1/partnerships", headers=ro, json={"name": "Nope"})
    assert r.status_code == 403
    api.ok("DELETE", f"/tokens/{created['id']}", 204)
    assert api.client.get("/api/v1/partnerships", headers=ro).status_code == 401
    other = api.as_user("someone@example.org")
    assert other.delete(f"/tokens/{listed['data'][0]['id']}").status_code == 404


# -- audit ---------------------------------------------------------------------------------


def test_every_write_is_audited_with_field_names_not_values(api):
    t = tiny_partnership(api)
    pid = t["pid"]
    api.ok("PATCH", f"/partnerships/{pid}/stakeholders/{t['director']}",
           json={"engagement": "resistant", "notes": "Sceptical about pooled budgets"})  # fmt: skip
    tie = api.tie(pid, t["director"], t["coordinator"])
    api.ok("DELETE", f"/partnerships/{pid}/ties/{tie['id']}", 204)
    trail = api.ok("GET", f"/partnerships/{pid}/audit")
    entries = [(e["entity"], e["action"]) for e in trail["data"]]
    assert entries[:3] == [("tie", "delete"), ("tie", "create"), ("stakeholder", "update")]
    update = trail["data"][2]
    assert update["fields"] == ["engagement", "notes"]
    assert update["actor"] == "analyst@example.org"
    assert "Sceptical" not in json.dumps(trail)
    only_ties = api.ok("GET", f"/partnerships/{pid}/audit", params={"entity": "tie"})
    assert only_ties["count"] == 2
    # viewers and editors may not read the trail
    other = api.as_user("ed@example.org")
    api.ok("POST", f"/partnerships/{pid}/members", 201,
           json={"email": "ed@example.org", "role": "editor"})  # fmt: skip
    assert other.get(f"/partnerships/{pid}/audit").status_code == 403


def test_deleting_a_stakeholder_audits_what_the_database_removes_with_it(api):
    # ties go by cascade, two-person engagements by a bulk delete, members lose their
    # organisation by SET NULL: none of it passes through the ORM, and all of it is in the trail
    t = tiny_partnership(api)
    pid, council = t["pid"], t["council"]
    tie = api.tie(pid, t["hub"], council)
    pair = api.engagement(pid, [council, t["director"]])
    three = api.engagement(pid, [council, t["director"], t["officer"]])
    api.ok("DELETE", f"/partnerships/{pid}/stakeholders/{council}", 204)
    trail = api.ok("GET", f"/partnerships/{pid}/audit", params={"limit": 50})["data"]
    got = {(e["entity"], e["action"], e["entity_id"], tuple(e["fields"])) for e in trail}
    assert ("stakeholder", "delete", council, ()) in got
    assert ("tie", "delete", tie["id"], ()) in got
    assert ("engagement", "delete", pair["id"], ()) in got
    assert ("engagement", "update", three["id"], ("participant_ids",)) in got
    for member in (t["director"], t["officer"]):
        assert ("stakeholder", "update", member, ("organisation_id",)) in got
    assert api.get(f"/partnerships/{pid}/engagements/{pair['id']}").status_code == 404
    kept = api.ok("GET", f"/partnerships/{pid}/engagements/{three['id']}")
    assert sorted(kept["participant_ids"]) == sorted([t["director"], t["officer"]])


def test_the_audit_trail_filters_by_action_actor_and_a_date_range(api):
    t = tiny_partnership(api)
    pid = t["pid"]
    api.ok("PATCH", f"/partnerships/{pid}/stakeholders/{t['officer']}", json={"role": "Lead"})
    api.ok("POST", f"/partnerships/{pid}/members", 201, json={"email": "aud@example.org"})
    trail = api.ok("GET", f"/partnerships/{pid}/audit")
    url = f"/partnerships/{pid}/audit"
    updates = api.ok("GET", url, params={"action": "update"})
    assert [(e["entity"], e["fields"]) for e in updates["data"]] == [("stakeholder", ["role"])]
    members = api.ok("GET", url, params={"entity": "membership", "action": "create"})
    assert members["count"] == 2  # the creator's own membership and aud@
    assert members["data"][0]["entity_id"] != api.user_id
    newest = trail["data"][0]["at"]
    oldest = trail["data"][-1]["at"]
    assert api.ok("GET", url, params={"until": oldest})["count"] == 0
    assert (
        api.ok("GET", url, params={"since": oldest, "until": "2999-01-01"})["count"]
        == (trail["count"])
    )
    assert api.ok("GET", url, params={"since": "2999-01-01"})["count"] == 0
    assert api.ok("GET", url, params={"until": "2000-01-01"})["count"] == 0
    assert api.ok("GET", url, params={"since": newest})["count"] >= 1
    assert api.ok("GET", url, params={"actor": "Analyst@Example.org"})["count"] == trail["count"]
    assert api.ok("GET", url, params={"actor": "nobody@example.org"})["count"] == 0
    paged = api.ok("GET", url, params={"limit": 2, "offset": 1})
    assert paged["count"] == trail["count"]
    assert [e["id"] for e in paged["data"]] == [e["id"] for e in trail["data"][1:3]]
    for name, value in (("action", "obliterate"), ("until", "yesterday"), ("since", "soon")):
        r = api.get(url, params={name: value})
        assert r.status_code == 422, name
        assert r.json()["detail"][0]["loc"] == ["query", name]


def test_the_audit_log_is_append_only_in_the_database(api):
    tiny_partnership(api)
    with pytest.raises(Exception, match="append-only"), session_scope(api.engine) as s:
        s.execute(text("UPDATE audit_log SET actor = 'someone else'"))
    with pytest.raises(Exception, match="append-only"), session_scope(api.engine) as s:
        s.execute(text("DELETE FROM audit_log"))


# -- data protection -----------------------------------------------------------------------


def test_personal_data_and_erasure_leave_no_trace(api):
    t = tiny_partnership(api)
    pid = t["pid"]
    name, email = "Zofia Kowalczyk-Brennan", "zofia.kb@council.example.org"
    z = api.stakeholder(pid, name=name, email=email, organisation_id=t["council"],
                        notes="Prefers morning calls", owner_id=t["coordinator"])  # fmt: skip
    api.tie(pid, z["id"], t["director"], notes=f"{name} deputises for Dana")
    pair = api.engagement(pid, [z["id"], t["coordinator"]], summary=f"Met {name}")
    trio = api.engagement(pid, [z["id"], t["coordinator"], t["director"]],
                          summary=f"Board prep; {email} to circulate")  # fmt: skip
    api.ok("GET", f"/partnerships/{pid}/analysis/gaps")  # caches results that name people
    data = api.ok("GET", f"/partnerships/{pid}/stakeholders/{z['id']}/personal-data")
    assert data["stakeholder"]["email"] == email
    assert data["stakeholder"]["organisation"] == "Borough Council"
    assert len(data["ties"]) == 1
    assert len(data["engagements"]) == 2
    r = api.post(f"/partnerships/{pid}/stakeholders/{z['id']}/erase", json={"confirm": False})
    assert r.status_code == 422
    res = api.ok("POST", f"/partnerships/{pid}/stakeholders/{z['id']}/erase",
                 json={"confirm": True})  # fmt: skip
    assert res == {"erased": z["id"], "ties": 1, "engagements_left": 1,
                   "engagements_deleted": 1, "mentions_scrubbed": 3}  # fmt: skip
    assert api.get(f"/partnerships/{pid}/engagements/{pair['id']}").status_code == 404
    kept = api.ok("GET", f"/partnerships/{pid}/engagements/{trio['id']}")
    assert kept["participant_ids"] == sorted([t["coordinator"], t["director"]])
    assert email not in kept["summary"]
    # Scan every table, the audit log included, for the name and the email.
    with session_scope(api.engine, write=False) as s:
        conn = s.connection()
        for table in inspect(conn).get_table_names():
            rows = conn.execute(text(f"SELECT * FROM {table}")).all()
            dump = json.dumps([list(map(str, r)) for r in rows]).lower()
            assert name.lower() not in dump, table
            assert email not in dump, table
            assert "kowalczyk" not in dump, table
        erase_entries = (
            s.execute(select(AuditEntry).where(AuditEntry.action == "erase")).scalars().all()
        )
    assert [(e.entity, e.entity_id) for e in erase_entries] == [("stakeholder", z["id"])]


def test_only_a_person_can_be_erased_and_only_by_an_owner(api):
    t = tiny_partnership(api)
    pid = t["pid"]
    r = api.post(f"/partnerships/{pid}/stakeholders/{t['council']}/erase", json={"confirm": True})
    assert r.status_code == 422
    editor = api.as_user("ed2@example.org")
    api.ok("POST", f"/partnerships/{pid}/members", 201,
           json={"email": "ed2@example.org", "role": "editor"})  # fmt: skip
    r = editor.post(
        f"/partnerships/{pid}/stakeholders/{t['officer']}/erase", json={"confirm": True}
    )
    assert r.status_code == 403


# -- headers and CSRF ----------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/health", "/api/v1/partnerships", "/docs", "/nope"])
def test_security_headers_on_every_response(api, path):
    r = api.client.get(path, headers=api.headers)
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "same-origin"
    assert r.headers["x-frame-options"] == "DENY"


def test_cross_site_writes_with_a_session_cookie_are_refused(api):
    api.client.cookies.set("stakemap_session", "whatever")
    try:
        r = api.client.post("/api/v1/partnerships", json={"name": "x"},
                            headers={"Origin": "https://evil.example"})  # fmt: skip
        assert r.status_code == 403
        assert "Cross-site" in r.json()["detail"]
        r = api.client.post("/api/v1/partnerships", json={"name": "x"})  # no Origin, no Referer
        assert r.status_code == 403
    finally:
        api.client.cookies.clear()
