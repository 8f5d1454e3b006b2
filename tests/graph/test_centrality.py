"""Centrality (SPEC §4): both engines against networkx and against published values."""

from __future__ import annotations

import math
import random
from datetime import date, timedelta

import networkx as nx
import numpy as np
import pytest

from graph import _allpairs
from graph._engine import arrays
from graph.build import build
from graph.centrality import (
    METRICS,
    betweenness,
    centrality,
    closeness_and_harmonic,
    eigenvector,
)
from graph.model import CHANNEL_WEIGHTS, Engagement, Node, Tie
from graph.testing import from_networkx, partnership

TOL = 1e-9

KITE_NAMES = [
    "Andre",
    "Beverly",
    "Carol",
    "Diane",
    "Ed",
    "Fernando",
    "Garth",
    "Heather",
    "Ike",
    "Jane",
]


def reference(G: nx.Graph) -> dict[str, dict]:
    """networkx's own answers on the analytic graph, as SPEC §4 defines them."""
    return {
        "degree_centrality": nx.degree_centrality(G),
        "strength": dict(G.degree(weight="strength")),
        "betweenness": nx.betweenness_centrality(G, weight="distance", normalized=True),
        "closeness": nx.closeness_centrality(G, distance="distance", wf_improved=True),
        "harmonic": nx.harmonic_centrality(G, distance="distance"),
        "eigenvector": nx.eigenvector_centrality(G, weight="strength", max_iter=1000, tol=1e-9),
        "pagerank": nx.pagerank(G, alpha=0.85, weight="strength"),
    }


def assert_matches_networkx(ag) -> dict:
    ref = reference(ag.G)
    for engine in ("igraph", "networkx"):
        got = centrality(ag, engine=engine)
        for metric, values in ref.items():
            for v, x in values.items():
                assert got[v][metric] == pytest.approx(x, abs=TOL), (engine, metric, v)
        assert all(got[v]["degree"] == d for v, d in ag.G.degree())
    return centrality(ag)


@pytest.mark.parametrize(
    "graph",
    [nx.karate_club_graph, nx.florentine_families_graph, nx.krackhardt_kite_graph],
)
def test_literature_graphs_match_networkx(graph):
    ag, _ = from_networkx(graph())  # every tie s = 1, distance 1: weighted = unweighted
    assert_matches_networkx(ag)


def test_krackhardt_kite_published():
    # Krackhardt, D. (1990). Assessing the political landscape: structure, cognition, and power
    # in organizations. Administrative Science Quarterly 35(2): 342-369. The kite: Diane has the
    # most ties (6 of 9), Fernando and Garth are closest to all (closeness 9/14 = 0.643), Heather
    # is the broker (betweenness 14/36 = 0.389, the count 14 over the 36 pairs of the others).
    ag, ids = from_networkx(nx.krackhardt_kite_graph())
    c = centrality(ag)
    name = {ids[k]: KITE_NAMES[k] for k in ids}

    def top(metric):
        best = max(c[v][metric] for v in c)
        return sorted(name[v] for v in c if abs(c[v][metric] - best) < 1e-12)

    assert top("degree") == ["Diane"] and c[ids[3]]["degree"] == 6
    assert top("betweenness") == ["Heather"]
    assert c[ids[7]]["betweenness"] == pytest.approx(14 / 36, abs=1e-12)
    assert top("closeness") == ["Fernando", "Garth"]
    assert c[ids[5]]["closeness"] == pytest.approx(9 / 14, abs=1e-12)


def test_florentine_families_published():
    # Padgett, J. F. and Ansell, C. K. (1993). Robust action and the rise of the Medici,
    # 1400-1434. American Journal of Sociology 98(6): 1259-1319 (marriage network, 15 families
    # with ties; networkx drops the isolated Pucci). The Medici's normalised betweenness is
    # 0.522 (= 47.5 / 91, the 91 pairs of the other 14 families), the highest, as reported by
    # e.g. Borgatti, Everett and Johnson, Analyzing Social Networks (2013) and UCINET; its degree
    # is 6, the highest.
    ag, ids = from_networkx(nx.florentine_families_graph())
    c = centrality(ag)
    medici = ids["Medici"]
    assert c[medici]["betweenness"] == pytest.approx(47.5 / 91, abs=1e-12)
    assert round(c[medici]["betweenness"], 3) == 0.522
    assert c[medici]["degree"] == 6
    assert max(c, key=lambda v: c[v]["betweenness"]) == medici


