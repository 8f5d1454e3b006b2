"""The Gaps, Grid, Reach, Import and Report pages in a real browser."""

from __future__ import annotations

import json
from pathlib import Path

from tests.web.conftest import expect, screenshot, wait_map

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"


def _graph(server, pid):
    return server.get(f"/partnerships/{pid}/graph")


def test_gaps_are_ranked_filtered_and_focus_the_map(page, server):
    pid = server.demo_id
    gaps = server.get(f"/partnerships/{pid}/analysis/gaps")["gaps"]
    page.goto(server.url(f"/partnerships/{pid}/gaps"))
    items = page.locator("#gap-list > li.gap")
    items.first.wait_for()
    assert items.count() == min(50, len(gaps))
    assert [items.nth(i).locator(".message").inner_text() for i in range(5)] == [
        g["message"] for g in gaps[:5]
    ]
    counts = {s: sum(1 for g in gaps if g["severity"] == s) for s in ("high", "medium", "low")}
    high, medium, low = counts["high"], counts["medium"], counts["low"]
    expected = f"{len(gaps)} gaps: {high} high, {medium} medium, {low} low."
    assert page.locator("#gaps-status").inner_text().startswith(expected)
    screenshot(page, "gaps")

    page.select_option("#gap-severity", "high")
    assert items.count() == min(50, counts["high"])
    page.select_option("#gap-severity", "")
    page.select_option("#gap-rule", "single_threaded_organisation")
    threaded = [g for g in gaps if g["rule"] == "single_threaded_organisation"]
    assert items.count() == len(threaded)
    page.select_option("#gap-rule", "")
    if len(gaps) > 50:
        page.click("#gap-more")
        assert items.count() == min(100, len(gaps))

    first = gaps[0]
    sid = first["subject_ids"][0]
    page.select_option("#gap-severity", first["severity"])
    link = page.locator(f"#gap-list a.focus-link[data-id='{sid}']").first
    link.click()
    page.wait_for_url(f"**/partnerships/{pid}?focus={sid}")
    wait_map(page)
    page.wait_for_function(f"() => document.getElementById('map').dataset.selected === '{sid}'")
    panel_gaps = page.locator("#panel li.gap")
    panel_gaps.first.wait_for()
    assert first["message"] in [
        panel_gaps.nth(i).locator(".message").inner_text() for i in range(panel_gaps.count())
    ]


def test_grid_places_everyone_rated_and_lists_the_matrix(page, server):
    pid = server.demo_id
    nodes = [n for n in _graph(server, pid)["nodes"] if not n["core"] and n["kind"] != "hub"]
    rated = [n for n in nodes if n["influence"] and n["interest"]]
    assessed = [n for n in nodes if n["engagement"] or n["desired_engagement"]]
    page.goto(server.url(f"/partnerships/{pid}/grid"))
    page.locator("#pigrid .cell").first.wait_for()
    assert page.locator("#pigrid .cell").count() == 25
    more = page.locator("#pigrid button.more")
    while more.count():
        more.first.click()
    assert page.locator("#pigrid li").count() == len(rated)
    joanne = next(n for n in rated if n["name"] == "Joanne Wright")
    cell = page.locator(
        f".cell[aria-label^='Influence {joanne['influence']}, interest {joanne['interest']}:']"
    )
    assert cell.get_by_role("link", name="Joanne Wright").is_visible()
    rows = page.locator("#matrix tbody tr")
    assert rows.count() == min(100, len(assessed))
    row = page.locator("#matrix tbody tr", has=page.get_by_role("link", name="Joanne Wright"))
    marks = [row.locator("td.mark").nth(i).inner_text() for i in range(5)]
    levels = ["unaware", "resistant", "neutral", "supportive", "leading"]
    expected = [
        "C D"
        if joanne["engagement"] == lv == joanne["desired_engagement"]
        else "C"
        if joanne["engagement"] == lv
        else "D"
        if joanne["desired_engagement"] == lv
        else ""
        for lv in levels
    ]
    assert marks == expected
    assert page.locator("a.json-twin").get_attribute("href") == f"/api/v1/partnerships/{pid}/graph"
    screenshot(page, "grid")


