"""/api/v1/partnerships/{pid}/analysis/* and /graph — SPEC §3–§6, results cached per revision.

Every route here is computed off the request path, once across every worker and replica (see
``app.services.analysis``): a request waits up to ``STAKEMAP_ANALYSIS_WAIT_SECONDS`` for the result
and otherwise answers 202 with the progress, to be asked again after ``Retry-After`` seconds. The
parameterised ones (path, recommendations, what-if, compare) go the same way: each loads the whole
partnership and builds its graph, which alone takes seconds for thousands of stakeholders, and
what-if and compare build it twice and recompute reach and gaps.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
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


class AnalysisPending(BaseModel):
    """The analysis is being computed (or its last attempt failed and will be retried)."""

    status: Literal["running", "failed"] = Field(
        description="running: being computed; failed: the last attempt failed, and the request "
        "after retry_after seconds starts another."
    )
    progress: float = Field(ge=0, le=1, description="How far the computation is, 0 to 1.")
    phase: str = Field(description="What it is doing: loading, building, centrality, gaps…")
    retry_after: int = Field(ge=0, description="Seconds to wait before asking again.")
    error: str | None = Field(None, description="Why the last attempt failed (status failed).")


PENDING = {
    202: {
        "model": AnalysisPending,
        "description": "Not computed yet: the computation has started (once, for every worker). "
        "Ask again, with the same request, after the seconds in Retry-After.",
        "headers": {
            "Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}},
            "Location": {
                "description": "Where to ask again (this URL; GET routes only).",
                "schema": {"type": "string"},
            },
        },
    }
}
DOCS = {**READ, **JSON_OK, **PENDING}


def _wait(request: Request) -> float:
    return request.app.state.settings.analysis_wait_seconds


Wait = Annotated[float, Depends(_wait)]


def _json(result: str | service.Pending, request: Request) -> Response:
    if isinstance(result, str):
        return Response(content=result, media_type="application/json")
    headers = {"Retry-After": str(result.retry_after), "Cache-Control": "no-store"}
    if request.method == "GET":
        url = request.url
        headers["Location"] = url.path + (f"?{url.query}" if url.query else "")
    return JSONResponse(result.body(), status_code=202, headers=headers)


def _as_of(as_of: date | None) -> date:
    return as_of or date.today()


def _section(name: str, doc: str):
    def route(
        request: Request, loaded: CanRead, session: SessionDep, wait: Wait, as_of: AsOf = None
    ):
        result = service.section(
            session=session,
            partnership=loaded.partnership,
            name=name,
            as_of=_as_of(as_of),
            wait=wait,
        )
        return _json(result, request)

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
def graph(request: Request, loaded: CanRead, session: SessionDep, wait: Wait, as_of: AsOf = None):
    """The analytic graph as node-link JSON: every stakeholder, every active tie's strength."""
    result = service.graph_json(
        session=session, partnership=loaded.partnership, as_of=_as_of(as_of), wait=wait
    )
    return _json(result, request)


def _known(session, pid: int, sid: int | None, param: str) -> None:
    if sid is None:
        return
    if sid not in stakeholder_service.ids(session=session, partnership_id=pid):
        raise Invalid.field(("query", param), f"no stakeholder {sid} in this partnership")


@router.get("/analysis/path", responses=DOCS, response_class=Response)
def path(
    request: Request,
    loaded: CanRead,
    session: SessionDep,
    wait: Wait,
    target: Annotated[int, Query(ge=1, le=MAX_ID, description="The stakeholder to reach.")],
    source: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Start here instead of the core.")
    ] = None,
    as_of: AsOf = None,
):
    """The warmest introduction path to a stakeholder, and up to 3 alternatives."""
    _known(session, loaded.id, target, "target")
    _known(session, loaded.id, source, "source")
    day = _as_of(as_of)

    result = service.computed(
        session=session,
        partnership=loaded.partnership,
        name="path",
        as_of=day,
        params={"target": target, "source": source},
        fn=partial(_path, day=day, target=target, source=source),
        wait=wait,
    )
    return _json(result, request)


@router.get("/analysis/recommendations", responses=DOCS, response_class=Response)
def recommendations(
    request: Request,
    loaded: CanRead,
    session: SessionDep,
    wait: Wait,
    k: Annotated[int, Query(ge=1, le=50, description="How many to suggest.")] = 5,
    as_of: AsOf = None,
):
    """Next best engagements: whom to meet to bring the most new stakeholders within reach."""
    day = _as_of(as_of)
    result = service.computed(
        session=session,
        partnership=loaded.partnership,
        name="recommendations",
        as_of=day,
        params={"k": k},
        fn=partial(_recommendations, day=day, k=k),
        wait=wait,
    )
    return _json(result, request)


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
def what_if(
    request: Request,
    body: WhatIf,
    loaded: CanRead,
    session: SessionDep,
    wait: Wait,
    as_of: AsOf = None,
):
    """Reach and gaps before and after some stakeholders leave and/or some ties are made.

    A 202 means the scenario is being computed: send the same request again to get it.
    """
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

    result = service.computed(
        session=session,
        partnership=loaded.partnership,
        name="what-if",
        as_of=day,
        params=body.model_dump(mode="json"),
        fn=partial(
            _what_if,
            day=day,
            remove=tuple(body.remove),
            add_ties=tuple(t.model_dump(mode="json") for t in body.add_ties),
        ),
        wait=wait,
        where="body",
    )
    return _json(result, request)


@router.get("/analysis/compare", responses=DOCS, response_class=Response)
def compare(
    request: Request,
    loaded: CanRead,
    session: SessionDep,
    wait: Wait,
    date_from: Annotated[date, Query(alias="from", description="The earlier date.")],
    date_to: Annotated[
        date | None, Query(alias="to", description="The later date (today).")
    ] = None,
):
    """Changes in reach, tiers and centrality ranks between two dates."""
    to = _as_of(date_to)
    if date_from > to:
        raise Invalid.field(("query", "from"), "from must not be after to")

    result = service.computed(
        session=session,
        partnership=loaded.partnership,
        name="compare",
        as_of=to,
        params={"from": date_from.isoformat()},
        fn=partial(_compare, date_from=date_from, to=to),
        wait=wait,
    )
    return _json(result, request)


# -- the computations: module-level functions of the records and plain parameters, so that they
# -- can be sent to the process that computes them (see app.services.analysis)


def _path(rec, *, day: date, target: int, source: int | None):
    from graph.paths import warmest_path

    return warmest_path(service.build(rec, day), target, source=source)


def _recommendations(rec, *, day: date, k: int):
    from graph.recommend import next_best_engagements

    return {"recommendations": next_best_engagements(service.build(rec, day), k=k)}


def _what_if(rec, *, day: date, remove: tuple, add_ties: tuple):
    from graph.whatif import what_if

    return what_if(
        rec.nodes,
        rec.ties,
        rec.engagements,
        as_of=day,
        half_life=rec.half_life,
        remove=remove,
        add_ties=add_ties,
    )


def _compare(rec, *, date_from: date, to: date):
    from graph.compare import compare

    return compare(
        rec.nodes,
        rec.ties,
        rec.engagements,
        date_from=date_from,
        date_to=to,
        half_life=rec.half_life,
    )
