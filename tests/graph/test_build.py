"""Tie strength and the analytic graph (SPEC §3); every expected number is worked out by hand."""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest

from graph.build import (
    build,
    distance,
    group_of,
    groups,
    tie_is_valid,
    tie_strengths,
)
from graph.model import Engagement, Node, Tie

AS_OF = date(2024, 6, 1)
H = 180.0


def people(*ids: int) -> list[Node]:
    return [Node(1, "hub", "Hub")] + [Node(i, "person", f"p{i}") for i in ids]


def eng(k: int, participants, channel="face_to_face", age=0) -> Engagement:
    return Engagement(k, AS_OF - timedelta(days=age), channel, tuple(participants))


def strengths(ties=(), engagements=(), nodes=None, **kw) -> dict:
    nodes = nodes or people(*range(2, 70))
    return tie_strengths(nodes, list(ties), list(engagements), as_of=AS_OF, half_life=H, **kw)


def test_decay_halves_at_the_half_life():
    # d = 0.5 ** (180 / 180) = 0.5; face to face c = 1, k = 2: s = 1 * 0.5 / 1 = 0.5
    assert strengths(engagements=[eng(1, (2, 3), age=180)]) == {(2, 3): 0.5}
    # 360 days: d = 0.25
    assert strengths(engagements=[eng(1, (2, 3), age=360)]) == {(2, 3): 0.25}


@pytest.mark.parametrize(
    ("channel", "c"),
    # SPEC §2 channel weights
    [("face_to_face", 1.0), ("meeting", 0.8), ("video", 0.6), ("call", 0.5), ("email", 0.2)],
)
def test_channel_weight(channel, c):
    assert strengths(engagements=[eng(1, (2, 3), channel)]) == {(2, 3): c}


def test_participant_count_divides_by_k_minus_1():
    # k = 3, a meeting today: every pair gets c / (k - 1) = 0.8 / 2 = 0.4
    assert strengths(engagements=[eng(1, (2, 3, 4), "meeting")]) == {
        (2, 3): 0.4,
        (2, 4): 0.4,
        (3, 4): 0.4,
    }


def test_duplicate_participants_count_once():
    # distinct participants {2, 3}: k = 2, s = 1
    assert strengths(engagements=[eng(1, (2, 3, 3, 2))]) == {(2, 3): 1.0}


def test_fifty_participants_cut():
    # 50 participants: each pair gets 1 / 49; 51 participants add no pair evidence
    s50 = strengths(engagements=[eng(1, range(2, 52))])
    assert len(s50) == 50 * 49 // 2
    assert s50[(2, 3)] == pytest.approx(1 / 49, abs=1e-15)
    assert strengths(engagements=[eng(1, range(2, 53))]) == {}


def test_declared_and_evidence_combine_by_noisy_or():
    # a = 2 -> a/5 = 0.4; a meeting today (k = 2) -> 0.8: s = 1 - 0.6 * 0.2 = 0.88
    s = strengths([Tie(1, 2, 3, strength=2)], [eng(1, (3, 2), "meeting")])
    assert s[(2, 3)] == pytest.approx(0.88, abs=1e-15)
    # two face-to-face meetings 180 days old: 1 - 0.5 * 0.5 = 0.75
    s = strengths(engagements=[eng(1, (2, 3), age=180), eng(2, (2, 3), age=180)])
    assert s[(2, 3)] == pytest.approx(0.75, abs=1e-15)


def test_largest_declared_strength_counts():
    # ties of strength 2 and 4 between the same pair (either direction): a = 4, s = 0.8
    assert strengths([Tie(1, 2, 3, strength=2), Tie(2, 3, 2, strength=4)]) == {(2, 3): 0.8}


def test_tie_validity_window():
    day = timedelta(days=1)
    valid = Tie(1, 2, 3, strength=5, valid_from=AS_OF, valid_to=AS_OF)  # bounds inclusive
    expired = Tie(2, 2, 4, strength=5, valid_to=AS_OF - day)
    future = Tie(3, 2, 5, strength=5, valid_from=AS_OF + day)
    assert tie_is_valid(valid, AS_OF) and not tie_is_valid(expired, AS_OF)
    assert strengths([valid, expired, future]) == {(2, 3): 1.0}
    ag = build(people(2, 3, 4, 5), [valid, expired, future], [], as_of=AS_OF)
    assert ag.ties == [valid]


def test_engagements_after_as_of_are_ignored():
    later = Engagement(1, AS_OF + timedelta(days=1), "face_to_face", (2, 3))
    today = eng(2, (2, 4))
    assert strengths(engagements=[later, today]) == {(2, 4): 1.0}
    ag = build(people(2, 3, 4), [], [later, today], as_of=AS_OF)
    assert ag.engagements == [today]
    assert sorted(ag.G.edges()) == [(2, 4)]


def test_threshold_is_inclusive_at_exactly_one_tenth():
    # social media c = 0.1, k = 2, today: s = 0.1 exactly -> active
    # newsletter c = 0.05: s = 0.05; two newsletters: 1 - 0.95**2 = 0.0975 -> not active
    e = [eng(1, (2, 3), "social_media"), eng(2, (4, 5), "newsletter")]
    e += [eng(3, (6, 7), "newsletter"), eng(4, (6, 7), "newsletter")]
    s = strengths(engagements=e)
    assert s[(2, 3)] == 0.1
    assert s[(6, 7)] == pytest.approx(0.0975, abs=1e-15)
    ag = build(people(*range(2, 8)), [], e, as_of=AS_OF)
    assert sorted(ag.G.edges()) == [(2, 3)]
    assert ag.G[2][3] == {"strength": 0.1, "distance": distance(0.1)}


