"""The map in a real browser: drawing, the node panel, the path, search, filters, views, layouts."""

from __future__ import annotations

from tests.web.conftest import (
    VIEWER,
    Watch,
    expect,
    focus_on_map,
    open_context,
    screenshot,
    wait_map,
    watch_page,
)


def _graph(server, pid):
    return server.get(f"/partnerships/{pid}/graph")


def _find(server, pid, name):
    found = server.get(f"/partnerships/{pid}/stakeholders?q={name}")["data"]
    assert len(found) == 1, found
    return found[0]


def _tiers(graph):
    """Hop distance from the core, computed independently of the page's own code."""
    adj = {n["id"]: set() for n in graph["nodes"]}
    for link in graph["links"]:
        adj[link["source"]].add(link["target"])
        adj[link["target"]].add(link["source"])
    tier = {n["id"]: 0 for n in graph["nodes"] if n["core"]}
    frontier = list(tier)
    while frontier:
        nxt = []
        for v in frontier:
            for u in adj[v]:
                if u not in tier:
                    tier[u] = tier[v] + 1
                    nxt.append(u)
        frontier = nxt
    return tier


def test_map_opens_with_everyone_and_a_legend(page, server):
    pid = server.demo_id
    graph = _graph(server, pid)
    page.goto(server.url(f"/partnerships/{pid}"))
    wait_map(page)
    canvas = page.locator("#map")
    assert int(canvas.get_attribute("data-nodes")) == len(graph["nodes"])
    assert int(canvas.get_attribute("data-visible-edges")) == len(graph["links"])
    assert canvas.get_attribute("data-view") == "full"
    health = sum(1 for n in graph["nodes"] if n["sector"] == "health")
    assert page.locator("#legend").get_by_text(f"Health ({health})").is_visible()
    json_link = page.locator("a.json-twin")
    assert json_link.get_attribute("href") == f"/api/v1/partnerships/{pid}/graph"
    # physics is off once the layout has settled: nodes stay where they are
    before = page.evaluate("() => window.stakemapMap.network().getPositions()")
    page.wait_for_timeout(500)
    assert page.evaluate("() => window.stakemapMap.network().getPositions()") == before
    page.wait_for_function(
        "() => !document.getElementById('map-status').textContent.includes('Computing the')"
    )
    screenshot(page, "map")


def test_click_a_director_and_read_the_panel(page, server):
    pid = server.demo_id
    director = _find(server, pid, "Sarah Whitfield")
    sid = director["id"]
    page.goto(server.url(f"/partnerships/{pid}"))
    wait_map(page)
    x, y = focus_on_map(page, sid)
    page.mouse.click(x, y)
    panel = page.locator("#panel")
    assert panel.locator("#panel-title").inner_text() == "Sarah Whitfield"
    panel.get_by_text("Director of Adult Social Services").wait_for()
    panel.locator("dd", has_text="Executive").first.wait_for()
    # the engagement history lists the same engagements as the API, newest first
    history = server.get(f"/partnerships/{pid}/engagements?stakeholder_id={sid}&limit=10")
    items = panel.locator("ol.history > li")
    items.first.wait_for()
    assert items.count() == len(history["data"])
    # metrics: the tier from the core and the degree
    graph = _graph(server, pid)
    tier = _tiers(graph)[sid]
    degree = sum(1 for link in graph["links"] if sid in (link["source"], link["target"]))
    facts = panel.locator(".panel-section", has_text="Metrics")
    assert facts.locator("dt:has-text('tier') + dd").inner_text() == str(tier)
    assert facts.locator("dt:has-text('Active ties') + dd").inner_text() == str(degree)
    facts.locator("dt:has-text('Betweenness')").wait_for()
    # gaps about her, from the same list the Gaps page shows
    gaps = server.get(f"/partnerships/{pid}/analysis/gaps")["gaps"]
    mine = [g for g in gaps if sid in g["subject_ids"]]
    section = panel.locator(".panel-section", has_text="Gaps")
    if mine:
        section.locator("li.gap").first.wait_for()
        assert section.locator("li.gap").count() == len(mine)
    else:
        section.get_by_text("No gaps").wait_for()
    # the warmest path from the hub is listed and lit up on the map
    path = server.get(f"/partnerships/{pid}/analysis/path?target={sid}")
    lit = ",".join(map(str, path["path"]))
    page.wait_for_function(f"() => document.getElementById('map').dataset.path === '{lit}'")
    steps = panel.locator("ol.path > li")
    assert steps.count() == len(path["path"])
    assert [steps.nth(i).locator("button").inner_text() for i in range(steps.count())] == path[
        "names"
    ]
    width = page.evaluate(
        "([a, b]) => window.stakemapMap.network().body.data.edges"
        ".get(a < b ? `${a}-${b}` : `${b}-${a}`).width",
        path["path"][-2:],
    )
    assert width == 7
    screenshot(page, "map-panel")


