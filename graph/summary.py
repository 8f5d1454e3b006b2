"""The partnership summary: the headline numbers of every section (SPEC §4)."""

from __future__ import annotations

from collections import Counter

import networkx as nx

from graph._engine import Arrays, arrays
from graph.build import groups
from graph.communities import ei_index, louvain
from graph.model import AnalyticGraph
from graph.reach import reach_summary

__all__ = ["summary", "summarise"]

_REACH_KEYS = (
    "N",
    "reach_1",
    "reach_2",
    "reach_3",
    "coverage_1",
    "coverage_2",
    "coverage_3",
    "unreached",
)


def summarise(
    ag: AnalyticGraph, *, reach: dict, ei_org: dict, ei_sector: dict, communities: dict
) -> dict:
    """Return the summary of :func:`summary` from already computed sections.

    ``reach`` is :func:`graph.reach.reach_summary`, ``ei_org``/``ei_sector`` are
    :func:`graph.communities.ei_index` by organisation and by sector, ``communities`` is
    :func:`graph.communities.louvain`.
    """
    G = ag.G
    comps = [len(c) for c in nx.connected_components(G)]
    kinds = Counter(n.kind for n in ag.nodes.values())
    return {
        "as_of": ag.as_of.isoformat(),
        "stakeholders": len(ag.nodes),
        "by_kind": {k: kinds.get(k, 0) for k in ("hub", "organisation", "person", "group")},
        "core": len(ag.core),
        "active_ties": G.number_of_edges(),
        "density": float(nx.density(G)) if len(G) > 1 else 0.0,
        "components": len(comps),
        "largest_component": max(comps, default=0),
        "reach": {k: reach[k] for k in _REACH_KEYS},
        "warm_reach": reach["warm_reach"],
        "key_players": reach["key_players"],
        "key_player_coverage": reach["key_player_coverage"],
        "ei_index": {"organisation": ei_org["global"], "sector": ei_sector["global"]},
        "modularity": communities["modularity"],
        "communities": len(communities["communities"]),
    }


def summary(ag: AnalyticGraph, *, engine: str = "igraph", _arrays: Arrays | None = None) -> dict:
    """Return the partnership summary as plain data.

    Keys: ``as_of``; ``stakeholders`` and their count ``by_kind``; ``core`` (hub + members);
    ``active_ties``; ``density`` = 2m / (n(n − 1)) (0 for fewer than 2 stakeholders);
    ``components`` and ``largest_component`` (connected components of the active ties); ``reach``
    (N, reach_k, coverage_k, unreached — see :func:`graph.reach.reach_summary`); ``warm_reach``;
    ``key_players`` and ``key_player_coverage``; the global ``ei_index`` by organisation and by
    sector; Louvain ``modularity`` and the number of ``communities``.

    Examples
    --------
    >>> from graph.testing import partnership
    >>> s = summary(partnership([(1, 2), (2, 3)], isolated=[4]))
    >>> s["stakeholders"], s["active_ties"], s["components"], s["largest_component"]
    (4, 2, 2, 3)
    >>> s["reach"]["reach_2"], s["reach"]["coverage_2"], s["ei_index"]["organisation"]
    (2, 0.6666666666666666, 1.0)
    """
    a = None if engine == "networkx" else (_arrays or arrays(ag.G))
    org = groups(ag)
    sector = groups(ag, by="sector")
    return summarise(
        ag,
        reach=reach_summary(ag, _groups=org, _sectors=sector),
        ei_org=ei_index(ag, _groups=org),
        ei_sector=ei_index(ag, _groups=sector),
        communities=louvain(ag, engine=engine, _arrays=a),
    )
