"""``create_app()``: the FastAPI application, built from settings when called."""

from __future__ import annotations

import html
import logging

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy.engine import Engine

from app import __version__
from app.db import DB_ERRORS, database_trouble, make_engine
from app.limits import BodyLimitMiddleware
from app.security import SecurityMiddleware
from app.settings import Settings, get_settings

log = logging.getLogger("stakemap")

#: What a caller is told when the database, not the request, is at fault (HTTP 503).
UNAVAILABLE_MESSAGES = {
    "unavailable": "The database is unavailable; try again shortly.",
    "read_only": "The database is read-only at the moment; nothing was changed. Reading still "
    "works; try the change again later.",
    "full": "The database is full; nothing was changed. Ask the administrator to free space, "
    "then try again.",
}
RETRY_AFTER_SECONDS = 5

DESCRIPTION = """
Stakemap stores a partnership's hub, its stakeholders and their wider networks as a graph, and
measures reach, centrality, brokerage and engagement gaps.

**Getting started.** Every route but `/api/v1/health` needs a bearer token: run
`stakemap token create you@example.org`, press *Authorize* above and paste the token. Then
`POST /api/v1/partnerships` with `{"name": "My partnership"}` creates a partnership and its hub,
and `POST /api/v1/partnerships/{pid}/stakeholders` with
`{"kind": "organisation", "name": "Borough Council", "sector": "local_government"}` adds a
stakeholder.

Lists take `limit` (≤ 500) and `offset` and return `{"data": [...], "count": total}`. Errors are
`{"detail": "message"}`, or for validation a list of `{"loc", "msg", "type"}` naming each field.
When the database is unreachable, read-only or full, any route answers 503 with a `Retry-After`
header and nothing is changed; the service recovers by itself when the database does.
"""


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    """Build the application; the engine comes from settings unless one is given (tests)."""
    from api.app import api_router
    from api.docs import install as install_docs
    from api.errors import install as install_errors
    from web.pages import install as install_web

    settings = settings or get_settings()
    app = FastAPI(
        title="Stakemap",
        version=__version__,
        description=DESCRIPTION,
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine or make_engine(
        settings.database_url,
        busy_timeout_ms=settings.sqlite_busy_timeout_ms,
        pool_size=settings.pool_size,
    )
    # The analysis is made ready now (its fork server started, with the analysis imported),
    # not by the first request that needs it.
    from app.services import analysis

    analysis.configure(parallel=settings.analysis_parallel, isolation=settings.analysis_isolation)
    analysis.warm_up()
    install_errors(app)
    _install_database_errors(app)
    app.include_router(api_router())
    install_docs(app)
    install_web(app)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    # Added last, so it wraps everything: every response, even a 413, carries the headers.
    app.add_middleware(SecurityMiddleware)
    return app


def _install_database_errors(app: FastAPI) -> None:
    """Answer 503 (JSON for the API, a page for the browser) when the database is at fault.

    Nothing is kept between requests: each one checks a connection out of the pool, which
    pings it first (``pool_pre_ping``), so the service recovers on its own once the database
    is back.
    """
    for exc_class in DB_ERRORS:
        app.add_exception_handler(exc_class, _database_error)


async def _database_error(request: Request, exc: Exception) -> Response:
    kind = database_trouble(exc)
    if kind is None:
        raise exc  # a bug or an unexpected constraint: a 500, logged, not disguised as an outage
    log.error("database %s: %s", kind, getattr(exc, "orig", None) or exc)
    message = UNAVAILABLE_MESSAGES[kind]
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
    wants_page = not request.url.path.startswith(("/api/", "/openapi")) and "text/html" in (
        request.headers.get("accept", "")
    )
    if not wants_page:
        return JSONResponse({"detail": message}, status_code=503, headers=headers)
    return HTMLResponse(_unavailable_page(message), status_code=503, headers=headers)


def _unavailable_page(message: str) -> str:
    from web.render import static_url

    return (
        '<!doctype html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<title>Service unavailable · Stakemap</title>\n"
        f'<link rel="stylesheet" href="{static_url("css/app.css")}">\n</head>\n'
        '<body class="page-plain">\n<main id="main">\n<section class="card narrow">\n'
        "<h1>Service unavailable</h1>\n"
        f"<p>{html.escape(message)}</p>\n"
        "<p>This page will work again once the database is back; reload it in a moment.</p>\n"
        '<p><a class="btn" href="">Reload</a></p>\n'
        "</section>\n</main>\n</body>\n</html>\n"
    )
