"""``create_app()``: the FastAPI application, built from settings when called."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy.engine import Engine

from app import __version__
from app.db import make_engine
from app.limits import BodyLimitMiddleware
from app.security import SecurityMiddleware
from app.settings import Settings, get_settings

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
    install_errors(app)
    app.include_router(api_router())
    install_docs(app)
    install_web(app)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    # Added last, so it wraps everything: every response, even a 413, carries the headers.
    app.add_middleware(SecurityMiddleware)
    return app