def test_karate_club_published():
    # Zachary, W. W. (1977). An information flow model for conflict and fission in small groups.
    # Journal of Anthropological Research 33(4): 452-473. The instructor (node 0) and the
    # administrator (node 33) are the two centres: betweenness 0.4376 and 0.3041, eigenvector
    # 0.3555 and 0.3734 (node 33 highest), PageRank 0.0970 and 0.1009, as tabulated in Newman,
    # Networks (2nd ed., 2018) and networkx's documentation; values verified here to 4 places.
    ag, _ = from_networkx(nx.karate_club_graph())
    c = centrality(ag)
    assert round(c[0]["betweenness"], 4) == 0.4376 and round(c[33]["betweenness"], 4) == 0.3041
    assert round(c[0]["eigenvector"], 4) == 0.3555 and round(c[33]["eigenvector"], 4) == 0.3734
    assert round(c[0]["pagerank"], 4) == 0.0970 and round(c[33]["pagerank"], 4) == 0.1009
    assert c[33]["degree"] == 17 and c[0]["degree"] == 16


def random_partnership(seed: int, n: int = 60, discrete: bool = True):
    """Random records: declared ties with discrete strengths, engagements, several components."""
    rng = random.Random(seed)
    as_of = date(2024, 1, 1)
    nodes = [Node(1, "hub", "Hub")] + [Node(i, "person", f"p{i}") for i in range(2, n + 1)]
    ties = []
    for k in range(int(n * 1.5)):
        u, v = rng.sample(range(1, n - 4), 2)  # the last 5 nodes: only engagements or isolated
        ties.append(Tie(k, u, v, strength=rng.randint(1, 5), directed=rng.random() < 0.2))
    engagements = []
    if not discrete:
        for k in range(n):
            who = tuple(rng.sample(range(1, n + 1), rng.randint(2, 4)))
            channel = rng.choice(list(CHANNEL_WEIGHTS))
            engagements.append(
                Engagement(k, as_of - timedelta(days=rng.randint(0, 500)), channel, who)
            )
    return build(nodes, ties, engagements, as_of=as_of)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("discrete", [True, False])
def test_random_partnerships_match_networkx(seed, discrete):
    # discrete strengths make many equal-length paths: the hard case for engine agreement
    ag = random_partnership(seed, discrete=discrete)
    c = assert_matches_networkx(ag)
    assert all(math.isfinite(x) for row in c.values() for x in row.values())


def test_disconnected_graph_with_isolates():
    ag = partnership([(1, 2), (2, 3), (4, 5)], isolated=[6])
    c = assert_matches_networkx(ag)
    assert c[6] == {
        "degree": 0,
        "degree_centrality": 0.0,
        "strength": 0.0,
        "betweenness": 0.0,
        "closeness": 0.0,
        "harmonic": 0.0,
        "eigenvector": pytest.approx(c[6]["eigenvector"]),
        "pagerank": pytest.approx(c[6]["pagerank"]),
    }
    # closeness with Wasserman-Faust scaling: node 2 reaches 2 others at distance 1 each, 3 of
    # the 5 others are unreachable: (2 / 2) * (2 / 5) = 0.4
    assert c[2]["closeness"] == pytest.approx(0.4, abs=1e-15)
    # node 4 reaches only 5: (1 / 1) * (1 / 5)
    assert c[4]["closeness"] == pytest.approx(0.2, abs=1e-15)


