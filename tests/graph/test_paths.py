"""Warmest introduction paths (SPEC §6)."""

import pytest
from gapfixtures import Partnership

from graph.errors import InvalidParameter, UnknownStakeholder
from graph.paths import path_strength, warmest_path, warmest_paths


def introductions():
    """Four routes from the core to Tess, by hand (s = declared strength / 5):

    Sam→Bea→Cal→Tess  0.8 · 0.8 · 0.8 = 0.512   (warmest, though three steps)
    Sam→Ann→Tess      1.0 · 0.4       = 0.4
    Board→Dev→Tess    0.6 · 0.6       = 0.36
    Sam→Eve→Tess      0.2 · 1.0       = 0.2
    """
    p = Partnership()
    sam = p.member("Sam Patel")
    ann, bea, cal, dev, tess, eve = (
        p.person(n) for n in ("Ann", "Bea", "Cal", "Dev", "Tess", "Eve")
    )
    p.tie(sam, ann, 5)
    p.tie(ann, tess, 2)
    p.tie(sam, bea, 4)
    p.tie(bea, cal, 4)
    p.tie(cal, tess, 4)
    p.tie(p.hub, dev, 3)
    p.tie(dev, tess, 3)
    p.tie(sam, eve, 1)
    p.tie(eve, tess, 5)
    p.person("Zed Alone")
    return p


def test_warmest_path_maximises_the_product_of_strengths():
    result = warmest_path(introductions().build(), 7)

    assert result["path"] == [2, 4, 5, 7]
    assert result["names"] == ["Sam Patel", "Bea", "Cal", "Tess"]
    assert result["strength"] == pytest.approx(0.512)
    assert result["steps"] == [
        {"from": 2, "to": 4, "strength": pytest.approx(0.8)},
        {"from": 4, "to": 5, "strength": pytest.approx(0.8)},
        {"from": 5, "to": 7, "strength": pytest.approx(0.8)},
    ]
    assert result["source"] is None
    assert result["target"] == 7


def test_alternatives_avoid_earlier_intermediaries_and_are_warmest_first():
    result = warmest_path(introductions().build(), 7)

    alternatives = [(a["names"], a["strength"]) for a in result["alternatives"]]
    assert alternatives == [
        (["Sam Patel", "Ann", "Tess"], pytest.approx(0.4)),
        (["Riverside Partnership Board", "Dev", "Tess"], pytest.approx(0.36)),
        (["Sam Patel", "Eve", "Tess"], pytest.approx(0.2)),
    ]
    first_middle = set(result["path"][1:-1])
    for alternative in result["alternatives"]:
        assert not first_middle & set(alternative["path"][1:-1])


def test_number_of_alternatives_is_a_limit():
    ag = introductions().build()
    assert len(warmest_path(ag, 7, alternatives=1)["alternatives"]) == 1
    assert warmest_path(ag, 7, alternatives=0)["alternatives"] == []
    # Only four routes exist: asking for more gives three.
    assert len(warmest_path(ag, 7, alternatives=10)["alternatives"]) == 3


def test_a_direct_tie_is_followed_by_a_direct_tie_from_another_core_member():
    p = Partnership()
    sam = p.member("Sam Patel")
    xi = p.person("Xi")
    p.tie(p.hub, xi, 3)  # 0.6
    p.tie(sam, xi, 2)  # 0.4
    result = warmest_path(p.build(), xi)
    assert result["path"] == [p.hub, xi]
    assert [a["path"] for a in result["alternatives"]] == [[sam, xi]]


def test_a_path_from_the_core_passes_through_one_core_node_only():
    p = Partnership()
    sam = p.member("Sam Patel")
    xi = p.person("Xi")
    p.tie(p.hub, sam, 5)
    p.tie(sam, xi, 3)
    assert warmest_path(p.build(), xi)["path"] == [sam, xi]


def test_from_a_given_stakeholder_the_path_may_cross_the_core():
    # Ann→Sam→Bea→Cal = 1.0 · 0.8 · 0.8 = 0.64 beats Ann→Tess→Cal = 0.4 · 0.8 = 0.32.
    result = warmest_path(introductions().build(), 5, source=3)
    assert result["path"] == [3, 2, 4, 5]
    assert result["strength"] == pytest.approx(0.64)
    assert result["source"] == 3


def test_unreachable_target_gives_a_null_path():
    assert warmest_path(introductions().build(), 9) == {
        "source": None,
        "target": 9,
        "path": None,
        "names": None,
        "strength": 0.0,
        "steps": [],
        "alternatives": [],
    }


def test_target_in_the_core_is_a_trivial_path():
    ag = introductions().build()
    for v in (1, 2):
        result = warmest_path(ag, v)
        assert result["path"] == [v]
        assert result["strength"] == 1.0
        assert result["steps"] == []
        assert result["alternatives"] == []
    assert warmest_path(ag, 7, source=7)["path"] == [7]


def test_unknown_ids_and_bad_parameters_raise():
    ag = introductions().build()
    with pytest.raises(UnknownStakeholder) as info:
        warmest_path(ag, 404)
    assert (info.value.stakeholder_id, info.value.param) == (404, "target")
    with pytest.raises(UnknownStakeholder):
        warmest_path(ag, 7, source=405)
    with pytest.raises(ValueError):  # UnknownStakeholder is a ValueError
        warmest_path(ag, 404)
    with pytest.raises(InvalidParameter):
        warmest_path(ag, 7, alternatives=-1)
    with pytest.raises(UnknownStakeholder):
        warmest_paths(ag, source=404)


def test_warmest_paths_from_the_core_to_everyone_reachable():
    ag = introductions().build()
    paths = warmest_paths(ag)
    assert paths[7] == [2, 4, 5, 7]
    assert paths[1] == [1] and paths[2] == [2]
    assert 9 not in paths
    assert path_strength(ag, paths[6]) == pytest.approx(0.6)


def test_hub_only_partnership():
    ag = Partnership().build()
    assert warmest_paths(ag) == {1: [1]}
    assert warmest_path(ag, 1)["path"] == [1]
