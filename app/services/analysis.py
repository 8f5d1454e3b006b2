"""Analysis of a partnership's graph (SPEC §3–§6), cached in the database per revision.

A result is stored under (partnership, revision, key) where the key hashes the section, as_of and
parameters, so a repeated request is served from the table by any worker process, and any write
(which bumps the revision) makes old results unreachable.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from app.db import session_scope
from app.errors import Invalid
from app.services import graphdata
from app.tables import AnalysisResult, Partnership
from graph import build as graph_build
from graph.errors import InvalidParameter, UnknownStakeholder

log = logging.getLogger("stakemap.analysis")

#: Sections computed together by one full analysis run.
FULL_SECTIONS = (
    "summary",
    "reach",
    "centrality",
    "brokerage",
    "fragility",
    "communities",
    "gaps",
)


def _key(section: str, as_of: date, params: dict | None) -> str:
    raw = json.dumps([section, as_of.isoformat(), params or {}], sort_keys=True, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


def _dump(result) -> str:
    from graph.jsonsafe import jsonsafe

    return json.dumps(jsonsafe(result), allow_nan=False, separators=(",", ":"))


def cached(*, session: Session, partnership: Partnership, key: str) -> str | None:
    """The stored JSON text for this key at the partnership's current revision, if any."""
    return session.execute(
        select(AnalysisResult.result).where(
            AnalysisResult.partnership_id == partnership.id,
            AnalysisResult.revision == partnership.revision,
            AnalysisResult.key == key,
        )
    ).scalar_one_or_none()


def _store(
    session: Session, partnership: Partnership, rows: list[tuple[str, str, date, str, float]]
) -> None:
    """Keep results for every worker; losing a race to another process is fine.

    A read request stores them in a short write transaction of its own. A request that already
    holds the write lock (a POST) stores them in its own transaction, since on SQLite a second
    writer would wait for it forever.
    """
    if session.connection().get_execution_options().get("stakemap_write"):
        try:
            with session.begin_nested():
                _insert(session, partnership, rows)
        except IntegrityError:
            log.info("another process stored the same analysis first")
        return
    try:
        with session_scope(session.get_bind()) as s:
            _insert(s, partnership, rows)
    except IntegrityError:
        log.info("another process stored the same analysis first")


def _insert(s: Session, partnership: Partnership, rows) -> None:
    # Results of older revisions can never be served again.
    s.execute(
        delete(AnalysisResult).where(
            AnalysisResult.partnership_id == partnership.id,
            AnalysisResult.revision < partnership.revision,
        )
    )
    for key, section, as_of, text, seconds in rows:
        exists = s.execute(
            select(AnalysisResult.id).where(
                AnalysisResult.partnership_id == partnership.id,
                AnalysisResult.revision == partnership.revision,
                AnalysisResult.key == key,
            )
        ).scalar_one_or_none()
        if exists is None:
            s.add(
                AnalysisResult(
                    partnership_id=partnership.id,
                    revision=partnership.revision,
                    key=key,
                    section=section,
                    as_of=as_of,
                    result=text,
                    seconds=seconds,
                )
            )
    s.flush()


def analytic_graph(*, session: Session, partnership: Partnership, as_of: date):
    """The partnership's analytic graph as of a date."""
    rec = graphdata.load(session=session, partnership=partnership)
    return rec, graph_build.build(
        rec.nodes, rec.ties, rec.engagements, as_of=as_of, half_life=rec.half_life
    )


def full(*, session: Session, partnership: Partnership, as_of: date) -> dict:
    """Every section of the full analysis, computed together (not cached)."""
    from graph.analysis import full_analysis
    from graph.gaps import gaps

    _, ag = analytic_graph(session=session, partnership=partnership, as_of=as_of)
    result = full_analysis(ag)
    result["gaps"] = {"gaps": gaps(ag, metrics=result)}
    return result


def section(*, session: Session, partnership: Partnership, name: str, as_of: date) -> str:
    """One section of the full analysis as JSON text, from the cache or computed (and kept)."""
    key = _key(name, as_of, None)
    text = cached(session=session, partnership=partnership, key=key)
    if text is not None:
        return text
    started = time.perf_counter()
    result = full(session=session, partnership=partnership, as_of=as_of)
    seconds = time.perf_counter() - started
    rows = []
    for sec in FULL_SECTIONS:
        rows.append((_key(sec, as_of, None), sec, as_of, _dump(result.get(sec, {})), seconds))
    _store(session, partnership, rows)
    return dict((r[1], r[3]) for r in rows)[name]


def computed(
    *, session: Session, partnership: Partnership, name: str, as_of: date, params: dict, fn
) -> str:
    """A parameterised result (path, recommendations, compare…), cached like the sections."""
    key = _key(name, as_of, params)
    text = cached(session=session, partnership=partnership, key=key)
    if text is not None:
        return text
    started = time.perf_counter()
    try:
        result = fn()
    except UnknownStakeholder as exc:
        raise Invalid.field(("query", getattr(exc, "param", "target")), str(exc)) from None
    except InvalidParameter as exc:
        raise Invalid.field(("query", getattr(exc, "param", "params")), str(exc)) from None
    text = _dump(result)
    _store(session, partnership, [(key, name, as_of, text, time.perf_counter() - started)])
    return text


def graph_json(*, session: Session, partnership: Partnership, as_of: date) -> str:
    """The analytic graph as node-link JSON (networkx's shape), with tie strengths."""

    def compute():
        rec, ag = analytic_graph(session=session, partnership=partnership, as_of=as_of)
        nodes = []
        core = ag.core
        for n in rec.nodes:
            nodes.append(
                {
                    "id": n.id,
                    "name": n.name,
                    "kind": n.kind,
                    "organisation_id": n.organisation_id,
                    "sector": n.sector,
                    "seniority": n.seniority,
                    "influence": n.influence,
                    "interest": n.interest,
                    "engagement": n.engagement,
                    "desired_engagement": n.desired_engagement,
                    "owner_id": n.owner_id,
                    "core": n.id in core,
                }
            )
        links = [
            {"source": u, "target": v, "strength": d["strength"], "distance": d["distance"]}
            for u, v, d in ag.G.edges(data=True)
        ]
        links.sort(key=lambda x: (x["source"], x["target"]))
        return {
            "directed": False,
            "multigraph": False,
            "graph": {
                "partnership_id": partnership.id,
                "revision": partnership.revision,
                "as_of": as_of.isoformat(),
                "hub_id": rec.hub_id,
                "half_life_days": rec.half_life,
            },
            "nodes": nodes,
            "links": links,
        }

    return computed(
        session=session, partnership=partnership, name="graph", as_of=as_of, params={}, fn=compute
    )