def test_no_ties_gives_defined_values():
    ag = partnership([], isolated=[2, 3, 4])
    c = centrality(ag)
    for v in (1, 2, 3, 4):
        # without edges the power iteration stays at the uniform vector: 1 / sqrt(4)
        assert c[v]["eigenvector"] == pytest.approx(0.5, abs=1e-15)
        assert c[v]["pagerank"] == pytest.approx(0.25, abs=1e-15)
        assert c[v]["betweenness"] == c[v]["closeness"] == c[v]["harmonic"] == 0.0
    assert eigenvector(ag, engine="networkx") == pytest.approx(eigenvector(ag), abs=1e-15)


def test_hub_only():
    ag = partnership([])
    c = centrality(ag)
    # networkx: a single node has degree centrality 1; eigenvector 1 / sqrt(1)
    assert c == {
        1: {
            "degree": 0,
            "degree_centrality": 1.0,
            "strength": 0.0,
            "betweenness": 0.0,
            "closeness": 0.0,
            "harmonic": 0.0,
            "eigenvector": 1.0,
            "pagerank": 1.0,
        }
    }
    assert set(c[1]) == set(METRICS)


def test_two_nodes():
    ag = partnership([(1, 2)])
    assert betweenness(ag) == {1: 0.0, 2: 0.0}
    assert closeness_and_harmonic(ag) == ({1: 1.0, 2: 1.0}, {1: 1.0, 2: 1.0})


def test_eigenvector_without_convergence_returns_last_iterate():
    # max_iter=1: networkx would raise PowerIterationFailedConvergence; we return the iterate
    ag = partnership([(1, 2), (2, 3), (3, 4)])
    x = eigenvector(ag, max_iter=1)
    assert all(math.isfinite(v) and v > 0 for v in x.values())
    assert eigenvector(ag, engine="networkx", max_iter=1) == pytest.approx(x, abs=1e-15)


def test_unknown_engine():
    with pytest.raises(ValueError):
        centrality(partnership([]), engine="graph-tool")


def test_worker_processes_give_the_same_numbers():
    ag = random_partnership(3, n=80, discrete=False)
    serial = centrality(ag, workers=1)
    parallel = centrality(ag, workers=2)
    for v, row in serial.items():
        assert parallel[v] == pytest.approx(row, abs=1e-12)


def test_the_compiled_kernel_is_built():
    # CI installs the package, which builds graph._brandes; without it the analysis falls back to
    # igraph + scipy (right, but about twice as slow and in processes)
    assert _allpairs.COMPILED, "graph._brandes was not built: reinstall with a C compiler"


def _all_pairs_reference(G: nx.Graph):
    return (
        nx.betweenness_centrality(G, weight="distance", normalized=False),
        nx.closeness_centrality(G, distance="distance", wf_improved=True),
        nx.harmonic_centrality(G, distance="distance"),
    )


@pytest.mark.parametrize("compiled", [True, False], ids=["brandes", "igraph+scipy"])
@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize(
    "make",
    [
        lambda: random_partnership(4, n=70, discrete=True).G,
        lambda: random_partnership(5, n=70, discrete=False).G,
        # a grid: unit lengths, so very many equal shortest paths (the tie-counting case)
        lambda: from_networkx(nx.grid_2d_graph(6, 7))[0].G,
    ],
    ids=["discrete", "engagements", "grid"],
)
def test_both_all_pairs_paths_match_networkx(compiled, workers, make):
    if compiled and not _allpairs.COMPILED:
        pytest.fail("graph._brandes was not built")
    G = make()
    a = arrays(G)
    raw, clo, har = _allpairs.AllPairs(
        a.n, a.src, a.dst, a.distance, workers=workers, compiled=compiled
    ).result()
    btw_ref, clo_ref, har_ref = _all_pairs_reference(G)
    for i, v in enumerate(a.nodes):
        # networkx's unnormalised undirected betweenness counts each unordered pair once, as here
        assert raw[i] == pytest.approx(btw_ref[v], rel=1e-12, abs=TOL), v
        assert clo[i] == pytest.approx(clo_ref[v], rel=1e-12, abs=TOL), v
        assert har[i] == pytest.approx(har_ref[v], rel=1e-12, abs=TOL), v


