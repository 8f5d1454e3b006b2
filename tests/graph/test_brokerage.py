"""Brokerage (SPEC §4): Gould–Fernandez roles, Burt's measures, boundary spanners."""

from __future__ import annotations

import itertools
import math
import random

import networkx as nx
import pytest

from graph.brokerage import ROLES, boundary_spanners, gould_fernandez, structural_holes
from graph.build import build, groups
from graph.model import Node, Tie
from graph.testing import AS_OF, from_networkx, partnership


def roles(**counts) -> dict[str, int]:
    row = {r: counts.get(r, 0) for r in ROLES}
    row["total"] = sum(row.values())
    return row


@pytest.fixture
def five_roles():
    """Three organisations: A = 10 (11, 12, 13), B = 20 (21, 22), C = 30 (31); the hub 1 apart.

    Directed ties: 11→12, 21→12, 12→13, 12→21, 12→22, 12→31, and 11→31 (closes 11→12→31).
    """
    nodes = [Node(o, "organisation", f"Org {o}") for o in (10, 20, 30)]
    nodes += [Node(v, "person", f"p{v}", organisation_id=v // 10 * 10) for v in (11, 12, 13)]
    nodes += [Node(v, "person", f"p{v}", organisation_id=20) for v in (21, 22)]
    nodes += [Node(31, "person", "p31", organisation_id=30)]
    arcs = [(11, 12), (21, 12), (12, 13), (12, 21), (12, 22), (12, 31), (11, 31)]
    return partnership(arcs, nodes=nodes, directed=arcs)


def test_gould_fernandez_five_roles_by_hand(five_roles):
    gf = gould_fernandez(five_roles)
    # Broker 12 (group A): in {11 (A), 21 (B)}, out {13 (A), 21 (B), 22 (B), 31 (C)}.
    #   11→12→13  A A A  coordinator
    #   11→12→21  A A B  representative
    #   11→12→22  A A B  representative
    #   11→12→31  closed by 11→31: not counted
    #   21→12→21  a = c: not a two-path
    #   21→12→13  B A A  gatekeeper
    #   21→12→22  B A B  consultant
    #   21→12→31  B A C  liaison
    assert gf[12] == roles(coordinator=1, consultant=1, representative=2, gatekeeper=1, liaison=1)
    # 21: in {12}, out {12}: only 12→21→12, a = c. Nobody else has both in- and out-arcs.
    assert all(gf[v] == roles() for v in gf if v != 12)


def test_boundary_spanner_by_hand(five_roles):
    # 12 has ties into B and C besides its own A, and representative + gatekeeper + liaison = 4;
    # 11 reaches only C outside A; 21 only A.
    assert boundary_spanners(five_roles) == [12]


def brute_force(ag, by="organisation"):
    g = groups(ag, by=by)
    D = ag.D
    out = {v: roles() for v in D}
    for a, b, c in itertools.permutations(D, 3):
        if D.has_edge(a, b) and D.has_edge(b, c) and not D.has_edge(a, c):
            ga, gb, gc = g[a], g[b], g[c]
            if ga == gb == gc:
                role = "coordinator"
            elif ga == gc:
                role = "consultant"
            elif ga == gb:
                role = "representative"
            elif gb == gc:
                role = "gatekeeper"
            else:
                role = "liaison"
            out[b][role] += 1
            out[b]["total"] += 1
    return out


def random_directed_partnership(seed: int):
    rng = random.Random(seed)
    orgs = [40, 41, 42, 43]
    nodes = [Node(1, "hub", "Hub")] + [Node(o, "organisation", f"o{o}") for o in orgs]
    sectors = ["health", "housing", None]
    for v in range(2, 32):
        org = rng.choice([None, 1, *orgs])
        nodes.append(Node(v, "person", f"p{v}", organisation_id=org, sector=rng.choice(sectors)))
    ids = [n.id for n in nodes]
    ties = [
        Tie(k, *rng.sample(ids, 2), directed=rng.random() < 0.6, strength=rng.randint(1, 5))
        for k in range(110)
    ]
    return build(nodes, ties, [], as_of=AS_OF)


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("by", ["organisation", "sector"])
def test_gould_fernandez_equals_brute_force(seed, by):
    ag = random_directed_partnership(seed)
    assert gould_fernandez(ag, by=by) == brute_force(ag, by=by)


def borgatti():
    """Borgatti (1997), "Structural holes: unpacking Burt's redundancy measures", Connections
    20(1): 35-38 (http://www.analytictech.com/connections/v20(1)/holes.htm): the example graph,
    as reproduced in networkx/algorithms/tests/test_structuralholes.py with its edge weights."""
    G = nx.Graph()
    weights = {
        ("A", "B"): 2,
        ("A", "F"): 3,
        ("A", "G"): 5,
        ("A", "E"): 2,
        ("E", "G"): 8,
        ("F", "G"): 3,
        ("B", "G"): 4,
        ("B", "D"): 1,
        ("D", "G"): 3,
        ("G", "C"): 10,
    }
    for (u, v), w in weights.items():
        G.add_edge(u, v, weight=w)
    return G


@pytest.mark.parametrize("engine", ["igraph", "networkx"])
def test_borgatti_unweighted(engine):
    # Borgatti 1997: ego G has effective size 4.67 (= 6 - 2 * 4 / 6: 6 alters, 4 ties among
    # them); A 2.50, C 1. Constraint (networkx's tests, checked with UCINET and igraph):
    # G 0.400, A 0.595, C 1.
    ag, ids = from_networkx(borgatti())  # s = 1 on every tie
    sh = structural_holes(ag, engine=engine)
    G, A, C = ids["G"], ids["A"], ids["C"]
    assert sh[G]["effective_size"] == pytest.approx(6 - 8 / 6, abs=1e-12)
    assert round(sh[G]["effective_size"], 2) == 4.67
    assert sh[A]["effective_size"] == pytest.approx(2.50, abs=1e-2)
    assert sh[C]["effective_size"] == pytest.approx(1, abs=1e-12)
    assert sh[G]["constraint"] == pytest.approx(0.400, abs=1e-3)
    assert sh[A]["constraint"] == pytest.approx(0.595, abs=1e-3)
    assert sh[C]["constraint"] == pytest.approx(1, abs=1e-12)
    assert sh[G]["efficiency"] == pytest.approx((6 - 8 / 6) / 6, abs=1e-12)


@pytest.mark.parametrize("engine", ["igraph", "networkx"])
def test_borgatti_weighted(engine):
    # networkx's tests: weighted constraint G 0.299, A 0.795, C 1; effective size G 5.47,
    # A 2.47, C 1 (both scale-free, so strength = weight / 10 gives the same values).
    ag, ids = from_networkx(borgatti(), weight="weight")
    sh = structural_holes(ag, engine=engine)
    G, A, C = ids["G"], ids["A"], ids["C"]
    assert sh[G]["constraint"] == pytest.approx(0.299, abs=1e-3)
    assert sh[A]["constraint"] == pytest.approx(0.795, abs=1e-3)
    assert sh[C]["constraint"] == pytest.approx(1, abs=1e-12)
    assert sh[G]["effective_size"] == pytest.approx(5.47, abs=1e-2)
    assert sh[A]["effective_size"] == pytest.approx(2.47, abs=1e-2)
    assert sh[C]["effective_size"] == pytest.approx(1, abs=1e-12)


@pytest.mark.parametrize("seed", range(6))
def test_structural_holes_match_networkx(seed):
    ag = random_directed_partnership(seed)
    ag.G.add_node(99)  # an isolate: networkx gives NaN, we give None
    ag.nodes[99] = Node(99, "person", "alone")
    con = nx.constraint(ag.G, weight="strength")
    # networkx's per-node path (nodes=...): its all-nodes sparse shortcut has a weighted bug
    es = nx.effective_size(ag.G, weight="strength", nodes=list(ag.G))
    fast = structural_holes(ag)
    for v in ag.G:
        if ag.G.degree(v) == 0:
            assert math.isnan(con[v]) and math.isnan(es[v])
            assert fast[v] == {"constraint": None, "effective_size": None, "efficiency": None}
            continue
        assert fast[v]["constraint"] == pytest.approx(con[v], abs=1e-9)
        assert fast[v]["effective_size"] == pytest.approx(es[v], abs=1e-9)
        assert fast[v]["efficiency"] == pytest.approx(es[v] / ag.G.degree(v), abs=1e-9)
    slow = structural_holes(ag, engine="networkx")
    for v, row in fast.items():
        for key, x in row.items():
            assert slow[v][key] == (None if x is None else pytest.approx(x, abs=1e-9))


def test_empty_and_hub_only():
    ag = partnership([])
    assert gould_fernandez(ag) == {1: roles()}
    assert structural_holes(ag) == {
        1: {"constraint": None, "effective_size": None, "efficiency": None}
    }
    assert boundary_spanners(ag) == []