def test_search_finds_and_focuses(page, server):
    pid = server.demo_id
    graph = _graph(server, pid)
    page.goto(server.url(f"/partnerships/{pid}"))
    wait_map(page)
    page.fill("#map-search", "wrenmouth")
    expected = sum(1 for n in graph["nodes"] if "wrenmouth" in n["name"].lower())
    results = page.locator("#search-results button.result")
    assert results.count() == min(expected, 12)
    assert page.locator("#search-results").get_by_text(f"{expected - 12} more").is_visible()
    page.fill("#map-search", "nobody by this name")
    assert page.locator("#search-results").get_by_text("Nobody matches").is_visible()
    page.fill("#map-search", "Joanne")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    joanne = _find(server, pid, "Joanne")
    assert page.locator("#map").get_attribute("data-selected") == str(joanne["id"])
    assert page.evaluate("() => document.activeElement.id") == "panel-title"
    assert page.locator("#panel-title").inner_text() == "Joanne Wright"


def test_filters_hide_exactly_what_they_say(page, server):
    pid = server.demo_id
    graph = _graph(server, pid)
    nodes = graph["nodes"]
    total = len(nodes)
    tier = _tiers(graph)
    page.goto(server.url(f"/partnerships/{pid}"))
    wait_map(page)
    canvas = page.locator("#map")
    page.click("#filters summary")

    page.uncheck("#filter-sector-health")
    health = sum(1 for n in nodes if n["sector"] == "health" and not n["core"])
    assert int(canvas.get_attribute("data-visible")) == total - health
    assert page.locator("#filter-count").inner_text() == "1 on"

    page.click("#filter-reset")
    page.select_option("#filter-tier", "1")
    within = sum(
        1 for n in nodes if n["core"] or (tier.get(n["id"]) is not None and tier[n["id"]] <= 1)
    )
    assert int(canvas.get_attribute("data-visible")) == within
    page.select_option("#filter-tier", "unreached")
    far = sum(1 for n in nodes if n["core"] or tier.get(n["id"]) is None or tier[n["id"]] > 3)
    assert int(canvas.get_attribute("data-visible")) == far

    page.click("#filter-reset")
    page.uncheck("#filter-engagement-none")
    unassessed = sum(1 for n in nodes if n["engagement"] is None and not n["core"])
    assert int(canvas.get_attribute("data-visible")) == total - unassessed

    page.click("#filter-reset")
    council = _find(server, pid, "Wrenmouth Borough Council")["id"]
    page.select_option("#filter-organisation", str(council))
    by_id = {n["id"]: n for n in nodes}

    def under(n):
        seen = set()
        while n is not None and n["id"] not in seen:
            if n["id"] == council:
                return True
            seen.add(n["id"])
            n = by_id.get(n["organisation_id"])
        return False

    inside = sum(1 for n in nodes if n["core"] or under(n))
    assert int(canvas.get_attribute("data-visible")) == inside

    # tie kinds: keep only declared "funds" ties
    page.click("#filter-reset")
    ties = []
    offset = 0
    while True:
        chunk = server.get(f"/partnerships/{pid}/ties?limit=500&offset={offset}")
        ties += chunk["data"]
        offset += 500
        if offset >= chunk["count"]:
            break
    for kind in ("collaborates", "reports_to", "commissions", "advises", "informal", "engagement"):
        page.uncheck(f"#filter-tie-{kind}")
    kinds = {}
    for t in ties:
        key = tuple(sorted((t["source_id"], t["target_id"])))
        kinds.setdefault(key, set()).add(t["kind"])
    funds = sum(
        1
        for link in graph["links"]
        if "funds" in kinds.get(tuple(sorted((link["source"], link["target"]))), set())
    )
    page.wait_for_function(
        f"() => document.getElementById('map').dataset.visibleEdges === '{funds}'"
    )
    page.click("#filter-reset")
    page.wait_for_function(
        f"() => document.getElementById('map').dataset.visibleEdges === '{len(graph['links'])}'"
    )
    assert int(canvas.get_attribute("data-visible")) == total


