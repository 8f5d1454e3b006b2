"""Editing and deleting ties and engagements in place, from the map's node panel.

Every test works on its own fresh copy of the demo partnership, in a real Chromium that fails
the test on a console error, an opened browser dialog or a request leaving 127.0.0.1.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.web.conftest import (
    VIEWER,
    Watch,
    expect,
    open_context,
    screenshot,
    wait_map,
    wait_settled,
    watch_page,
)


@pytest.fixture
def pid(server):
    return server.new_demo()


def _find(server, pid, name):
    found = server.get(f"/partnerships/{pid}/stakeholders?q={name}")["data"]
    assert len(found) == 1, found
    return found[0]


def _open(page, server, pid, focus):
    page.goto(server.url(f"/partnerships/{pid}?focus={focus}"))
    wait_map(page)
    page.wait_for_function(f"() => document.getElementById('map').dataset.selected === '{focus}'")


def _edge(page, a, b):
    key = f"{min(a, b)}-{max(a, b)}"
    return page.evaluate(f"() => window.stakemapMap.network().body.data.edges.get('{key}')")


def _new_tie(server, pid, a, b, **fields):
    body = {"source_id": a, "target_id": b, "kind": "collaborates", "strength": 2, **fields}
    r = server.api("POST", f"/partnerships/{pid}/ties", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def _new_engagement(server, pid, ids, **fields):
    body = {"occurred_on": "2025-06-02", "channel": "call", "participant_ids": ids, **fields}
    r = server.api("POST", f"/partnerships/{pid}/engagements", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def _pair(server, pid):
    """Two stakeholders of the demo with no tie and no engagement between them."""
    a = _find(server, pid, "Gillian Ross")
    b = _find(server, pid, "Comfort Osei")
    ties = server.get(f"/partnerships/{pid}/ties?stakeholder_id={a['id']}&limit=500")["data"]
    assert not [t for t in ties if b["id"] in (t["source_id"], t["target_id"])]
    return a, b


def _tie_item(page, tid):
    return page.locator(f"#panel li.tie[data-tie-id='{tid}']")


def _engagement_item(page, eid):
    return page.locator(f"#panel ol.history li[data-engagement-id='{eid}']")


# -- ties ------------------------------------------------------------------------------------------


def test_edit_a_tie_through_the_form_and_see_it_through_the_api(page, server, pid):
    a, b = _pair(server, pid)
    tie = _new_tie(server, pid, a["id"], b["id"], notes="Met once")
    _open(page, server, pid, a["id"])
    item = _tie_item(page, tie["id"])
    expect(item).to_contain_text("Collaborates with Comfort Osei")
    expect(item).to_contain_text("strength 2 of 5")
    item.get_by_role("button", name="Edit the tie with Comfort Osei").click()
    dialog = page.locator("#tie-dialog")
    expect(dialog).to_be_visible()
    # The form is the API's record, not a blank "connect" form.
    expect(page.locator("#tie-title")).to_have_text(
        "Edit the tie between Gillian Ross and Comfort Osei"
    )
    source = page.locator("#tie-source").input_value()
    assert source.startswith("Gillian Ross (") and source.endswith(f"#{a['id']}")
    assert page.locator("#tie-target").input_value().endswith(f"#{b['id']}")
    assert page.locator("#tie-kind").input_value() == "collaborates"
    assert page.locator("#tie-strength").input_value() == "2"
    assert page.locator("#tie-notes").input_value() == "Met once"
    assert not page.locator("#tie-directed").is_checked()
    assert page.locator("#tie-form button[type=submit]").inner_text() == "Save changes"
    assert page.evaluate("() => document.activeElement.id") == "tie-kind"
    # Funding is one-way by default, and the box follows the kind until the user touches it.
    page.select_option("#tie-kind", "funds")
    assert page.locator("#tie-directed").is_checked()
    page.select_option("#tie-strength", "5")
    page.fill("#tie-notes", "Funds their outreach post")
    screenshot(page, "edit-tie")
    page.click("#tie-form button[type=submit]")
    dialog.wait_for(state="hidden")

    saved = server.get(f"/partnerships/{pid}/ties/{tie['id']}")
    assert (saved["kind"], saved["strength"], saved["directed"]) == ("funds", 5, True)
    assert saved["notes"] == "Funds their outreach post"
    assert (saved["source_id"], saved["target_id"]) == (a["id"], b["id"])
    # The panel redraws with the saved tie, and keeps the same stakeholder selected.
    expect(_tie_item(page, tie["id"])).to_contain_text("Funds Comfort Osei")
    expect(_tie_item(page, tie["id"])).to_contain_text("strength 5 of 5 · one-way")
    assert page.locator("#map").get_attribute("data-selected") == str(a["id"])
    page.wait_for_function("() => document.activeElement.id === 'panel-ties'")
    wait_map(page)
    edge = _edge(page, a["id"], b["id"])
    assert edge is not None and edge["title"].startswith("Tie strength")


def test_a_bad_value_is_shown_beside_its_field_and_changes_nothing(page, server, pid, watch):
    watch.allow("status of 422")
    a, b = _pair(server, pid)
    tie = _new_tie(server, pid, a["id"], b["id"])
    url = f"/partnerships/{pid}/ties/{tie['id']}"
    before = server.get(url)
    _open(page, server, pid, a["id"])
    _tie_item(page, tie["id"]).get_by_role("button", name="Edit the tie").click()
    page.select_option("#tie-strength", "4")
    page.fill("#tie-from", "2025-06-01")
    page.fill("#tie-to", "2025-01-31")
    page.click("#tie-form button[type=submit]")
    error = page.locator("#tie-valid_to-error")
    expect(error).to_have_text("valid_to is before valid_from")
    assert page.locator("#tie-to").get_attribute("aria-invalid") == "true"
    assert "tie-valid_to-error" in page.locator("#tie-to").get_attribute("aria-describedby")
    assert page.evaluate("() => document.activeElement.id") == "tie-to"
    assert (
        page.locator("#tie-from-error, #tie-strength-error").filter(has_text="valid").count() == 0
    )
    assert page.locator("#tie-dialog").is_visible()
    screenshot(page, "edit-tie-error")
    assert server.get(url) == before
    # A target that is not a stakeholder is caught before anything is sent.
    page.fill("#tie-target", "Nobody at all")
    page.click("#tie-form button[type=submit]")
    expect(page.locator("#tie-target_id-error")).to_contain_text("Choose a stakeholder")
    expect(page.locator("#tie-valid_to-error")).to_be_hidden()
    assert server.get(url) == before
    # Fixed, it saves, and the error is gone.
    page.fill("#tie-target", f"Comfort Osei (Wrenmouth Borough Council) #{b['id']}")
    page.fill("#tie-to", "2026-01-31")
    page.click("#tie-form button[type=submit]")
    page.locator("#tie-dialog").wait_for(state="hidden")
    saved = server.get(url)
    assert (saved["strength"], saved["valid_from"], saved["valid_to"]) == (
        4,
        "2025-06-01",
        "2026-01-31",
    )


def test_delete_a_tie_asks_first_then_it_is_gone_from_api_panel_and_map(page, server, pid):
    a, b = _pair(server, pid)
    tie = _new_tie(server, pid, a["id"], b["id"])
    nodes = len(server.get(f"/partnerships/{pid}/graph")["nodes"])
    _open(page, server, pid, a["id"])
    item = _tie_item(page, tie["id"])
    item.wait_for()
    assert _edge(page, a["id"], b["id"]) is not None
    item.get_by_role("button", name="Delete the tie with Comfort Osei").click()
    confirm = page.locator("#confirm-dialog")
    expect(confirm.locator("#confirm-title")).to_have_text(
        "Delete the tie between Gillian Ross and Comfort Osei?"
    )
    assert "Collaborates, strength 2 of 5" in confirm.locator("#confirm-text").inner_text()
    screenshot(page, "delete-tie")
    confirm.get_by_role("button", name="Keep").click()
    confirm.wait_for(state="hidden")
    assert server.get(f"/partnerships/{pid}/ties/{tie['id']}")["id"] == tie["id"]
    item.get_by_role("button", name="Delete the tie").click()
    page.click("#confirm-yes")
    item.wait_for(state="detached")
    assert server.api("GET", f"/partnerships/{pid}/ties/{tie['id']}").status_code == 404
    wait_map(page)
    key = f"{min(a['id'], b['id'])}-{max(a['id'], b['id'])}"
    page.wait_for_function(
        f"() => window.stakemapMap.network().body.data.edges.get('{key}') === null"
    )
    assert int(page.locator("#map").get_attribute("data-nodes")) == nodes
    assert page.locator("#map").get_attribute("data-selected") == str(a["id"])
    page.wait_for_function("() => document.activeElement.id === 'panel-ties'")


# -- engagements -----------------------------------------------------------------------------------


def test_edit_an_engagement_through_the_form(page, server, pid):
    a, b = _pair(server, pid)
    eng = _new_engagement(server, pid, [a["id"], b["id"]], summary="First call", sentiment=0)
    url = f"/partnerships/{pid}/engagements/{eng['id']}"
    _open(page, server, pid, a["id"])
    item = _engagement_item(page, eng["id"])
    expect(item).to_contain_text("First call")
    item.get_by_role("button", name="Edit the phone call of 2 Jun 2025").click()
    expect(page.locator("#eng-title")).to_have_text("Edit the engagement of 2 Jun 2025")
    assert page.locator("#eng-date").input_value() == "2025-06-02"
    assert page.locator("#eng-channel").input_value() == "call"
    assert page.locator("#eng-sentiment").input_value() == "0"
    assert page.locator("#eng-summary").input_value() == "First call"
    chips = page.locator("#eng-participants li.chip")
    expect(chips).to_have_count(2)
    assert page.locator("#engagement-form button[type=submit]").inner_text() == "Save changes"
    page.select_option("#eng-channel", "face_to_face")
    page.fill("#eng-date", "2025-06-03")
    page.fill("#eng-summary", "Coffee instead of a call")
    page.select_option("#eng-sentiment", "2")
    screenshot(page, "edit-engagement-form")
    page.click("#engagement-form button[type=submit]")
    page.locator("#engagement-dialog").wait_for(state="hidden")
    saved = server.get(url)
    assert (saved["channel"], saved["occurred_on"], saved["sentiment"]) == (
        "face_to_face",
        "2025-06-03",
        2,
    )
    assert saved["summary"] == "Coffee instead of a call"
    assert sorted(saved["participant_ids"]) == sorted([a["id"], b["id"]])
    expect(_engagement_item(page, eng["id"])).to_contain_text("Face to face")
    page.wait_for_function("() => document.activeElement.id === 'panel-history'")


def test_an_engagement_needs_a_date_and_two_participants(page, server, pid):
    a, b = _pair(server, pid)
    eng = _new_engagement(server, pid, [a["id"], b["id"]], summary="Kept as it was")
    url = f"/partnerships/{pid}/engagements/{eng['id']}"
    before = server.get(url)
    _open(page, server, pid, a["id"])
    _engagement_item(page, eng["id"]).get_by_role("button", name="Edit the phone call").click()
    page.fill("#eng-date", "")
    page.locator("#eng-participants").get_by_role("button", name="Remove Comfort Osei").click()
    page.fill("#eng-summary", "Changed")
    page.click("#engagement-form button[type=submit]")
    expect(page.locator("#eng-occurred_on-error")).to_have_text("Give the date it happened.")
    expect(page.locator("#eng-participant_ids-error")).to_contain_text("at least two")
    assert page.locator("#eng-date").get_attribute("aria-invalid") == "true"
    assert page.evaluate("() => document.activeElement.id") == "eng-date"
    assert server.get(url) == before


def test_delete_an_engagement_and_the_gap_comes_back(page, server, pid):
    gaps = server.get(f"/partnerships/{pid}/analysis/gaps")["gaps"]
    gap = next(g for g in gaps if g["rule"] == "no_face_to_face" and len(g["subject_ids"]) == 1)
    sid = gap["subject_ids"][0]
    graph = server.get(f"/partnerships/{pid}/graph")
    member = min(n["id"] for n in graph["nodes"] if n["core"] and n["kind"] == "person")
    eng = _new_engagement(
        server,
        pid,
        [sid, member],
        channel="face_to_face",
        occurred_on=date.today().isoformat(),
        summary="Met at the hospital",
    )
    _open(page, server, pid, sid)
    panel = page.locator("#panel")
    item = _engagement_item(page, eng["id"])
    expect(item).to_contain_text("Met at the hospital")
    panel.locator(".gaps-none, ul.gap-list").first.wait_for()
    assert panel.locator("li.gap[data-rule=no_face_to_face]").count() == 0
    item.get_by_role("button", name="Delete the face to face").click()
    confirm = page.locator("#confirm-dialog")
    expect(confirm.locator("#confirm-title")).to_have_text(
        re.compile(rf"^Delete the face to face of \d+ \w+ {date.today().year}\?$")
    )
    expect(confirm.locator("#confirm-text")).to_contain_text("With ")
    screenshot(page, "delete-engagement")
    page.click("#confirm-yes")
    item.wait_for(state="detached")
    assert server.api("GET", f"/partnerships/{pid}/engagements/{eng['id']}").status_code == 404
    # The gap list is recomputed: without that meeting the gap is open again.
    panel.locator("li.gap[data-rule=no_face_to_face]").wait_for()
    after = server.get(f"/partnerships/{pid}/analysis/gaps")["gaps"]
    assert [g for g in after if g["rule"] == "no_face_to_face" and sid in g["subject_ids"]]


# -- two coordinators ------------------------------------------------------------------------------


def test_a_stale_tie_edit_is_refused_and_nothing_is_overwritten(page, server, pid, watch):
    watch.allow("status of 412")
    a, b = _pair(server, pid)
    tie = _new_tie(server, pid, a["id"], b["id"])
    url = f"/partnerships/{pid}/ties/{tie['id']}"
    _open(page, server, pid, a["id"])
    _tie_item(page, tie["id"]).get_by_role("button", name="Edit the tie").click()
    expect(page.locator("#tie-strength")).to_have_value("2")
    # Someone else changes the tie while this coordinator has the form open.
    assert server.api("PATCH", url, json={"strength": 1, "notes": "Theirs"}).status_code == 200
    page.select_option("#tie-strength", "5")
    page.fill("#tie-notes", "Mine")
    page.click("#tie-form button[type=submit]")
    banner = page.locator("#stale-banner")
    expect(banner).to_contain_text("Someone else changed this since you opened it")
    expect(banner).to_contain_text("your change was not saved")
    assert page.locator("#tie-dialog").is_hidden()
    assert page.evaluate("() => document.activeElement.textContent") == "Reload the map"
    saved = server.get(url)
    assert (saved["strength"], saved["notes"]) == (1, "Theirs")
    screenshot(page, "edit-tie-conflict")
    # Reloading keeps the stakeholder selected and shows the other coordinator's version.
    banner.get_by_role("button", name="Reload the map").click()
    wait_map(page)
    assert page.locator("#stale-banner").count() == 0
    page.wait_for_function(f"() => document.getElementById('map').dataset.selected === '{a['id']}'")
    expect(_tie_item(page, tie["id"])).to_contain_text("strength 1 of 5")
    _tie_item(page, tie["id"]).get_by_role("button", name="Edit the tie").click()
    expect(page.locator("#tie-notes")).to_have_value("Theirs")


def test_a_stale_engagement_edit_is_refused(page, server, pid, watch):
    watch.allow("status of 412")
    a, b = _pair(server, pid)
    eng = _new_engagement(server, pid, [a["id"], b["id"]], summary="Original")
    url = f"/partnerships/{pid}/engagements/{eng['id']}"
    _open(page, server, pid, a["id"])
    _engagement_item(page, eng["id"]).get_by_role("button", name="Edit the phone call").click()
    expect(page.locator("#eng-summary")).to_have_value("Original")
    assert server.api("PATCH", url, json={"summary": "Theirs"}).status_code == 200
    page.fill("#eng-summary", "Mine")
    page.click("#engagement-form button[type=submit]")
    expect(page.locator("#stale-banner")).to_contain_text("your change was not saved")
    assert page.locator("#engagement-dialog").is_hidden()
    assert server.get(url)["summary"] == "Theirs"


def test_deleting_what_someone_else_changed_is_refused(page, server, pid, watch):
    watch.allow("status of 412")
    a, b = _pair(server, pid)
    tie = _new_tie(server, pid, a["id"], b["id"])
    eng = _new_engagement(server, pid, [a["id"], b["id"]])
    tie_url = f"/partnerships/{pid}/ties/{tie['id']}"
    eng_url = f"/partnerships/{pid}/engagements/{eng['id']}"
    _open(page, server, pid, a["id"])
    _tie_item(page, tie["id"]).wait_for()
    _engagement_item(page, eng["id"]).wait_for()
    wait_settled(page)
    # Changed after the panel showed it: refused before even asking.
    assert server.api("PATCH", tie_url, json={"strength": 5}).status_code == 200
    _tie_item(page, tie["id"]).get_by_role("button", name="Delete the tie").click()
    banner = page.locator("#stale-banner")
    expect(banner).to_contain_text("so it was not deleted")
    assert page.locator("#confirm-dialog").is_hidden()
    assert server.get(tie_url)["strength"] == 5
    # Changed while the confirmation was open: the server refuses the DELETE (412).
    _engagement_item(page, eng["id"]).get_by_role("button", name="Delete the phone call").click()
    expect(page.locator("#confirm-dialog")).to_be_visible()
    assert server.api("PATCH", eng_url, json={"summary": "Still needed"}).status_code == 200
    page.click("#confirm-yes")
    expect(banner).to_contain_text("so it was not deleted")
    assert server.get(eng_url)["summary"] == "Still needed"


def test_editing_what_someone_else_deleted_says_so(page, server, pid, watch):
    watch.allow("status of 404")
    a, b = _pair(server, pid)
    tie = _new_tie(server, pid, a["id"], b["id"])
    _open(page, server, pid, a["id"])
    _tie_item(page, tie["id"]).wait_for()
    wait_settled(page)  # the panel will not fetch the tie again: it shows a deleted one
    assert server.api("DELETE", f"/partnerships/{pid}/ties/{tie['id']}").status_code == 204
    _tie_item(page, tie["id"]).get_by_role("button", name="Edit the tie").click()
    expect(page.locator("#stale-banner")).to_contain_text("Someone else has deleted this")
    assert page.locator("#tie-dialog").is_hidden()


# -- keyboard and viewers --------------------------------------------------------------------------


def test_keyboard_edit_of_a_tie(page, server, pid):
    a, b = _pair(server, pid)
    tie = _new_tie(server, pid, a["id"], b["id"])
    _open(page, server, pid, a["id"])
    edit = _tie_item(page, tie["id"]).get_by_role("button", name="Edit the tie")
    edit.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#tie-dialog")).to_be_visible()
    assert page.evaluate("() => document.activeElement.id") == "tie-kind"
    page.keyboard.press("Escape")
    page.locator("#tie-dialog").wait_for(state="hidden")
    assert server.get(f"/partnerships/{pid}/ties/{tie['id']}")["strength"] == 2
    edit.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#tie-dialog")).to_be_visible()
    page.focus("#tie-notes")
    page.keyboard.type("Typed, not clicked")
    page.focus("#tie-target")
    page.keyboard.press("Enter")  # implicit submission, as any form
    page.locator("#tie-dialog").wait_for(state="hidden")
    assert server.get(f"/partnerships/{pid}/ties/{tie['id']}")["notes"] == "Typed, not clicked"
    page.wait_for_function("() => document.activeElement.id === 'panel-ties'")


def test_a_viewer_sees_ties_and_history_but_no_edit_or_delete(browser, server):
    watch = Watch()
    context = open_context(browser, server, watch, email=VIEWER)
    page = context.new_page()
    watch_page(page, watch)
    pid = server.demo_id
    person = server.xss["person"]
    _new_engagement(server, pid, [person, server.xss["member"]], summary="Viewer can read this")
    page.goto(server.url(f"/partnerships/{pid}?focus={person}"))
    wait_map(page)
    panel = page.locator("#panel")
    panel.locator("li.tie").first.wait_for()
    panel.locator("ol.history li", has_text="Viewer can read this").wait_for()
    assert panel.locator(".item-actions").count() == 0
    assert panel.get_by_role("button", name="Edit").count() == 0
    assert panel.get_by_role("button", name="Delete").count() == 0
    assert page.locator("#tie-dialog, #engagement-dialog, #confirm-dialog").count() == 0
    screenshot(page, "panel-ties-viewer")
    context.close()
    assert not watch.problems(), watch.problems()


def test_the_panel_lists_ties_with_edit_and_delete_for_an_editor(page, server, pid):
    a, b = _pair(server, pid)
    _new_tie(server, pid, b["id"], a["id"], kind="reports_to", valid_to="2020-01-01")
    _open(page, server, pid, a["id"])
    ties = server.get(f"/partnerships/{pid}/ties?stakeholder_id={a['id']}&limit=500")
    items = page.locator("#panel li.tie")
    expect(items).to_have_count(ties["count"])
    expect(page.locator("#panel .item-actions").first).to_be_visible()
    incoming = page.locator("#panel li.tie", has_text="Comfort Osei reports to them")
    expect(incoming).to_contain_text("one-way · ended 1 Jan 2020")
    assert incoming.get_by_role("button", name="Edit the tie with Comfort Osei").is_visible()
    screenshot(page, "panel-ties-editor")
