"""Fragility (SPEC §4) on a hand-worked partnership, and both engines against each other."""

from __future__ import annotations

import random

import networkx as nx
import pytest

from graph.fragility import articulation_points, bridges, bus_factor, dependants
from graph.model import Node
from graph.testing import partnership


@pytest.fixture
def ag():
    """Hub 1, member 2. Ties: 1-3, triangle 3-4-5, 5-6, 6-7; triangle 2-8-9; 10-11 apart;
    12 isolated. Organisation 20 has members 3, 4, 9 (and a group 21 with member 22, who has no
    tie); organisation 30 has members 7 and 11."""
    nodes = [Node(20, "organisation", "Org 20"), Node(30, "organisation", "Org 30")]
    nodes += [Node(v, "person", f"p{v}", organisation_id=20) for v in (3, 4, 9)]
    nodes += [Node(21, "group", "Team", organisation_id=20)]
    nodes += [Node(22, "person", "p22", organisation_id=21)]
    nodes += [Node(v, "person", f"p{v}", organisation_id=30) for v in (7, 11)]
    edges = [(1, 3), (3, 4), (4, 5), (5, 3), (5, 6), (6, 7), (2, 8), (8, 9), (9, 2), (10, 11)]
    return partnership(edges, nodes=nodes, members=[2], isolated=[12, 22])


@pytest.mark.parametrize("engine", ["igraph", "networkx"])
def test_articulation_points_and_bridges(ag, engine):
    # 3 cuts 1 off the triangle, 5 cuts 6-7 off, 6 cuts 7 off; 1 has one tie, 2 sits in a
    # triangle. Bridges: the ties in no cycle.
    assert articulation_points(ag, engine=engine) == [3, 5, 6]
    assert bridges(ag, engine=engine) == [(1, 3), (5, 6), (6, 7), (10, 11)]


@pytest.mark.parametrize("engine", ["igraph", "networkx"])
def test_dependants(ag, engine):
    # From the core {1, 2}: 3..7 are reached only through the hub 1, then through 3; 6 and 7
    # through 5; 7 through 6. 8 and 9 only through member 2. 10, 11, 12 are unreachable.
    assert dependants(ag, engine=engine) == {
        1: [3, 4, 5, 6, 7],
        2: [8, 9],
        3: [4, 5, 6, 7],
        5: [6, 7],
        6: [7],
    }


def test_dependants_with_two_routes():
    # 4 is reached from hub 1 through 3 and from member 2 directly: it depends on no one;
    # 5 hangs off 4.
    ag = partnership([(1, 3), (3, 4), (2, 4), (4, 5)], members=[2])
    assert dependants(ag) == {4: [5]}


def test_bus_factor(ag):
    # Org 20: 3 (tie to hub 1) and 9 (tie to member 2) have a direct tie to the core; 4 and 22
    # (through group 21) do not. Org 30: neither 7 nor 11.
    assert bus_factor(ag) == {20: 2, 30: 0}


@pytest.mark.parametrize("seed", range(8))
def test_engines_agree_on_random_graphs(seed):
    rng = random.Random(seed)
    G = nx.gnm_random_graph(40, 45, seed=seed)
    edges = [(u + 1, v + 1) for u, v in G.edges() if u != v]
    ag = partnership(edges, members=[rng.randint(2, 40)], isolated=range(2, 41))
    assert articulation_points(ag) == sorted(nx.articulation_points(ag.G))
    assert bridges(ag) == sorted(tuple(sorted(b)) for b in nx.bridges(ag.G))
    fast = dependants(ag)
    assert fast == dependants(ag, engine="networkx")
    # brute force: remove v, see who loses every path to the core
    core = ag.core

    def reached(H):
        seen = set()
        for c in core:
            if c in H:
                seen |= nx.node_connected_component(H, c)
        return seen

    before = reached(ag.G)
    for v in ag.G:
        H = ag.G.copy()
        H.remove_node(v)
        lost = sorted(before - reached(H) - {v})
        assert fast.get(v, []) == lost


def test_hub_only_and_no_ties():
    ag = partnership([], isolated=[2, 3])
    assert articulation_points(ag) == [] and bridges(ag) == []
    assert dependants(ag) == {} and bus_factor(ag) == {}
