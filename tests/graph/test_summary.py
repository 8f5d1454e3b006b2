"""The summary and the full analysis: hand-worked numbers and degenerate partnerships."""

from __future__ import annotations

import json
import math
from datetime import date

import pytest

from graph.analysis import SECTIONS, full_analysis
from graph.build import build
from graph.model import Engagement, Node, Tie
from graph.summary import summary
from graph.testing import partnership


def no_nan(value) -> bool:
    json.dumps(value, allow_nan=False)  # raises on NaN or infinity
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(no_nan(v) for v in value.values())
    if isinstance(value, list):
        return all(no_nan(v) for v in value)
    return True


@pytest.fixture
def small():
    """Hub 1 with member 2; organisation 10 (health, influence 5) with persons 11, 12; a
    volunteer group 20 (voluntary_community); 30 on its own, isolated. Ties: 1-2, 2-11, 11-12,
    12-10, 11-20 (5 active ties)."""
    nodes = [
        Node(2, "person", "Coordinator", organisation_id=1),
        Node(10, "organisation", "Trust", sector="health", influence=5),
        Node(11, "person", "Director", organisation_id=10, sector="health", influence=4),
        Node(12, "person", "Nurse", organisation_id=10, sector="health"),
        Node(20, "group", "Volunteers", sector="voluntary_community", influence=4),
        Node(30, "person", "Isolated", influence=4),
    ]
    return partnership([(1, 2), (2, 11), (11, 12), (12, 10), (11, 20)], nodes=nodes, isolated=[30])


def test_summary_by_hand(small):
    s = summary(small)
    assert s["stakeholders"] == 7
    assert s["by_kind"] == {"hub": 1, "organisation": 1, "person": 4, "group": 1}
    assert s["core"] == 2
    assert s["active_ties"] == 5
    assert s["density"] == pytest.approx(5 / 21, abs=1e-15)  # 2m / (n (n - 1)) = 10 / 42
    assert (s["components"], s["largest_component"]) == (2, 6)
    # outside the core: 10, 11, 12, 20, 30. Tiers: 11 -> 1, 12 -> 2, 20 -> 2, 30 unreached;
    # organisation 10: own tier 3, member 11 at 1 -> 1.
    assert s["reach"] == {
        "N": 5,
        "reach_1": 2,
        "reach_2": 4,
        "reach_3": 4,
        "coverage_1": 0.4,
        "coverage_2": 0.8,
        "coverage_3": 0.8,
        "unreached": 1,
    }
    assert s["warm_reach"] == 4.0  # every tie s = 1: 10, 11, 12, 20 at 1.0
    # influence >= 4: 10, 11, 20, 30; within tier 2: all but 30
    assert (s["key_players"], s["key_player_coverage"]) == (4, 0.75)
    # by organisation: internal 1-2 (hub), 11-12, 12-10 (org:10); external 2-11, 11-20
    assert s["ei_index"]["organisation"] == pytest.approx(-1 / 5, abs=1e-15)
    # by sector: the same, with 20 in voluntary_community
    assert s["ei_index"]["sector"] == pytest.approx(-1 / 5, abs=1e-15)
    assert isinstance(s["modularity"], float) and s["communities"] >= 2
    assert s["as_of"] == "2024-01-01"


@pytest.mark.parametrize("engine", ["igraph", "networkx"])
@pytest.mark.parametrize(
    "case",
    ["hub_only", "hub_and_members", "no_ties", "components", "small"],
)
def test_full_analysis_is_defined_everywhere(case, engine, small):
    ag = {
        "hub_only": lambda: partnership([]),
        "hub_and_members": lambda: partnership([], members=[2, 3]),
        "no_ties": lambda: partnership([], isolated=[2, 3, 4]),
        "components": lambda: partnership([(1, 2), (3, 4), (4, 5), (5, 3)], isolated=[6]),
        "small": lambda: small,
    }[case]()
    r = full_analysis(ag, engine=engine)
    assert set(r) == {"as_of", *SECTIONS}
    assert no_nan(r)
    assert set(r["centrality"]) == set(ag.G)
    s = r["summary"]
    assert s["stakeholders"] == len(ag.nodes)
    if case in ("hub_only", "hub_and_members"):
        assert s["reach"]["N"] == 0 and s["reach"]["coverage_1"] is None
        assert s["key_player_coverage"] is None and s["modularity"] is None
        assert r["reach"]["via"] == {} and r["fragility"]["dependants"] == {}
    if case == "no_ties":
        assert s["active_ties"] == 0 and s["density"] == 0.0
        assert s["ei_index"] == {"organisation": None, "sector": None}
        assert r["brokerage"]["structural_holes"][2]["constraint"] is None
        assert s["reach"]["coverage_1"] == 0.0


def test_engines_agree_on_full_analysis(small):
    fast = full_analysis(small)
    ref = full_analysis(small, engine="networkx")
    for section in ("reach", "brokerage", "fragility"):
        assert fast[section] == ref[section]
    for v, row in ref["centrality"].items():
        assert fast["centrality"][v] == pytest.approx(row, abs=1e-9)
    assert fast["communities"]["ei_index"] == ref["communities"]["ei_index"]


def test_full_analysis_from_records():
    # a whole pipeline with engagements and an expired tie
    nodes = [Node(1, "hub", "Hub"), Node(2, "person", "M", organisation_id=1)]
    nodes += [Node(v, "person", f"p{v}") for v in range(3, 8)]
    ties = [Tie(1, 2, 3, strength=4), Tie(2, 3, 4, valid_to=date(2023, 1, 1))]
    engagements = [Engagement(1, date(2023, 12, 1), "meeting", (2, 4, 5))]
    ag = build(nodes, ties, engagements, as_of=date(2024, 1, 1))
    r = full_analysis(ag)
    assert r["reach"]["tiers"] == {1: 0, 2: 0, 3: 1, 4: 1, 5: 1, 6: None, 7: None}
    assert no_nan(r)