def test_edge_attributes_strength_and_distance():
    ag = build(people(2, 3), [Tie(1, 2, 3, strength=3)], [], as_of=AS_OF)
    data = ag.G[2][3]
    assert data["strength"] == 0.6
    # 1/s on a 2**-20 grid: within 2**-21 of 1/0.6
    assert data["distance"] == pytest.approx(1 / 0.6, abs=2**-21)
    assert data["distance"] * 2**20 == int(data["distance"] * 2**20)


def test_every_stakeholder_is_a_node_and_hub_found():
    ag = build(people(2, 3, 4), [Tie(1, 2, 3)], [], as_of=AS_OF)
    assert sorted(ag.G) == sorted(ag.D) == [1, 2, 3, 4]
    assert ag.hub_id == 1 and ag.core == frozenset({1})
    assert ag.G.nodes[2]["kind"] == "person"


def test_exactly_one_hub_required():
    with pytest.raises(ValueError):
        build([Node(2, "person", "p")], [], [], as_of=AS_OF)


def test_directed_view():
    ties = [
        Tie(1, 2, 3, kind="reports_to", directed=True),  # 2 -> 3 only
        Tie(2, 4, 5, kind="funds", directed=True),  # declared both ways: both arcs
        Tie(3, 5, 4, kind="funds", directed=True),
        Tie(4, 6, 7),  # undirected: both arcs
        Tie(5, 8, 9, directed=True, strength=1, valid_to=AS_OF - timedelta(days=1)),  # expired
    ]
    e = [eng(1, (2, 3)), eng(2, (10, 11)), eng(3, (8, 9))]  # evidence only: both arcs
    ag = build(people(*range(2, 12)), ties, e, as_of=AS_OF)
    assert sorted(ag.D.edges()) == [
        (2, 3),
        (4, 5),
        (5, 4),
        (6, 7),
        (7, 6),
        (8, 9),
        (9, 8),
        (10, 11),
        (11, 10),
    ]
    assert ag.D[2][3]["strength"] == 1.0  # a = 3 and a face-to-face today: s = 1


def test_directed_tie_below_threshold_gives_no_arc():
    ag = build(people(2, 3), [Tie(1, 2, 3, directed=True, strength=1)], [], as_of=AS_OF)
    assert list(ag.D.edges()) == [(2, 3)]  # a = 1 -> s = 0.2, active
    e = [eng(1, (2, 3), "newsletter")]
    ag = build(people(2, 3), [], e, as_of=AS_OF)
    assert list(ag.D.edges()) == []  # s = 0.05


def test_unknown_participants_are_ignored_but_counted():
    # 99 is not a stakeholder: k = 3, pair (2, 3) gets 1/2
    assert strengths(engagements=[eng(1, (2, 3, 99))], nodes=people(2, 3)) == {(2, 3): 0.5}


def test_many_large_engagements_are_cheap():
    # 20,000 engagements of 60 participants add no pairs; must not enumerate 1,770 pairs each
    big = [eng(k, range(2, 62)) for k in range(20_000)]
    start = time.perf_counter()
    assert strengths(engagements=big) == {}
    assert time.perf_counter() - start < 5.0


def organisation_partnership():
    nodes = [
        Node(1, "hub", "Hub"),
        Node(2, "person", "Hub member", organisation_id=1),
        Node(3, "group", "Hub working group", organisation_id=1),
        Node(4, "person", "In hub group", organisation_id=3),
        Node(10, "organisation", "Council", sector="local_government"),
        Node(11, "person", "Officer", organisation_id=10, sector="local_government"),
        Node(12, "group", "Council team", organisation_id=10),
        Node(13, "person", "Team member", organisation_id=12, sector="housing"),
        Node(20, "group", "Residents' forum"),
        Node(21, "person", "Resident", organisation_id=20),
        Node(30, "person", "Freelancer", sector="private"),
        Node(40, "person", "Orphan", organisation_id=999),
    ]
    return build(nodes, [], [], as_of=AS_OF)


def test_groups_by_organisation():
    ag = organisation_partnership()
    assert groups(ag) == {
        1: "hub",
        2: "hub",
        3: "hub",
        4: "hub",  # person -> group -> hub
        10: "org:10",
        11: "org:10",
        12: "org:10",
        13: "org:10",  # person -> group -> organisation
        20: "node:20",  # a group with no organisation is its own group ...
        21: "node:20",  # ... and its members are in it
        30: "node:30",
        40: "node:40",  # unknown organisation id: on its own
    }


def test_groups_by_sector():
    ag = organisation_partnership()
    g = groups(ag, by="sector")
    assert g[1] == g[2] == g[4] == "hub"
    assert g[11] == "local_government" and g[13] == "housing" and g[30] == "private"
    assert g[12] == g[20] == "none"
    assert group_of(ag, 13, by="sector") == "housing"
    with pytest.raises(ValueError):
        group_of(ag, 13, by="colour")


def test_group_cycle_does_not_hang():
    nodes = [
        Node(1, "hub", "Hub"),
        Node(2, "group", "A", organisation_id=3),
        Node(3, "group", "B", organisation_id=2),
    ]
    ag = build(nodes, [], [], as_of=AS_OF)
    assert groups(ag)[2] in {"node:2", "node:3"}
