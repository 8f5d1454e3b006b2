"""Every metric of SPEC §4 in one pass, as JSON-safe plain data."""

from __future__ import annotations

from collections.abc import Callable

from graph._engine import arrays
from graph.brokerage import boundary_spanners, gould_fernandez, structural_holes
from graph.build import groups
from graph.centrality import centrality, start_all_pairs
from graph.communities import ei_index, louvain, mixing_matrix
from graph.fragility import articulation_points, bridges, bus_factor, dependants
from graph.jsonsafe import jsonsafe
from graph.model import AnalyticGraph
from graph.reach import organisation_tiers, reach_summary, tiers, unique_reach, via, warm_reach
from graph.summary import summarise

__all__ = ["SECTIONS", "full_analysis"]

SECTIONS = ("summary", "reach", "centrality", "brokerage", "fragility", "communities")


def full_analysis(
    ag: AnalyticGraph,
    *,
    engine: str = "igraph",
    workers: int | None = None,
    progress: Callable[[str, float], None] | None = None,
) -> dict:
    """Return every section of the analysis, each computed once and shared.

    ``{"as_of", "summary", "reach", "centrality", "brokerage", "fragility", "communities"}``:

    - ``reach``: ``tiers``, ``organisation_tiers``, ``warm_reach`` (per stakeholder), ``via``,
      ``unique_reach`` and ``summary`` (:func:`graph.reach.reach_summary`);
    - ``centrality``: :func:`graph.centrality.centrality`;
    - ``brokerage``: ``gould_fernandez`` (by organisation), ``structural_holes``,
      ``boundary_spanners``;
    - ``fragility``: ``articulation_points``, ``bridges`` (``[u, v]`` lists), ``dependants``,
      ``bus_factor``;
    - ``communities``: ``louvain``, ``ei_index`` (``organisation`` and ``sector``),
      ``mixing_matrix`` (``sector``).

    Node-level results are keyed by stakeholder id (int keys: the API layer converts them). NaN
    and infinity never appear (None instead). With the igraph engine the all-pairs centralities
    start first (in ``workers`` processes, see :func:`graph.centrality.centrality`) and everything
    else is computed while they run. ``progress(phase, fraction)``, when given, is told as each
    phase starts.

    Examples
    --------
    >>> from graph.testing import partnership
    >>> r = full_analysis(partnership([]))
    >>> r["summary"]["stakeholders"], r["reach"]["tiers"], r["summary"]["modularity"]
    (1, {1: 0}, None)
    """
    tell = progress or (lambda phase, fraction: None)
    tell("reach", 0.1)
    a = None if engine == "networkx" else arrays(ag.G)
    pending = None if a is None else start_all_pairs(a, workers)
    org = groups(ag)
    sector = groups(ag, by="sector")

    t = tiers(ag)
    o = organisation_tiers(ag, _tiers=t, _groups=org)
    w = warm_reach(ag)
    vi = via(ag, _tiers=t)
    rs = reach_summary(ag, _tiers=t, _org_tiers=o, _warm=w, _groups=org, _sectors=sector)
    reach = {
        "tiers": t,
        "organisation_tiers": o,
        "warm_reach": w,
        "via": vi,
        "unique_reach": unique_reach(ag, _tiers=t, _via=vi),
        "summary": rs,
    }

    tell("brokerage", 0.2)
    gf = gould_fernandez(ag, _groups=org)
    brokerage = {
        "gould_fernandez": gf,
        "structural_holes": structural_holes(ag, engine=engine, _arrays=a),
        "boundary_spanners": boundary_spanners(ag, _groups=org, _brokerage=gf),
    }
    tell("fragility", 0.3)
    fragility = {
        "articulation_points": articulation_points(ag, engine=engine, _arrays=a),
        "bridges": [list(b) for b in bridges(ag, engine=engine, _arrays=a)],
        "dependants": dependants(ag, engine=engine, _arrays=a),
        "bus_factor": bus_factor(ag, _groups=org),
    }
    tell("communities", 0.35)
    lv = louvain(ag, engine=engine, _arrays=a)
    ei_org = ei_index(ag, _groups=org)
    ei_sector = ei_index(ag, _groups=sector)
    communities = {
        "louvain": lv,
        "ei_index": {"organisation": ei_org, "sector": ei_sector},
        "mixing_matrix": {"sector": mixing_matrix(ag, _groups=sector)},
    }
    summary = summarise(ag, reach=rs, ei_org=ei_org, ei_sector=ei_sector, communities=lv)
    tell("centrality", 0.4)
    result = {
        "as_of": ag.as_of.isoformat(),
        "summary": summary,
        "reach": reach,
        "centrality": centrality(ag, engine=engine, _arrays=a, _all_pairs=pending),
        "brokerage": brokerage,
        "fragility": fragility,
        "communities": communities,
    }
    return jsonsafe(result)
