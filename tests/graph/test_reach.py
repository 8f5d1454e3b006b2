"""Reach from the core (SPEC §4) on a hand-worked partnership.

The partnership (declared tie strength a gives s = a/5)::

    hub 1 ─(s 1.0)─ 11 ─(1.0)─ 12 ─(1.0)─ 50
    member 2 ─(0.8)─ 30 ─(0.6)─ 12
                     30 ─(0.4)─ 21 ─(0.4)─ 50
                                21 ─(1.0)─ 20

Organisation 10 (members 11, 12) has no tie of its own; organisation 20 (member 21) is tied to 21;
40 is isolated. Tiers by hand: 11, 30 → 1; 12, 21 → 2; 20, 50 → 3; 10, 40 unreachable.
"""

from __future__ import annotations

import pytest

from graph.model import Node
from graph.reach import (
    effective_tiers,
    organisation_tiers,
    reach_summary,
    tiers,
    unique_reach,
    via,
    warm_reach,
)
from graph.testing import partnership


@pytest.fixture
def ag():
    nodes = [
        Node(1, "hub", "Hub"),
        Node(2, "person", "Coordinator", organisation_id=1),
        Node(10, "organisation", "Council", sector="local_government", influence=5),
        Node(11, "person", "Director", organisation_id=10, sector="local_government", influence=4),
        Node(12, "person", "Officer", organisation_id=10, sector="local_government", influence=2),
        Node(20, "organisation", "Trust", sector="health", influence=4),
        Node(21, "person", "Nurse", organisation_id=20, sector="health"),
        Node(30, "person", "Volunteer lead", sector="voluntary_community", influence=5),
        Node(40, "person", "Isolated", influence=4),
        Node(50, "person", "Resident"),
    ]
    ties = [(1, 11, 5), (11, 12, 5), (12, 50, 5), (2, 30, 4), (30, 12, 3), (30, 21, 2)]
    ties += [(21, 50, 2), (21, 20, 5)]
    return partnership(ties, nodes=nodes, isolated=[40])


def test_tiers(ag):
    assert tiers(ag) == {
        1: 0,
        2: 0,
        10: None,
        11: 1,
        12: 2,
        20: 3,
        21: 2,
        30: 1,
        40: None,
        50: 3,
    }


def test_organisation_tiers(ag):
    # 10: own None, member 11 at 1 -> 1; 20: own 3, member 21 at 2 -> 2
    assert organisation_tiers(ag) == {10: 1, 20: 2}
    eff = effective_tiers(ag)
    assert eff[10] == 1 and eff[20] == 2 and eff[50] == 3


def test_warm_reach(ag):
    w = warm_reach(ag)
    # 12: max(1.0 * 1.0 via 11, 0.8 * 0.6 via 30) = 1.0; 50: max(1.0 via 12, ...) = 1.0;
    # 21: max(0.8 * 0.4 = 0.32 via 30, 1.0 * 0.4 = 0.4 via 50) = 0.4; 20: 0.4 * 1.0
    expected = {1: 1.0, 2: 1.0, 10: 0.0, 11: 1.0, 12: 1.0, 20: 0.4, 21: 0.4, 30: 0.8}
    expected |= {40: 0.0, 50: 1.0}
    assert w == pytest.approx(expected, abs=1e-15)


def test_via_and_unique_reach(ag):
    # 12 is two hops from the core through 11 and through 30; 50's tier-2 neighbours are
    # 12 (via 11, 30) and 21 (via 30): the union
    assert via(ag) == {11: [11], 12: [11, 30], 20: [30], 21: [30], 30: [30], 50: [11, 30]}
    # tier-2 nodes reached through one tier-1 stakeholder only: 21 through 30
    assert unique_reach(ag) == {11: [], 30: [21]}


def test_reach_summary(ag):
    s = reach_summary(ag)
    # outside the core: 10, 11, 12, 20, 21, 30, 40, 50 (N = 8); effective tiers
    # 10 -> 1, 11 -> 1, 30 -> 1; 12, 20, 21 -> 2; 50 -> 3; 40 unreached
    assert (s["N"], s["reach_1"], s["reach_2"], s["reach_3"], s["unreached"]) == (8, 3, 6, 7, 1)
    assert (s["coverage_1"], s["coverage_2"], s["coverage_3"]) == (3 / 8, 6 / 8, 7 / 8)
    # 1.0 (11) + 1.0 (12) + 0.4 (20) + 0.4 (21) + 0.8 (30) + 1.0 (50)
    assert s["warm_reach"] == pytest.approx(4.6, abs=1e-12)
    # influence >= 4: 10, 11, 20, 30, 40; all but 40 within tier 2
    assert (s["key_players"], s["key_player_coverage"]) == (5, 0.8)
    assert s["by_kind"]["organisation"] == {
        "N": 2,
        "reach_1": 1,
        "reach_2": 2,
        "reach_3": 2,
        "coverage_1": 0.5,
        "coverage_2": 1.0,
        "coverage_3": 1.0,
        "unreached": 0,
    }
    assert s["by_kind"]["person"]["N"] == 6 and s["by_kind"]["person"]["reach_3"] == 5
    assert sorted(s["by_sector"]) == ["health", "local_government", "none", "voluntary_community"]
    assert s["by_sector"]["local_government"]["reach_1"] == 2
    assert s["by_sector"]["none"]["unreached"] == 1
    assert s["by_organisation"][10]["tier"] == 1 and s["by_organisation"][10]["N"] == 3
    assert s["by_organisation"][20]["tier"] == 2 and s["by_organisation"][20]["reach_1"] == 0


def test_hub_only():
    ag = partnership([], members=[2])
    assert tiers(ag) == {1: 0, 2: 0}
    assert warm_reach(ag) == {1: 1.0, 2: 1.0}
    assert via(ag) == {} and unique_reach(ag) == {}
    s = reach_summary(ag)
    assert s["N"] == 0 and s["coverage_1"] is None and s["key_player_coverage"] is None
    assert s["warm_reach"] == 0.0


def test_no_ties_and_several_components():
    ag = partnership([(3, 4), (4, 5)], isolated=[2])
    assert tiers(ag) == {1: 0, 2: None, 3: None, 4: None, 5: None}
    assert warm_reach(ag) == {1: 1.0, 2: 0.0, 3: 0.0, 4: 0.0, 5: 0.0}
    s = reach_summary(ag)
    assert (s["N"], s["reach_3"], s["coverage_3"], s["unreached"]) == (4, 0, 0.0, 4)


def test_every_core_node_is_a_source():
    # member 2 is far from the hub; 5 is one hop from 2
    ag = partnership([(1, 3), (3, 4), (4, 2), (2, 5)], members=[2])
    assert tiers(ag) == {1: 0, 2: 0, 3: 1, 4: 1, 5: 1}
    assert via(ag) == {3: [3], 4: [4], 5: [5]}


def test_via_with_many_shortest_paths():
    # 300 tier-2 stakeholders between tier-1 2 and tier-3 999: 300 shortest paths, one via
    ties = [(1, 2)] + [(2, v) for v in range(10, 310)] + [(v, 999) for v in range(10, 310)]
    ag = partnership(ties)
    assert via(ag)[999] == [2]
    assert unique_reach(ag) == {2: list(range(10, 310))}
