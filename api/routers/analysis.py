"""/api/v1/partnerships/{pid}/analysis/* and /graph — SPEC §3–§6, results cached per revision."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from api.deps import CanRead, SessionDep
from api.errors import READ, WRITE
from app.enums import TieKind
from app.errors import Invalid
from app.schemas import MAX_ID, Id, Score
from app.services import analysis as service
from app.services import stakeholders as stakeholder_service

router = APIRouter(prefix="/partnerships/{pid}", tags=["analysis"])

AsOf = Annotated[
    date | None,
    Query(description="Analyse the partnership as on this date (default today)."),
]
JSON_OK = {200: {"description": "The result, as JSON.", "content": {"application/json": {}}}}
DOCS = {**READ, **JSON_OK}


def _json(text: str) -> Response:
    return Response(content=text, media_type="application/json")


def _as_of(as_of: date | None) -> date:
    return as_of or date.today()


def _section(name: str, doc: str):
    def route(loaded: CanRead, session: SessionDep, as_of: AsOf = None):
        return _json(
            service.section(
                session=session, partnership=loaded.partnership, name=name, as_of=_as_of(as_of)
            )
        )

    route.__name__ = f"analysis_{name}"
    route.__doc__ = doc
    router.add_api_route(
        f"/analysis/{name}", route, methods=["GET"], responses=DOCS, response_class=Response
    )


_section("summary", "Headline numbers: size, reach and coverage, warm reach, E-I, modularity.")
_section("reach", "Tiers from the core, reach and coverage by sector, kind and organisation, via.")
_section("centrality", "Degree, strength, betweenness, closeness, harmonic, eigenvector, PageRank.")
_section("brokerage", "Gould–Fernandez roles, Burt's constraint and effective size, spanners.")
_section("fragility", "Articulation points, bridges, dependants and organisations' bus factors.")
_section("communities", "Louvain communities, modularity, E-I indices, the sector mixing matrix.")
_section("gaps", "The ranked engagement gaps, each with a message, a suggestion and evidence.")


@router.get("/graph", responses=DOCS, response_class=Response)
def graph(loaded: CanRead, session: SessionDep, as_of: AsOf = None):
    """The analytic graph as node-link JSON: every stakeholder, every active tie's strength."""
    return _json(
        service.graph_json(session=session, partnership=loaded.partnership, as_of=_as_of(as_of))
    )


def _known(session, pid: int, sid: int | None, param: str) -> None:
    if sid is None:
        return
    if sid not in stakeholder_service.ids(session=session, partnership_id=pid):
        raise Invalid.field(("query", param), f"no stakeholder {sid} in this partnership")


@router.get("/analysis/path", responses=DOCS, response_class=Response)
def path(
    loaded: CanRead,
    session: SessionDep,
    target: Annotated[int, Query(ge=1, le=MAX_ID, description="The stakeholder to reach.")],
    source: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Start here instead of the core.")
    ] = None,
    as_of: AsOf = None,
):
    """The warmest introduction path to a stakeholder, and up to 3 alternatives."""
    from graph.paths import warmest_path

    _known(session, loaded.id, target, "target")
    _known(session, loaded.id, source, "source")
    day = _as_of(as_of)

    def compute():
        _, ag = service.analytic_graph(session=session, partnership=loaded.partnership, as_of=day)
        return warmest_path(ag, target, source=source)

    return _json(
        service.computed(
            session=session,
            partnership=loaded.partnership,
            name="path",
            as_of=day,
            params={"target": target, "source": source},
            fn=compute,
        )
    )


@router.get("/analysis/recommendations", responses=DOCS, response_class=Response)
def recommendations(
    loaded: CanRead,
    session: SessionDep,
    k: Annotated[int, Query(ge=1, le=50, description="How many to suggest.")] = 5,
    as_of: AsOf = None,
):
    """Next best engagements: whom to meet to bring the most new stakeholders within reach."""
    from graph.recommend import next_best_engagements

    day = _as_of(as_of)

    def compute():
        _, ag = service.analytic_graph(session=session, partnership=loaded.partnership, as_of=day)
        return {"recommendations": next_best_engagements(ag, k=k)}

    return _json(
        service.computed(
            session=session,
            partnership=loaded.partnership,
            name="recommendations",
            as_of=day,
            params={"k": k},
            fn=compute,
        )
    )


class WhatIfTie(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source_id: Id
    target_id: Id
    kind: TieKind = TieKind.collaborates
    strength: Score = 3


class WhatIf(BaseModel):
    model_config = ConfigDict(extra="forbid")
    remove: Annotated[list[Id], Field(max_length=10_000)] = Field(
        default_factory=list, description="Stakeholders who leave."
    )
    add_ties: Annotated[list[WhatIfTie], Field(max_length=10_000)] = Field(
        default_factory=list, description="Ties that would be made."
    )


@router.post("/analysis/what-if", responses={**DOCS, 413: WRITE[413]}, response_class=Response)
def what_if(body: WhatIf, loaded: CanRead, session: SessionDep, as_of: AsOf = None):
    """Reach and gaps before and after some stakeholders leave and/or some ties are made."""
    from graph.whatif import what_if as run_what_if

    problems = []
    ids = stakeholder_service.ids(session=session, partnership_id=loaded.id)
    for i, sid in enumerate(body.remove):
        if sid not in ids:
            problems.append((("body", "remove", i), f"no stakeholder {sid} in this partnership"))
    for i, t in enumerate(body.add_ties):
        for end in ("source_id", "target_id"):
            if getattr(t, end) not in ids:
                problems.append(
                    (("body", "add_ties", i, end), f"no stakeholder {getattr(t, end)} here")
                )
        if t.source_id == t.target_id:
            problems.append((("body", "add_ties", i, "target_id"), "a tie joins two stakeholders"))
    if problems:
        from app.errors import FieldProblem

        raise Invalid([FieldProblem(loc, msg) for loc, msg in problems])
    day = _as_of(as_of)

    def compute():
        rec, _ = service.analytic_graph(session=session, partnership=loaded.partnership, as_of=day)
        return run_what_if(
            rec.nodes,
            rec.ties,
            rec.engagements,
            as_of=day,
            half_life=rec.half_life,
            remove=tuple(body.remove),
            add_ties=tuple(t.model_dump(mode="json") for t in body.add_ties),
        )

    return _json(
        service.computed(
            session=session,
            partnership=loaded.partnership,
            name="what-if",
            as_of=day,
            params=body.model_dump(mode="json"),
            fn=compute,
        )
    )


@router.get("/analysis/compare", responses=DOCS, response_class=Response)
def compare(
    loaded: CanRead,
    session: SessionDep,
    date_from: Annotated[date, Query(alias="from", description="The earlier date.")],
    date_to: Annotated[
        date | None, Query(alias="to", description="The later date (today).")
    ] = None,
):
    """Changes in reach, tiers and centrality ranks between two dates."""
    from graph.compare import compare as run_compare

    to = _as_of(date_to)
    if date_from > to:
        raise Invalid.field(("query", "from"), "from must not be after to")

    def compute():
        rec, _ = service.analytic_graph(session=session, partnership=loaded.partnership, as_of=to)
        return run_compare(
            rec.nodes,
            rec.ties,
            rec.engagements,
            date_from=date_from,
            date_to=to,
            half_life=rec.half_life,
        )

    return _json(
        service.computed(
            session=session,
            partnership=loaded.partnership,
            name="compare",
            as_of=to,
            params={"from": date_from.isoformat()},
            fn=compute,
        )
    )
