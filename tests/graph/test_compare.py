"""Comparing two dates (SPEC §6 History)."""

import json
from datetime import date

import pytest
from gapfixtures import Partnership

from graph.compare import compare, ranks
from graph.errors import InvalidDateRange

JAN, JUN = date(2024, 1, 1), date(2024, 6, 1)


def changing() -> Partnership:
    """Sam knows Ann throughout; Sam–Cy ends on 1 Feb; Ann–Bob starts on 1 March.

    1 January: Ann and Cy at tier 1, Bob unreachable; Sam lies between Ann and Cy.
    1 June: Ann at tier 1, Bob at tier 2, Cy unreachable; Ann lies between Sam and Bob.
    """
    p = Partnership()
    sam = p.member("Sam Patel")
    ann, bob, cy = p.person("Ann"), p.person("Bob"), p.person("Cy")
    p.tie(sam, ann, 5)
    p.tie(sam, cy, valid_to=date(2024, 2, 1))
    p.tie(ann, bob, valid_from=date(2024, 3, 1))
    p.engagements = []
    p.engage(400, "meeting", sam, ann)  # before January: not "logged between"
    p.engage(60, "email", ann, bob)  # 1 May
    return p


def run(p: Partnership, **kwargs) -> dict:
    r = p.records()
    return compare(r["nodes"], r["ties"], r["engagements"], **kwargs)


def test_reach_tiers_ties_and_rank_changes_between_two_dates():
    report = run(changing(), date_from=JAN, date_to=JUN)

    reach = report["reach"]
    assert [reach["from"][f"reach_{k}"] for k in (1, 2, 3)] == [2, 2, 2]
    assert [reach["to"][f"reach_{k}"] for k in (1, 2, 3)] == [1, 2, 2]
    assert reach["delta"]["reach_1"] == -1
    assert reach["delta"]["coverage_1"] == pytest.approx(-1 / 3)

    assert report["tier_changes"] == [
        {"id": 4, "name": "Bob", "from": None, "to": 2},
        {"id": 5, "name": "Cy", "from": 1, "to": None},
    ]
    assert report["ties"] == {"active_from": 2, "active_to": 2, "new": 1, "lost": 1}
    assert report["engagements_logged"] == 1

    movers = report["centrality"]["betweenness"]["top_movers"]
    assert [(m["name"], m["rank_from"], m["rank_to"], m["change"]) for m in movers] == [
        ("Sam Patel", 1, 2, -1),
        ("Ann", 2, 1, 1),
    ]
    assert set(report["centrality"]) == {"betweenness", "eigenvector"}
    json.dumps(report, allow_nan=False)


def test_the_same_date_twice_shows_no_change():
    report = run(changing(), date_from=JUN, date_to=JUN)
    # Key-player coverage is None (no key players), so its change is None too.
    assert set(report["reach"]["delta"].values()) == {0, None}
    assert report["reach"]["delta"]["key_player_coverage"] is None
    assert report["tier_changes"] == []
    assert report["ties"]["new"] == report["ties"]["lost"] == 0
    assert report["centrality"]["betweenness"]["top_movers"] == []


def test_from_after_to_raises():
    with pytest.raises(InvalidDateRange):
        run(changing(), date_from=JUN, date_to=JAN)
    with pytest.raises(ValueError):
        run(changing(), date_from=JUN, date_to=JAN)


def test_hub_only_and_tieless_partnerships_are_well_defined():
    report = run(Partnership(), date_from=JAN, date_to=JUN)
    assert report["reach"]["from"]["N"] == 0
    assert report["reach"]["from"]["coverage_1"] is None  # no stakeholders: no share
    p = Partnership()
    p.person("Ann")
    p.person("Bob")
    report = run(p, date_from=JAN, date_to=JUN)
    assert report["ties"] == {"active_from": 0, "active_to": 0, "new": 0, "lost": 0}
    json.dumps(report, allow_nan=False)


def test_ranks_share_ties_and_ignore_float_noise():
    assert ranks({1: 0.3, 2: 0.3 + 1e-12, 3: 0.1, 4: float("nan")}) == {1: 1, 2: 1, 3: 3, 4: 4}