def test_the_kernel_refuses_malformed_input():
    if not _allpairs.COMPILED:
        pytest.fail("graph._brandes was not built")
    from graph import _brandes

    ok = (np.array([0, 1, 2], dtype=np.int64), np.array([1, 0], dtype=np.int64), np.ones(2))
    out = (np.zeros(2), np.zeros(2), np.zeros(2))
    _brandes.allpairs(2, *ok, 0, 2, *out)
    assert out[0].tolist() == [0.0, 0.0] and out[2].tolist() == [1.0, 1.0]
    bad = [
        ((np.array([0, 1, 3], dtype=np.int64), ok[1], ok[2]), "indptr"),
        ((ok[0], np.array([1, 5], dtype=np.int64), ok[2]), "indices"),
        ((ok[0], ok[1], np.array([1.0, 0.0])), "positive"),
        ((ok[0], ok[1], np.array([1.0, np.nan])), "positive"),
        ((ok[0], ok[1].astype(np.int32), ok[2]), "indices"),
    ]
    for arrays_, word in bad:
        with pytest.raises(ValueError, match=word):
            _brandes.allpairs(2, *arrays_, 0, 2, *out)
    with pytest.raises(ValueError):
        _brandes.allpairs(2, *ok, 1, 3, *out)


@pytest.mark.parametrize("queue", [1, 2], ids=["heap", "buckets"])
@pytest.mark.parametrize(
    "make",
    [
        lambda: random_partnership(6, n=70, discrete=True).G,
        lambda: random_partnership(7, n=70, discrete=False).G,
        lambda: from_networkx(nx.grid_2d_graph(6, 7))[0].G,
        lambda: from_networkx(nx.florentine_families_graph())[0].G,
    ],
    ids=["discrete", "engagements", "grid", "florentine"],
)
def test_both_queues_of_the_kernel_match_networkx(queue, make):
    # the kernel settles nodes with a bucket queue when edge lengths are within 1e5 of each other
    # (always, for SPEC's lengths) and with a heap otherwise; each must give networkx's numbers
    if not _allpairs.COMPILED:
        pytest.fail("graph._brandes was not built")
    from graph import _brandes

    G = make()
    a = arrays(G)
    indptr, indices, weights = _allpairs._csr(a.n, a.src, a.dst, a.distance)
    bc, clo, har = np.zeros(a.n), np.zeros(a.n), np.zeros(a.n)
    _brandes.allpairs(a.n, indptr, indices, weights, 0, a.n, bc, clo, har, queue)
    btw_ref, clo_ref, har_ref = _all_pairs_reference(G)
    for i, v in enumerate(a.nodes):
        assert bc[i] / 2 == pytest.approx(btw_ref[v], rel=1e-12, abs=TOL), v
        assert clo[i] == pytest.approx(clo_ref[v], rel=1e-12, abs=TOL), v
        assert har[i] == pytest.approx(har_ref[v], rel=1e-12, abs=TOL), v


def test_widely_spread_lengths_use_the_heap_and_still_match():
    # lengths from 2^-20 to 2^20: too many buckets, so the kernel takes its heap (and agrees)
    rng = random.Random(11)
    G = nx.gnm_random_graph(40, 90, seed=11)
    for u, v in G.edges:
        G[u][v]["distance"] = 2.0 ** rng.randint(-20, 20)
    a = arrays(G)
    raw, clo, har = _allpairs.AllPairs(a.n, a.src, a.dst, a.distance).result()
    btw_ref, clo_ref, har_ref = _all_pairs_reference(G)
    for i, v in enumerate(a.nodes):
        assert raw[i] == pytest.approx(btw_ref[v], rel=1e-12, abs=TOL)
        assert clo[i] == pytest.approx(clo_ref[v], rel=1e-12, abs=1e-15)
        assert har[i] == pytest.approx(har_ref[v], rel=1e-12, abs=TOL)