def test_views_layouts_and_colourings(page, server):
    pid = server.demo_id
    graph = _graph(server, pid)
    page.goto(server.url(f"/partnerships/{pid}"))
    wait_map(page)
    canvas = page.locator("#map")

    page.select_option("#map-layout", "rings")
    wait_map(page)
    hub = graph["graph"]["hub_id"]
    assert page.evaluate(f"() => window.stakemapMap.network().getPositions([{hub}])[{hub}]") == {
        "x": 0,
        "y": 0,
    }
    screenshot(page, "map-rings")

    page.select_option("#map-view", "organisations")
    page.wait_for_function("() => document.getElementById('map').dataset.view === 'organisations'")
    wait_map(page)
    by_id = {n["id"]: n for n in graph["nodes"]}

    def top(n):
        if n["core"]:
            return hub
        seen = set()
        while n["organisation_id"] is not None and n["id"] not in seen:
            seen.add(n["id"])
            n = by_id[n["organisation_id"]]
        return n["id"]

    groups = {top(n) for n in graph["nodes"]}
    assert int(canvas.get_attribute("data-nodes")) == len(groups)
    screenshot(page, "map-organisations")

    joanne = _find(server, pid, "Joanne")["id"]
    page.fill("#map-search", "Joanne")
    page.keyboard.press("Enter")
    page.select_option("#map-view", "ego")
    page.wait_for_function("() => document.getElementById('map').dataset.view === 'ego'")
    wait_map(page)
    neighbours = {link["source"] for link in graph["links"] if link["target"] == joanne}
    neighbours |= {link["target"] for link in graph["links"] if link["source"] == joanne}
    assert int(canvas.get_attribute("data-nodes")) == len(neighbours | {joanne, hub})

    page.select_option("#map-view", "full")
    wait_map(page)
    louvain = server.get(f"/partnerships/{pid}/analysis/communities")["louvain"]
    first = len(louvain["communities"][0])
    for colour, text in [
        ("engagement", "Legend: Engagement now"),
        ("tier", "Legend: Steps from the core"),
        ("community", f"Community 1 ({first})"),
    ]:
        page.select_option("#map-colour", colour)
        page.locator("#legend").get_by_text(text).wait_for()
    page.select_option("#map-size", "betweenness")
    page.wait_for_timeout(300)
    assert page.locator("#map-status").get_attribute("data-kind") == "info"


def test_focus_from_a_link(page, server):
    pid = server.demo_id
    joanne = _find(server, pid, "Joanne")["id"]
    page.goto(server.url(f"/partnerships/{pid}?focus={joanne}"))
    wait_map(page)
    page.wait_for_function(f"() => document.getElementById('map').dataset.selected === '{joanne}'")
    assert page.locator("#panel-title").inner_text() == "Joanne Wright"


def _tab_to(page, test: str, limit: int = 40) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const a = document.activeElement; return {test}; }}"):
            return
    raise AssertionError(f"Tab never reached {test}")


