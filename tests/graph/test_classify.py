"""Mendelow quadrants, cadence and the PMBOK engagement matrix (SPEC §4 Classification)."""

import pytest
from gapfixtures import Partnership

from graph.classify import CADENCE_DAYS, engagement_gap, engagement_matrix, level_index, quadrant
from graph.errors import InvalidParameter
from graph.model import Node


@pytest.mark.parametrize(
    ("influence", "interest", "expected"),
    [
        (5, 5, "key_player"),
        (4, 4, "key_player"),
        (4, 3, "keep_satisfied"),
        (5, None, "keep_satisfied"),
        (3, 4, "keep_informed"),
        (None, 5, "keep_informed"),
        (3, 3, "monitor"),
        (1, 1, "monitor"),
        (None, None, "monitor"),
    ],
)
def test_quadrant_high_is_four_or_five_and_missing_is_low(influence, interest, expected):
    assert quadrant(Node(1, "person", "A", influence=influence, interest=interest)) == expected


def test_cadence_days():
    assert CADENCE_DAYS == {
        "key_player": 30,
        "keep_satisfied": 60,
        "keep_informed": 90,
        "monitor": 180,
    }


@pytest.mark.parametrize(
    ("current", "desired", "expected"),
    [
        ("unaware", "leading", 4),
        ("neutral", "supportive", 1),
        ("supportive", "supportive", 0),
        ("leading", "neutral", -2),
        (None, "leading", None),
        ("neutral", None, None),
    ],
)
def test_engagement_gap(current, desired, expected):
    node = Node(1, "person", "A", engagement=current, desired_engagement=desired)
    assert engagement_gap(node) == expected


def test_unknown_engagement_level_is_rejected():
    with pytest.raises(InvalidParameter, match="'keen'"):
        level_index("keen")
    with pytest.raises(ValueError):
        engagement_gap(Node(1, "person", "A", engagement="keen", desired_engagement="leading"))


def test_engagement_matrix_rows_skip_core_and_unassessed_and_order_by_influence():
    p = Partnership()
    p.member("Sam Patel", engagement="leading", desired_engagement="leading")
    trust = p.org("Riverside NHS Trust", influence=5, desired_engagement="leading")
    p.person(
        "Dr Ayesha Khan",
        trust,
        influence=4,
        interest=5,
        engagement="neutral",
        desired_engagement="leading",
    )
    p.person("Ben Ode", trust, engagement="supportive")
    p.person("Unassessed Person", trust, influence=5)

    rows = engagement_matrix(p.build())

    assert rows == [
        {
            "stakeholder_id": 3,
            "name": "Riverside NHS Trust",
            "organisation": None,
            "quadrant": "keep_satisfied",
            "influence": 5,
            "interest": None,
            "current": None,
            "desired": "leading",
            "gap": None,
        },
        {
            "stakeholder_id": 4,
            "name": "Dr Ayesha Khan",
            "organisation": "Riverside NHS Trust",
            "quadrant": "key_player",
            "influence": 4,
            "interest": 5,
            "current": "neutral",
            "desired": "leading",
            "gap": 2,
        },
        {
            "stakeholder_id": 5,
            "name": "Ben Ode",
            "organisation": "Riverside NHS Trust",
            "quadrant": "monitor",
            "influence": None,
            "interest": None,
            "current": "supportive",
            "desired": None,
            "gap": None,
        },
    ]


def test_engagement_matrix_of_a_hub_only_partnership_is_empty():
    assert engagement_matrix(Partnership().build()) == []
