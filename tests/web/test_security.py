"""User text is data: hostile names and notes show as literal text on every page and tooltip.

The demo partnership here holds an organisation named ``<img src=x onerror=alert(1)>``, a
member whose name carries ``"href"`` and a ``javascript:`` link, and notes with ``<script>``.
If any of it were parsed as HTML, the image's onerror would open an alert: the page fixture
fails the test on any dialog. Each page is also searched for the elements the markup would make.
"""

from __future__ import annotations

from tests.web.conftest import XSS_NOTES, XSS_ORG, XSS_PERSON, focus_on_map, screenshot, wait_map

INJECTED = "img[src='x'], a[href^='javascript'], b[onmouseover], script:not([src])"


def _no_injection(page) -> None:
    assert page.locator(INJECTED).count() == 0
    assert page.evaluate("() => document.querySelectorAll('[onerror], [onclick]').length") == 0


def test_partnership_list_shows_hostile_names_as_text(page, server):
    r = server.api("POST", "/partnerships", json={"name": XSS_ORG, "description": XSS_NOTES})
    assert r.status_code == 201
    pid = r.json()["id"]
    page.goto(server.url("/"))
    card = page.locator(f".pcard[data-pid='{pid}']")
    card.wait_for()
    assert card.locator("h2").inner_text() == XSS_ORG
    assert card.locator(".desc").inner_text() == XSS_NOTES
    _no_injection(page)
    page.goto(server.url(f"/partnerships/{pid}/report"))
    assert page.locator(".pname").inner_text() == XSS_ORG
    assert page.title().startswith(f"Board report · {XSS_ORG}")
    _no_injection(page)
    server.api("DELETE", f"/partnerships/{pid}")


def test_map_tooltip_panel_search_and_forms(page, server):
    pid = server.demo_id
    org, person = server.xss["org"], server.xss["person"]
    page.goto(server.url(f"/partnerships/{pid}"))
    wait_map(page)
    # the tooltip vis-network shows on hover
    x, y = focus_on_map(page, org)
    page.mouse.move(x, y)
    tip = page.locator("div.vis-tooltip")
    tip.wait_for(state="visible")
    assert tip.locator("strong").inner_text() == XSS_ORG
    assert tip.locator("img, a, script").count() == 0
    # the node's label on the canvas is text too (read back from the data set)
    label = page.evaluate(f"() => window.stakemapMap.network().body.data.nodes.get({org}).label")
    assert label == XSS_ORG
    # search results and the panel
    page.fill("#map-search", 'Eve "href"')
    result = page.locator("#search-results button.result")
    assert result.count() == 1
    assert result.inner_text() == f"{XSS_PERSON} ({XSS_ORG})"
    result.click()
    panel = page.locator("#panel")
    assert panel.locator("#panel-title").inner_text() == XSS_PERSON
    assert panel.locator(".subtitle button").inner_text() == XSS_ORG
    notes = panel.locator("dd.notes")
    notes.wait_for()
    assert notes.inner_text() == XSS_NOTES
    assert panel.locator("dt:has-text('Tags') + dd").inner_text() == "<i>tag</i>"
    panel.locator("ol.path li").last.wait_for()
    assert panel.locator("ol.path li").last.locator("button").inner_text() == XSS_PERSON
    screenshot(page, "security-map-panel")
    _no_injection(page)
    # the edit form and the engagement form hold the text as values
    panel.get_by_role("button", name="Edit", exact=True).click()
    page.wait_for_function(
        "(name) => document.getElementById('sh-name').value === name", arg=XSS_PERSON
    )
    assert page.locator("#sh-notes").input_value() == XSS_NOTES
    page.click("#stakeholder-form [data-close]")
    panel.get_by_role("button", name="Log engagement").click()
    assert XSS_PERSON in page.locator("#eng-participants").inner_text()
    page.click("#engagement-form [data-close]")
    options = page.evaluate(
        "() => [...document.querySelectorAll('#stakeholder-names option')].map(o => o.value)"
    )
    assert f"{XSS_PERSON} ({XSS_ORG}) #{person}" in options
    _no_injection(page)


def test_gaps_grid_reach_and_report(page, server):
    pid = server.demo_id
    gaps = server.get(f"/partnerships/{pid}/analysis/gaps")["gaps"]
    about = [g for g in gaps if server.xss["org"] in g["subject_ids"]]
    assert about, "the hostile organisation should have gaps"
    page.goto(server.url(f"/partnerships/{pid}/gaps"))
    page.fill("#gap-text", "onerror")
    messages = page.locator("#gap-list .message")
    messages.first.wait_for()
    mentioning = [g for g in gaps if "onerror" in g["message"] + g.get("suggestion", "")]
    assert messages.count() == min(50, len(mentioning))
    assert messages.first.inner_text() == mentioning[0]["message"]
    assert XSS_ORG in messages.first.inner_text()
    link = page.locator(f"a.focus-link[data-id='{server.xss['org']}']").first
    assert link.inner_text() == f"Show {XSS_ORG} on the map"
    screenshot(page, "security-gaps")
    _no_injection(page)

    page.goto(server.url(f"/partnerships/{pid}/grid"))
    page.get_by_role("link", name=XSS_PERSON).first.wait_for()
    assert page.get_by_role("link", name=XSS_ORG).count() == 2  # the grid and the matrix
    _no_injection(page)

    page.goto(server.url(f"/partnerships/{pid}/reach"))
    page.locator("#org-table").get_by_role("link", name=XSS_ORG).wait_for()
    _no_injection(page)

    page.goto(server.url(f"/partnerships/{pid}/report"))
    page.wait_for_selector("#report[data-state=ready]")
    _no_injection(page)
    page.goto(server.url(f"/partnerships/{pid}/import"))
    _no_injection(page)