def test_reach_shows_sectors_organisations_and_unique_reach(page, server):
    pid = server.demo_id
    reach = server.get(f"/partnerships/{pid}/analysis/reach")
    s = reach["summary"]
    page.goto(server.url(f"/partnerships/{pid}/reach"))
    page.locator("#sector-chart svg.chart").wait_for()
    kpis = page.locator("#reach-kpis")
    assert kpis.locator("dd").first.inner_text() == str(s["N"])
    sectors = [k for k, c in s["by_sector"].items() if c["N"] > 0]
    assert page.locator("#sector-chart svg.chart > text[text-anchor=end]").count() == len(sectors)
    org_rows = page.locator("#org-table tbody tr")
    assert org_rows.count() == len(s["by_organisation"])
    bus = server.get(f"/partnerships/{pid}/analysis/fragility")["bus_factor"]
    single = [k for k, v in bus.items() if v == 1 and k in s["by_organisation"]]
    assert page.locator("#org-table tbody tr", has_text="(single-threaded)").count() == len(single)
    unique = [k for k, v in reach["unique_reach"].items() if v]
    assert page.locator("#unique-table tbody tr").count() == min(50, len(unique))
    page.click("text=Show the numbers as a table")
    assert page.locator(".chart-table tbody tr").count() == len(sectors)
    screenshot(page, "reach")


def test_report_prints_on_a4(page, server):
    pid = server.demo_id
    page.goto(server.url(f"/partnerships/{pid}/report"))
    page.wait_for_selector("#report[data-state=ready]")
    gaps = server.get(f"/partnerships/{pid}/analysis/gaps")["gaps"]
    items = page.locator("#report-gaps ol.gaps > li")
    assert items.count() == min(10, len(gaps))
    assert gaps[0]["message"] in items.first.inner_text()
    recs = server.get(f"/partnerships/{pid}/analysis/recommendations?k=5")["recommendations"]
    assert page.locator("#report-recs li").count() == len(recs)
    assert page.locator("#report svg.chart").count() == 2
    screenshot(page, "report")
    page.emulate_media(media="print")
    assert page.locator(".topbar").is_hidden()
    assert page.locator("#print-report").is_hidden()
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF-")
    assert 20_000 < len(pdf) < 5_000_000
    assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") + pdf.count(b"/Type/Page") >= 1
    page.emulate_media(media="screen")


def test_import_dry_run_then_confirm(page, server):
    pid = server.new_demo()
    doc = (SAMPLES / "salesforce.json").read_bytes()
    expected = server.api(
        "POST", f"/partnerships/{pid}/import?format=salesforce&dry_run=true", content=doc
    ).json()
    before = server.get(f"/partnerships/{pid}/stakeholders?limit=1")["count"]
    page.goto(server.url(f"/partnerships/{pid}/import"))
    page.set_input_files("#import-file", str(SAMPLES / "salesforce.json"))
    expect(page.locator("#import-format")).to_have_value("salesforce")
    page.click("#import-check")
    table = page.locator("#import-counts")
    table.wait_for()
    for kind in ("organisations", "people", "groups", "ties", "engagements"):
        cell = table.locator(f"tr[data-kind={kind}] td.created")
        assert cell.inner_text() == str(expected["created"][kind]), kind
    assert server.get(f"/partnerships/{pid}/stakeholders?limit=1")["count"] == before
    screenshot(page, "import-dry-run")
    page.click("#import-confirm")
    page.locator("#import-report h2", has_text="Imported").wait_for()
    made = expected["created"]
    after = server.get(f"/partnerships/{pid}/stakeholders?limit=1")["count"]
    assert after == before + made["organisations"] + made["people"] + made["groups"]
    assert page.locator("#import-confirm").is_disabled()
    # checking the same file again: nothing new
    page.click("#import-check")
    page.locator("#import-report h2", has_text="What the import would do").wait_for()
    assert table.locator("td.created").all_inner_texts() == ["0"] * 5


def test_import_shows_every_problem(page, server, watch, tmp_path):
    watch.allow("status of 422")
    pid = server.new_demo()
    bad = {
        "format": "stakemap/v1",
        "stakeholders": [
            {"external_id": "x-1", "kind": "person", "name": ""},
            {"external_id": "x-2", "kind": "spaceship", "name": "Enterprise"},
        ],
    }
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    page.goto(server.url(f"/partnerships/{pid}/import"))
    page.set_input_files("#import-file", str(path))
    expect(page.locator("#import-format")).to_have_value("stakemap")
    page.click("#import-check")
    problems = page.locator("#import-report ol.errors-list > li")
    problems.first.wait_for()
    assert problems.count() == 2
    assert "Nothing was imported" in page.locator("#import-report").inner_text()
    assert page.locator("#import-confirm").is_disabled()
    screenshot(page, "import-errors")
