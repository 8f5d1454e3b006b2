"""The partnership as a networkx graph, written as GraphML, GEXF or node-link JSON.

One node per stakeholder (keyed by its id) with its stored fields, its effective sector and
whether it is in the core; one undirected edge per pair of stakeholders with any evidence: a
declared tie (valid or not on ``as_of``) or a shared engagement on or before ``as_of``. An edge's
``weight`` is the analytic tie strength s of SPEC §3 as of ``as_of`` (0 when its only evidence is a
tie outside its validity), ``active`` says whether s ≥ 0.1, and the declared ties and shared
engagements are summed up beside it. Missing values are left out (GraphML and GEXF have no null);
tags are joined with ``;``. People whose contact is not permitted have no ``email``.
"""

from __future__ import annotations

import io
import json
from collections import defaultdict
from datetime import date
from itertools import combinations

import networkx as nx

from app.exporters.rows import Snapshot
from graph.build import ACTIVE_THRESHOLD, MAX_PARTICIPANTS, tie_strengths
from graph.model import Engagement as EngagementRec
from graph.model import Node
from graph.model import Tie as TieRec

__all__ = ["network", "graphml", "gexf", "node_link"]

NODE_FIELDS = (
    "kind", "name", "external_id", "organisation_id", "sector", "role", "seniority", "influence",
    "interest", "engagement", "desired_engagement", "owner_id",
)  # fmt: skip


def _kept(attrs: dict) -> dict:
    return {k: v for k, v in attrs.items() if v is not None and v != ""}


def network(snap: Snapshot, *, as_of: date) -> nx.Graph:
    """The export graph of a partnership as of a date."""
    p = snap.partnership
    rows = snap.by_id
    sectors = snap.effective_sectors()
    G = nx.Graph(
        name=p.name,
        partnership_id=p.id,
        as_of=as_of.isoformat(),
        half_life_days=float(p.half_life_days),
        hub_id=snap.hub_id,
    )
    for s in snap.stakeholders:
        attrs = {"label": s.name, **{f: getattr(s, f) for f in NODE_FIELDS}}
        attrs.update(
            organisation=rows[s.organisation_id].name if s.organisation_id in rows else None,
            owner=rows[s.owner_id].name if s.owner_id in rows else None,
            effective_sector=sectors[s.id],
            email=snap.email_of(s),
            contact_permitted=bool(s.contact_permitted),
            tags=";".join(s.tags or []),
            notes=s.notes,
            core=s.id == snap.hub_id or (s.kind == "person" and s.organisation_id == snap.hub_id),
        )
        G.add_node(s.id, **_kept(attrs))

    nodes = [Node(id=s.id, kind=s.kind, name=s.name) for s in snap.stakeholders]
    ties = [
        TieRec(t.id, t.source_id, t.target_id, t.kind, bool(t.directed), t.strength,
               t.valid_from, t.valid_to)
        for t in snap.ties
    ]  # fmt: skip
    past = [
        EngagementRec(e.id, e.occurred_on, e.channel, tuple(snap.participants.get(e.id, ())))
        for e in snap.engagements
        if e.occurred_on <= as_of
    ]
    strength = tie_strengths(nodes, ties, past, as_of=as_of, half_life=p.half_life_days)
    declared: dict[tuple[int, int], list] = defaultdict(list)
    for t in snap.ties:
        declared[(min(t.source_id, t.target_id), max(t.source_id, t.target_id))].append(t)
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for e in past:
        if 2 <= len(e.participant_ids) <= MAX_PARTICIPANTS:
            for pair in combinations(sorted(e.participant_ids), 2):
                shared[pair] += 1
    for pair in sorted(strength.keys() | declared.keys()):
        s = strength.get(pair, 0.0)
        mine = declared.get(pair, [])
        attrs = {
            "weight": s,
            "active": s >= ACTIVE_THRESHOLD - 1e-12,
            "engagements": shared.get(pair, 0),
            "ties": len(mine),
            "tie_kinds": ";".join(sorted({t.kind for t in mine})),
            "tie_strength": max((t.strength for t in mine), default=None),
        }
        G.add_edge(*pair, **_kept(attrs))
    return G


def graphml(G: nx.Graph) -> bytes:
    buf = io.BytesIO()
    nx.write_graphml(G, buf)
    return buf.getvalue()


def gexf(G: nx.Graph) -> bytes:
    buf = io.BytesIO()
    nx.write_gexf(G, buf)
    return buf.getvalue()


def node_link(G: nx.Graph) -> bytes:
    """networkx's node-link JSON (``nx.node_link_graph`` reads it back)."""
    data = nx.node_link_data(G)
    return json.dumps(data, allow_nan=False, ensure_ascii=False).encode("utf-8")
