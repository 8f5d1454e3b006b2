"""/api/v1/health — public."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from app import __version__

router = APIRouter(tags=["health"])


@router.get(
    "/health",
    responses={503: {"description": "The database cannot be reached."}},
)
def health(request: Request):
    """Liveness and database reachability; needs no token."""
    try:
        with request.app.state.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        return JSONResponse(
            {"status": "unavailable", "database": "unreachable", "version": __version__},
            status_code=503,
        )
    return {"status": "ok", "database": "ok", "version": __version__}
