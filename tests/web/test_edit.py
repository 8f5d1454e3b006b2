"""Editing in place on the map: stakeholders, ties, engagements, deletion and the revision check.

Every test works on its own fresh copy of the demo partnership.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.web.conftest import expect, focus_on_map, screenshot, wait_map, wait_settled


@pytest.fixture
def pid(server):
    return server.new_demo()


def _open(page, server, pid, focus=None):
    page.goto(server.url(f"/partnerships/{pid}" + (f"?focus={focus}" if focus else "")))
    wait_map(page)
    if focus:
        page.wait_for_function(
            f"() => document.getElementById('map').dataset.selected === '{focus}'"
        )


def _find(server, pid, name):
    found = server.get(f"/partnerships/{pid}/stakeholders?q={name}")["data"]
    assert len(found) == 1, found
    return found[0]


def _edge(page, a, b):
    key = f"{min(a, b)}-{max(a, b)}"
    return page.evaluate(f"() => window.stakemapMap.network().body.data.edges.get('{key}')")


def test_add_a_stakeholder_and_find_it_on_the_map_and_in_the_api(page, server, pid):
    council = _find(server, pid, "Wrenmouth Borough Council")
    nodes_before = len(server.get(f"/partnerships/{pid}/graph")["nodes"])
    _open(page, server, pid, focus=council["id"])
    page.click("#add-stakeholder")
    dialog = page.locator("#stakeholder-dialog")
    assert dialog.is_visible()
    assert page.locator("#sh-organisation").input_value() == str(council["id"])
    page.fill("#sh-name", "Priya Nair")
    page.fill("#sh-role", "Head of Commissioning")
    page.select_option("#sh-seniority", "senior")
    page.select_option("#sh-influence", "4")
    page.select_option("#sh-interest", "3")
    page.select_option("#sh-engagement", "neutral")
    page.select_option("#sh-desired", "supportive")
    page.fill("#sh-tags", "commissioning, adults")
    page.fill("#sh-notes", "Met at the October board.")
    screenshot(page, "edit-stakeholder")
    page.click("#stakeholder-form button[type=submit]")
    dialog.wait_for(state="hidden")
    page.locator("#panel-title", has_text="Priya Nair").wait_for()
    wait_map(page)

    created = _find(server, pid, "Priya Nair")
    assert {k: created[k] for k in ("kind", "organisation_id", "role", "seniority")} == {
        "kind": "person",
        "organisation_id": council["id"],
        "role": "Head of Commissioning",
        "seniority": "senior",
    }
    assert (created["influence"], created["interest"]) == (4, 3)
    assert (created["engagement"], created["desired_engagement"]) == ("neutral", "supportive")
    assert created["tags"] == ["commissioning", "adults"]
    assert created["notes"] == "Met at the October board."
    canvas = page.locator("#map")
    assert canvas.get_attribute("data-selected") == str(created["id"])
    assert int(canvas.get_attribute("data-nodes")) == nodes_before + 1
    assert (
        page.evaluate(
            f"() => window.stakemapMap.network().body.data.nodes.get({created['id']}).label"
        )
        == "Priya Nair"
    )


def test_validation_errors_appear_beside_the_field(page, server, pid, watch):
    watch.allow("status of 422")
    _open(page, server, pid)
    page.click("#add-stakeholder")
    page.click("#stakeholder-form button[type=submit]")
    assert page.locator("#sh-name-error").inner_text() == "Give the stakeholder a name."
    page.fill("#sh-name", "Someone New")
    page.fill("#sh-email", "not-an-email")
    page.click("#stakeholder-form button[type=submit]")
    error = page.locator("#sh-email-error")
    error.wait_for()
    assert "pattern" in error.inner_text() or "match" in error.inner_text()
    assert page.locator("#sh-email").get_attribute("aria-invalid") == "true"
    assert page.evaluate("() => document.activeElement.id") == "sh-email"
    assert server.get(f"/partnerships/{pid}/stakeholders?q=Someone New")["count"] == 0
    page.fill("#sh-email", "someone@example.org")
    page.click("#stakeholder-form button[type=submit]")
    page.locator("#stakeholder-dialog").wait_for(state="hidden")
    assert server.get(f"/partnerships/{pid}/stakeholders?q=Someone New")["count"] == 1


def test_connect_two_stakeholders(page, server, pid):
    a = _find(server, pid, "Gillian Ross")
    b = _find(server, pid, "Comfort Osei")
    assert _pair(server, pid, a["id"], b["id"]) == []
    _open(page, server, pid, focus=a["id"])
    page.locator("#panel").get_by_role("button", name="Connect…").click()
    assert page.locator("#tie-source").input_value().endswith(f"#{a['id']}")
    page.fill("#tie-target", "Comfort")
    page.fill("#tie-target", f"Comfort Osei (Wrenmouth Borough Council) #{b['id']}")
    page.select_option("#tie-kind", "advises")
    page.select_option("#tie-strength", "4")
    page.click("#tie-form button[type=submit]")
    page.locator("#tie-dialog").wait_for(state="hidden")
    page.wait_for_function(f"() => document.getElementById('map').dataset.selected === '{b['id']}'")
    wait_map(page)
    ties = _pair(server, pid, a["id"], b["id"])
    assert [(t["kind"], t["strength"], t["directed"]) for t in ties] == [("advises", 4, False)]
    edge = _edge(page, a["id"], b["id"])
    assert edge is not None and edge["title"].startswith("Tie strength")


def _pair(server, pid, a, b):
    ties = server.get(f"/partnerships/{pid}/ties?stakeholder_id={a}&limit=500")["data"]
    return [t for t in ties if {t["source_id"], t["target_id"]} == {a, b}]


def test_log_an_engagement_and_see_a_gap_close(page, server, pid):
    gaps = server.get(f"/partnerships/{pid}/analysis/gaps")["gaps"]
    gap = next(g for g in gaps if g["rule"] == "no_face_to_face" and len(g["subject_ids"]) == 1)
    sid = gap["subject_ids"][0]
    graph = server.get(f"/partnerships/{pid}/graph")
    team = {n["id"]: n["name"] for n in graph["nodes"] if n["core"] and n["kind"] == "person"}
    owner = server.get(f"/partnerships/{pid}/stakeholders/{sid}")["owner_id"]
    member = owner if owner in team else min(team)
    _open(page, server, pid, focus=sid)
    panel = page.locator("#panel")
    panel.locator("li.gap[data-rule=no_face_to_face]").wait_for()
    panel.get_by_role("button", name="Log engagement").click()
    assert page.locator("#eng-date").input_value() == date.today().isoformat()
    assert page.locator("#eng-channel").input_value() == "face_to_face"
    if member != owner:
        page.locator("#eng-team button", has_text=team[member]).click()
    assert page.locator("#eng-participants li.chip").count() == 2
    page.fill("#eng-summary", "Coffee at the hospital to talk about discharge.")
    page.select_option("#eng-sentiment", "1")
    screenshot(page, "edit-engagement")
    page.click("#engagement-form button[type=submit]")
    page.locator("#engagement-dialog").wait_for(state="hidden")
    panel.locator("ol.history li", has_text="Coffee at the hospital").wait_for()
    panel.locator(".panel-section", has_text="Gaps").locator("ul.gap-list, .gaps-none").wait_for()
    assert panel.locator("li.gap[data-rule=no_face_to_face]").count() == 0
    logged = server.get(f"/partnerships/{pid}/engagements?stakeholder_id={sid}&limit=1")["data"][0]
    assert (logged["channel"], logged["sentiment"]) == ("face_to_face", 1)
    assert sorted(logged["participant_ids"]) == sorted([sid, member])
    after = server.get(f"/partnerships/{pid}/analysis/gaps")["gaps"]
    assert not [g for g in after if g["rule"] == "no_face_to_face" and sid in g["subject_ids"]]


def test_delete_asks_first(page, server, pid):
    victim = _find(server, pid, "Gillian Ross")
    _open(page, server, pid, focus=victim["id"])
    panel = page.locator("#panel")
    panel.get_by_role("button", name="Delete…").click()
    confirm = page.locator("#confirm-dialog")
    assert confirm.locator("#confirm-title").inner_text() == "Delete Gillian Ross?"
    screenshot(page, "edit-delete")
    confirm.get_by_role("button", name="Keep").click()
    confirm.wait_for(state="hidden")
    assert server.get(f"/partnerships/{pid}/stakeholders/{victim['id']}")["name"] == "Gillian Ross"
    panel.get_by_role("button", name="Delete…").click()
    page.click("#confirm-yes")
    page.wait_for_function(
        f"() => document.getElementById('map').dataset.selected !== '{victim['id']}'"
    )
    page.locator("#panel-title", has_text="Select a stakeholder").wait_for()
    assert server.api("GET", f"/partnerships/{pid}/stakeholders/{victim['id']}").status_code == 404
    assert (
        page.evaluate(f"() => window.stakemapMap.network().body.data.nodes.get({victim['id']})")
        is None
    )


def test_a_second_coordinator_is_told_instead_of_overwriting(page, server, pid, watch):
    watch.allow("status of 412")
    person = _find(server, pid, "Gillian Ross")
    url = f"/partnerships/{pid}/stakeholders/{person['id']}"
    _open(page, server, pid, focus=person["id"])
    page.locator("#panel").get_by_role("button", name="Edit", exact=True).click()
    expect(page.locator("#sh-name")).to_have_value("Gillian Ross")
    # Someone else changes her while this coordinator has the form open.
    assert server.api("PATCH", url, json={"role": "Theirs"}).status_code == 200
    page.fill("#sh-role", "Mine")
    page.click("#stakeholder-form button[type=submit]")
    banner = page.locator("#stale-banner")
    banner.wait_for()
    assert "your change was not saved" in banner.inner_text()
    assert page.locator("#stakeholder-dialog").is_hidden()
    assert server.get(url)["role"] == "Theirs"
    screenshot(page, "edit-conflict")
    banner.get_by_role("button", name="Reload the map").click()
    wait_map(page)
    assert page.locator("#stale-banner").count() == 0
    # After reloading, the same edit goes through.
    page.fill("#map-search", "Gillian Ross")
    page.keyboard.press("Enter")
    page.locator("#panel").get_by_role("button", name="Edit", exact=True).click()
    expect(page.locator("#sh-role")).to_have_value("Theirs")
    page.fill("#sh-role", "Mine")
    page.click("#stakeholder-form button[type=submit]")
    page.locator("#stakeholder-dialog").wait_for(state="hidden")
    assert server.get(url)["role"] == "Mine"


def test_deleting_what_someone_else_just_changed_is_refused(page, server, pid, watch):
    watch.allow("status of 412")
    person = _find(server, pid, "Gillian Ross")
    url = f"/partnerships/{pid}/stakeholders/{person['id']}"
    _open(page, server, pid, focus=person["id"])
    # once the gaps are in, the panel does not fetch the record again: what it shows is stale
    wait_settled(page)
    page.locator("#panel dd", has_text="Unaware").first.wait_for()
    assert server.api("PATCH", url, json={"engagement": "leading"}).status_code == 200
    page.locator("#panel").get_by_role("button", name="Delete…").click()
    page.click("#confirm-yes")
    page.locator("#stale-banner").wait_for()
    assert server.get(url)["engagement"] == "leading"


def test_edit_a_stakeholder_by_clicking_it(page, server, pid):
    person = _find(server, pid, "Gillian Ross")
    _open(page, server, pid)
    x, y = focus_on_map(page, person["id"])
    page.mouse.click(x, y)
    page.locator("#panel-title", has_text="Gillian Ross").wait_for()
    page.locator("#panel").get_by_role("button", name="Edit", exact=True).click()
    expect(page.locator("#sh-name")).to_have_value("Gillian Ross")
    page.select_option("#sh-engagement", "supportive")
    page.click("#stakeholder-form button[type=submit]")
    page.locator("#stakeholder-dialog").wait_for(state="hidden")
    page.locator("#panel dd", has_text="Supportive → Supportive").wait_for()
    assert (
        server.get(f"/partnerships/{pid}/stakeholders/{person['id']}")["engagement"] == "supportive"
    )