def test_keyboard_only(page, server):
    pid = server.demo_id
    page.goto(server.url(f"/partnerships/{pid}"))
    wait_map(page)
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.className") == "skip-link"
    _tab_to(page, "a.id === 'map-search'")
    page.keyboard.type("Joanne")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "panel-title"
    _tab_to(page, "a.textContent === 'Edit'")
    page.keyboard.press("Enter")
    dialog = page.locator("#stakeholder-dialog")
    expect(page.locator("#sh-name")).to_have_value("Joanne Wright")
    assert page.evaluate("() => document.activeElement.id") == "sh-name"
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    _tab_to(page, "a.textContent === 'Show around them'")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.getElementById('map').dataset.view === 'ego'")
    # the filters open and work from the keyboard too
    page.focus("#map-search")
    _tab_to(page, "a.tagName === 'SUMMARY'")
    page.keyboard.press("Enter")
    _tab_to(page, "a.id === 'filter-sector-health'")
    page.keyboard.press("Space")
    assert page.locator("#filter-count").inner_text() == "1 on"


def test_a_viewer_sees_the_map_but_no_edit_controls(browser, server):
    watch = Watch()
    context = open_context(browser, server, watch, email=VIEWER)
    page = context.new_page()
    watch_page(page, watch)
    pid = server.demo_id
    page.goto(server.url(f"/partnerships/{pid}?focus={server.xss['org']}"))
    wait_map(page)
    page.locator("#panel .panel-section").first.wait_for()
    assert page.locator("#add-stakeholder, #log-engagement, #stakeholder-dialog").count() == 0
    assert page.locator("#panel").get_by_role("button", name="Edit").count() == 0
    assert page.locator("#panel").get_by_role("button", name="Show around them").is_visible()
    page.goto(server.url(f"/partnerships/{pid}/import"))
    assert page.locator("#import-file").is_disabled()
    assert "cannot import" in page.locator(".alert.warn").inner_text()
    context.close()
    assert not watch.problems(), watch.problems()


def test_a_big_map_opens_on_organisations_and_stays_usable(page, server):
    from app import importers
    from app.db import session_scope
    from app.schemas import PartnershipCreate
    from app.services import partnerships
    from bench.web import document

    with session_scope(server.engine) as s:
        pid = partnerships.create(
            session=s, data=PartnershipCreate(name="Big one"), creator=server.principal()
        ).id
    with session_scope(server.engine) as s:
        importers.import_document(
            session=s, partnership_id=pid, fmt="stakemap", doc=document(700), dry_run=False
        )
    graph = _graph(server, pid)
    assert len(graph["nodes"]) == 700
    page.goto(server.url(f"/partnerships/{pid}"))
    wait_map(page)
    canvas = page.locator("#map")
    assert canvas.get_attribute("data-view") == "organisations"
    groups = {n["id"] for n in graph["nodes"] if n["kind"] in ("hub", "organisation")}
    loose = [n for n in graph["nodes"] if n["organisation_id"] is None and n["kind"] == "person"]
    assert int(canvas.get_attribute("data-nodes")) == len(groups) + len(loose)
    # everyone at once: laid out on tier rings, no force layout
    page.select_option("#map-view", "full")
    page.wait_for_function("() => document.getElementById('map').dataset.view === 'full'")
    wait_map(page)
    assert int(canvas.get_attribute("data-nodes")) == 700
    assert page.locator("#map-layout").input_value() == "rings"
    assert page.locator("#map-layout option[value=force]").is_disabled()
    # a person found by search opens around them (ego view) from the organisation view
    page.select_option("#map-view", "organisations")
    wait_map(page)
    person = next(n for n in graph["nodes"] if n["kind"] == "person" and n["organisation_id"])
    page.fill("#map-search", person["name"])
    page.locator("#search-results button.result", has_text=person["name"]).first.click()
    page.wait_for_function("() => document.getElementById('map').dataset.view === 'ego'")
    wait_map(page)
    assert page.locator("#map").get_attribute("data-selected") == str(person["id"])
    screenshot(page, "map-big-ego")
