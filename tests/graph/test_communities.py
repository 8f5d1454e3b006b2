"""Communities and fault lines (SPEC §4)."""

from __future__ import annotations

import random

import networkx as nx
import pytest

from graph.build import build
from graph.communities import ei_index, louvain, mixing_matrix, modularity
from graph.model import Node, Tie
from graph.testing import AS_OF, from_networkx, partnership


def random_partnership(seed: int):
    rng = random.Random(seed)
    nodes = [Node(1, "hub", "Hub")] + [Node(v, "person", f"p{v}") for v in range(2, 121)]
    # six planted groups of 20, dense inside, sparse across, random strengths
    ties = []
    for k in range(600):
        u = rng.randint(2, 120)
        same = rng.random() < 0.85
        v = (u - 2) // 20 * 20 + 2 + rng.randrange(20) if same else rng.randint(2, 120)
        if u != v:
            ties.append(Tie(k, u, v, strength=rng.randint(1, 5)))
    return build(nodes, ties, [], as_of=AS_OF)


GRAPHS = {
    "karate": lambda: from_networkx(nx.karate_club_graph())[0],
    "florentine": lambda: from_networkx(nx.florentine_families_graph())[0],
    "kite": lambda: from_networkx(nx.krackhardt_kite_graph())[0],
    **{f"random{s}": (lambda s=s: random_partnership(s)) for s in range(8)},
}


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_igraph_louvain_is_as_good_as_networkx(name):
    ag = GRAPHS[name]()
    fast = louvain(ag)
    ref = louvain(ag, engine="networkx")
    assert ref["modularity"] == pytest.approx(
        nx.community.modularity(
            ag.G,
            nx.community.louvain_communities(ag.G, weight="strength", seed=42),
            weight="strength",
        ),
        abs=1e-12,
    )
    assert fast["modularity"] >= ref["modularity"] - 1e-6
    # the reported modularity is that of the reported partition
    assert fast["modularity"] == pytest.approx(
        nx.community.modularity(ag.G, fast["communities"], weight="strength"), abs=1e-12
    )


def test_karate_modularity_bound():
    # Brandes et al. (2008), "On modularity clustering", IEEE TKDE 20(2): 172-188, prove the
    # maximum modularity of Zachary's karate club to be 0.4198 (unweighted).
    q = louvain(from_networkx(nx.karate_club_graph())[0])["modularity"]
    assert 0.40 < q <= 0.4198 + 1e-4


def test_louvain_shape_and_determinism():
    ag = random_partnership(1)
    r = louvain(ag)
    assert r == louvain(ag)  # seeded
    sizes = [len(c) for c in r["communities"]]
    assert sizes == sorted(sizes, reverse=True) and sum(sizes) == len(ag.G)
    for k, members in enumerate(r["communities"]):
        assert members == sorted(members)
        assert all(r["membership"][v] == k for v in members)


def test_two_triangles():
    # two triangles joined by one tie: Q = 2 * (3/7 - (7/14)**2) = 0.357142...
    ag = partnership([(1, 2), (2, 3), (3, 1), (4, 5), (5, 6), (6, 4), (3, 4)])
    for engine in ("igraph", "networkx"):
        r = louvain(ag, engine=engine)
        assert r["communities"] == [[1, 2, 3], [4, 5, 6]]
        assert r["modularity"] == pytest.approx(2 * (3 / 7 - 0.25), abs=1e-12)


def test_no_ties():
    ag = partnership([], isolated=[2, 3])
    r = louvain(ag)
    assert r == {
        "membership": {1: 0, 2: 1, 3: 2},
        "modularity": None,
        "communities": [[1], [2], [3]],
    }
    assert modularity(ag, [[1, 2, 3]]) is None
    assert ei_index(ag) == {"global": None, "groups": {"hub": None, "node:2": None, "node:3": None}}


@pytest.fixture
def sectors():
    """Hub 1 and member 2; council 10 (local_government) with 11, 12; trust 20 (health) with 21;
    a resident 30 with no sector. Ties: 1-2, 2-11, 11-12, 12-10, 11-21, 21-20, 20-30."""
    nodes = [
        Node(2, "person", "Coordinator", organisation_id=1),
        Node(10, "organisation", "Council", sector="local_government"),
        Node(11, "person", "a", organisation_id=10, sector="local_government"),
        Node(12, "person", "b", organisation_id=10, sector="local_government"),
        Node(20, "organisation", "Trust", sector="health"),
        Node(21, "person", "c", organisation_id=20, sector="health"),
        Node(30, "person", "Resident"),
    ]
    edges = [(1, 2), (2, 11), (11, 12), (12, 10), (11, 21), (21, 20), (20, 30)]
    return partnership(edges, nodes=nodes)


def test_ei_index_by_hand(sectors):
    # By organisation: internal 1-2 (hub), 11-12, 12-10 (org:10), 21-20 (org:20) -> I = 4;
    # external 2-11, 11-21, 20-30 -> E = 3. Global (3 - 4) / 7.
    # hub: E 1, I 1 -> 0; org:10: E 2 (2-11, 11-21), I 2 -> 0; org:20: E 2, I 1 -> 1/3;
    # node:30: E 1, I 0 -> 1.
    assert ei_index(sectors) == {
        "global": -1 / 7,
        "groups": {"hub": 0.0, "node:30": 1.0, "org:10": 0.0, "org:20": 1 / 3},
    }
    # By sector the same partition except the resident's group is "none".
    assert ei_index(sectors, by="sector")["groups"] == {
        "health": 1 / 3,
        "hub": 0.0,
        "local_government": 0.0,
        "none": 1.0,
    }


def test_mixing_matrix_by_hand(sectors):
    assert mixing_matrix(sectors) == {
        "health": {"health": 1, "hub": 0, "local_government": 1, "none": 1},
        "hub": {"health": 0, "hub": 1, "local_government": 1, "none": 0},
        "local_government": {"health": 1, "hub": 1, "local_government": 2, "none": 0},
        "none": {"health": 1, "hub": 0, "local_government": 0, "none": 0},
    }
    m = mixing_matrix(sectors, by="organisation")
    assert m["org:10"]["org:10"] == 2 and m["org:10"]["hub"] == m["hub"]["org:10"] == 1
