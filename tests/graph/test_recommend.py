"""Next best engagements (SPEC §6)."""

import pytest
from gapfixtures import Partnership

from graph.errors import InvalidParameter
from graph.recommend import next_best_engagements


def widening() -> Partnership:
    """Sam – Ann (tier 1) – Bob, Cara (tier 2); behind Bob: Dan (influence 5), Eli (2); behind
    Cara: Fay, Gus, Hal; behind Fay: Ivy (influence 4), Jo. Unrated stakeholders weigh 1.

    Round 1: Bob brings Dan + Eli = 5 + 2 = 7; Fay brings herself + Ivy + Jo = 1 + 4 + 1 = 6;
    Ivy 4 + 1 = 5; Dan 5; Cara Fay + Gus + Hal = 3. Bob.
    Round 2: Fay 6 beats Ivy 5 and Cara 3.
    Round 3: Cara brings Gus + Hal = 2 (Gus or Hal alone bring 1). Then nobody brings anyone new.
    """
    p = Partnership()
    sam = p.member("Sam Patel")
    ann = p.person("Ann")
    bob, cara = p.person("Bob"), p.person("Cara")
    dan, eli = p.person("Dan", influence=5), p.person("Eli", influence=2)
    fay, gus, hal = p.person("Fay"), p.person("Gus"), p.person("Hal")
    ivy, jo = p.person("Ivy", influence=4), p.person("Jo")
    p.tie(sam, ann)
    for a, b in [(ann, bob), (ann, cara), (bob, dan), (bob, eli), (cara, fay), (cara, gus)]:
        p.tie(a, b)
    for a, b in [(cara, hal), (fay, ivy), (fay, jo)]:
        p.tie(a, b)
    return p


def test_greedy_picks_with_gains_new_names_and_introducers():
    picks = next_best_engagements(widening().build(), k=5)
    summary = [
        (p["name"], p["gain"], p["new_count"], [r["name"] for r in p["newly_reached"]])
        for p in picks
    ]
    assert summary == [
        ("Bob", 7, 2, ["Dan", "Eli"]),
        ("Fay", 6, 3, ["Ivy", "Fay", "Jo"]),
        ("Cara", 2, 2, ["Gus", "Hal"]),
    ]
    assert [p["introducer"] for p in picks] == [
        {"id": 3, "name": "Ann"},
        {"id": 5, "name": "Cara"},
        {"id": 3, "name": "Ann"},
    ]
    assert picks[1]["path"] == [2, 3, 5, 8]
    assert picks[1]["path_strength"] == pytest.approx(0.6**3)
    assert picks[1]["tier"] == 3


def test_k_limits_the_picks():
    ag = widening().build()
    assert [p["name"] for p in next_best_engagements(ag, k=1)] == ["Bob"]
    assert next_best_engagements(ag, k=0) == []
    with pytest.raises(InvalidParameter):
        next_best_engagements(ag, k=-1)


def test_stakeholders_already_at_tier_one_are_not_candidates():
    p = Partnership()
    sam = p.member("Sam Patel")
    for name in ("Ann", "Bob"):
        p.tie(sam, p.person(name))
    assert next_best_engagements(p.build()) == []


def test_with_no_ties_each_pick_brings_only_itself_and_has_no_introducer():
    p = Partnership()
    p.member("Sam Patel")
    p.person("Ann", influence=3)
    p.person("Bob")
    picks = next_best_engagements(p.build())
    assert [(x["name"], x["gain"], x["introducer"], x["path"]) for x in picks] == [
        ("Ann", 3, None, None),
        ("Bob", 1, None, None),
    ]
    assert picks[0]["path_strength"] == 0.0


def test_hub_only_partnership_has_no_recommendations():
    assert next_best_engagements(Partnership().build()) == []
