"""The /analysis routes and /graph: results, caching per revision, and bad parameters."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from app.auth import Principal
from app.db import session_scope
from app.demo import load_demo
from app.tables import AnalysisResult
from tests.factories import tiny_partnership

SECTIONS = ["summary", "reach", "centrality", "brokerage", "fragility", "communities", "gaps"]
GAP_RULES = {
    "engagement_gap",
    "key_player_unengaged",
    "unreached",
    "stale_contact",
    "no_face_to_face",
    "single_point_of_failure",
    "single_threaded_organisation",
    "leadership_not_engaged",
    "no_owner",
    "isolated_sector",
}


def _strict_json(text: str):
    """Parse JSON, failing on NaN or Infinity (which json.loads would otherwise accept)."""

    def refuse(token):
        raise AssertionError(f"{token} in JSON")

    return json.loads(text, parse_constant=refuse)


def _result_rows(engine) -> int:
    with session_scope(engine, write=False) as s:
        return s.execute(select(func.count()).select_from(AnalysisResult)).scalar_one()


def test_every_section_answers_on_a_small_partnership(api):
    t = tiny_partnership(api)
    pid = t["pid"]
    api.tie(pid, t["director"], t["coordinator"], strength=4)
    api.tie(pid, t["officer"], t["director"], kind="reports_to")
    for name in SECTIONS:
        r = api.get(f"/partnerships/{pid}/analysis/{name}")
        assert r.status_code == 200, (name, r.text)
        _strict_json(r.text)
    reach = api.ok("GET", f"/partnerships/{pid}/analysis/reach")
    # Core = hub + coordinator; the director is tied to the coordinator (tier 1), the officer to
    # the director (tier 2); the council and the food bank have no active ties (unreached).
    tiers = reach["tiers"]
    assert tiers[str(t["director"])] == 1
    assert tiers[str(t["officer"])] == 2
    assert tiers[str(t["charity"])] is None


def test_graph_is_node_link_with_strengths(api):
    t = tiny_partnership(api)
    pid = t["pid"]
    api.tie(pid, t["director"], t["coordinator"], strength=4)
    g = api.ok("GET", f"/partnerships/{pid}/graph")
    assert g["graph"]["hub_id"] == t["hub"]
    assert len(g["nodes"]) == 6
    # One declared tie of strength 4 and no engagements: s = 1 - (1 - 4/5) = 0.8 (SPEC §3).
    assert g["links"] == [
        {
            "source": min(t["director"], t["coordinator"]),
            "target": max(t["director"], t["coordinator"]),
            "strength": pytest.approx(0.8),
            "distance": pytest.approx(1.25),
        }
    ]


def test_results_are_cached_per_revision(api):
    t = tiny_partnership(api)
    pid = t["pid"]
    first = api.get(f"/partnerships/{pid}/analysis/centrality").text
    stored = _result_rows(api.engine)
    assert stored == len(SECTIONS)  # one full run keeps every section
    again = api.get(f"/partnerships/{pid}/analysis/summary").text
    assert _result_rows(api.engine) == stored  # served from the table, nothing recomputed
    assert _strict_json(again)["stakeholders"] == 6
    assert api.get(f"/partnerships/{pid}/analysis/centrality").text == first
    # A write moves the revision on: the next request computes afresh and old rows are dropped.
    api.tie(pid, t["director"], t["coordinator"], strength=5)
    after = _strict_json(api.get(f"/partnerships/{pid}/analysis/summary").text)
    assert after["active_ties"] == 1
    with session_scope(api.engine, write=False) as s:
        revisions = set(s.execute(select(AnalysisResult.revision)).scalars())
    assert revisions == {api.revision(pid)}


def test_only_the_hub_is_well_defined(api):
    p = api.partnership("Just a hub")
    pid = p["id"]
    for name in SECTIONS:
        r = api.get(f"/partnerships/{pid}/analysis/{name}")
        assert r.status_code == 200, (name, r.text)
        _strict_json(r.text)
    summary = api.ok("GET", f"/partnerships/{pid}/analysis/summary")
    assert summary["stakeholders"] == 1
    assert summary["active_ties"] == 0


def test_path_recommendations_what_if_compare(api):
    t = tiny_partnership(api)
    pid = t["pid"]
    api.tie(pid, t["director"], t["coordinator"], strength=5)
    api.tie(pid, t["officer"], t["director"], strength=5)
    path = api.ok("GET", f"/partnerships/{pid}/analysis/path", params={"target": t["officer"]})
    assert path["path"][-2:] == [t["director"], t["officer"]]
    assert path["strength"] == pytest.approx(1.0)
    rec = api.ok("GET", f"/partnerships/{pid}/analysis/recommendations", params={"k": 2})
    assert isinstance(rec["recommendations"], list)
    wi = api.ok("POST", f"/partnerships/{pid}/analysis/what-if", json={"remove": [t["director"]]})
    assert wi is not None
    cmp_ = api.ok(
        "GET",
        f"/partnerships/{pid}/analysis/compare",
        params={"from": "2026-01-01", "to": "2026-06-01"},
    )
    assert cmp_ is not None


@pytest.mark.parametrize(
    ("path", "params", "loc"),
    [
        ("analysis/path", {"target": 999_999}, "target"),
        ("analysis/path", {"target": "x"}, "target"),
        ("analysis/summary", {"as_of": "2026-13-01"}, "as_of"),
        ("analysis/recommendations", {"k": 0}, "k"),
        ("analysis/recommendations", {"k": 51}, "k"),
        ("analysis/compare", {"from": "2026-06-01", "to": "2026-01-01"}, "from"),
        ("analysis/compare", {"from": "June"}, "from"),
    ],
)
def test_bad_parameters_get_a_located_422(api, path, params, loc):
    t = tiny_partnership(api)
    r = api.get(f"/partnerships/{t['pid']}/{path}", params=params)
    assert r.status_code == 422, r.text
    assert loc in [x for item in r.json()["detail"] for x in item["loc"]]


def test_path_source_from_another_partnership_is_refused(api):
    a = tiny_partnership(api)
    b = tiny_partnership(api)
    r = api.get(
        f"/partnerships/{a['pid']}/analysis/path",
        params={"target": a["officer"], "source": b["director"]},
    )
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["query", "source"]


def test_what_if_with_unknown_ids_is_refused(api):
    t = tiny_partnership(api)
    r = api.post(
        f"/partnerships/{t['pid']}/analysis/what-if",
        json={"remove": [999_999], "add_ties": [{"source_id": t["director"], "target_id": 888}]},
    )
    assert r.status_code == 422
    locs = [item["loc"] for item in r.json()["detail"]]
    assert ["body", "remove", 0] in locs
    assert ["body", "add_ties", 0, "target_id"] in locs


def test_the_demo_shows_every_gap_rule(api):
    with session_scope(api.engine) as s:
        p = load_demo(session=s, owner=Principal(user_id=api.user_id, email="a@example.org"))
        pid = p.id
    gaps = api.ok("GET", f"/partnerships/{pid}/analysis/gaps")["gaps"]
    assert {g["rule"] for g in gaps} == GAP_RULES
    for g in gaps:
        assert g["message"] and g["suggestion"], g
